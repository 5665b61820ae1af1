import { describe, expect, it } from 'vitest';
import { Rng } from '../random/Rng.ts';
import { OrderTable } from './OrderTable.ts';

describe('OrderTable', () => {
  it.each([
    ['from 0', 0],
    ['across the 32-bit wrap of insertion numbers', 2 ** 31 - 5_000],
  ])(
    'agrees with a Map through adds, lookups and forgetting the oldest, across growth (%s)',
    (_, firstNumber) => {
      const rng = new Rng(11);
      const table = new OrderTable<{ orderId: string; n: number }>(4, firstNumber);
      const model = new Map<string, { orderId: string; n: number }>();
      let next = 0;
      for (let step = 0; step < 20_000; step++) {
        const u = rng.next();
        if (u < 0.5) {
          const v = { orderId: `o-${next}`, n: next++ };
          table.add(v);
          model.set(v.orderId, v);
        } else if (u < 0.7) {
          const oldest = model.keys().next();
          expect(table.oldest()?.orderId).toBe(oldest.done ? undefined : oldest.value);
          table.dropOldest();
          if (!oldest.done) model.delete(oldest.value);
        } else {
          // present, forgotten and never-seen keys alike
          const key = `o-${rng.int(next + 10)}`;
          expect(table.get(key)).toBe(model.get(key));
        }
      }
      expect(table.size).toBe(model.size);
      expect([...table.values()]).toEqual([...model.values()]);
      for (const [k, v] of model) expect(table.get(k)).toBe(v);
    },
  );
});
