import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/time/VirtualScheduler.ts';
import { DueQueue } from './DueQueue.ts';

describe('DueQueue', () => {
  it('runs each callback at its due time, ties in the order added, on one timer at a time', async () => {
    const s = new VirtualScheduler(0);
    const q = new DueQueue(s);
    const ran: string[] = [];
    const add = (name: string, ms: number) =>
      q.after(ms, () => ran.push(`${name}@${s.clock.now()}`));
    add('c', 300);
    add('a', 100);
    add('b', 200);
    add('a2', 100);
    add('late', 5000);
    expect(s.pending).toBe(1);
    await s.advance(250);
    expect(ran).toEqual(['a@100', 'a2@100', 'b@200']);
    add('d', 10); // due before the armed one (c at 300)
    await s.advance(100);
    expect(ran).toEqual(['a@100', 'a2@100', 'b@200', 'd@260', 'c@300']);
    expect(q.size).toBe(1);
    await s.advance(10_000);
    expect(ran.at(-1)).toBe('late@5000');
    expect(q.size).toBe(0);
    expect(s.pending).toBe(0);
  });

  it('keeps heap order over many random entries', async () => {
    const s = new VirtualScheduler(0);
    const q = new DueQueue(s);
    const got: number[] = [];
    let x = 12345;
    const due: number[] = [];
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const ms = x % 10_000;
      due.push(ms);
      q.after(ms, () => got.push(s.clock.now()));
    }
    await s.advance(20_000);
    expect(got).toEqual([...due].sort((a, b) => a - b));
  });
});
