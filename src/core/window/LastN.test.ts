import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SUCCESS, TIMEOUT } from '../outcome.ts';
import { LastN } from './LastN.ts';

describe('LastN', () => {
  it('counts the timeouts among the last n outcomes, as a plain list would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.oneof(fc.constantFrom(SUCCESS, TIMEOUT), fc.constant(-1)), { maxLength: 200 }),
        (n, ops) => {
          const last = new LastN(n);
          let list: number[] = [];
          for (const op of ops) {
            if (op === -1) {
              last.clear();
              list = [];
            } else {
              last.push(op);
              list.push(op);
            }
            const tail = list.slice(-n);
            expect(last.timeouts).toBe(tail.filter((c) => c === TIMEOUT).length);
            expect(last.size).toBe(tail.length);
          }
        },
      ),
    );
  });
});
