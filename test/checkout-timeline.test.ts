import { describe, expect, it } from 'vitest';
import { ResultTimeline } from '../simulators/checkout/ResultTimeline.ts';

describe('ResultTimeline', () => {
  it('buckets orders by creation time per strategy, declines left out of the rate, gaps as null', () => {
    const tl = new ResultTimeline(1_000, 500);
    tl.add('a', 1_000, 'paid');
    tl.add('a', 1_499, 'failed');
    tl.add('a', 1_200, 'declined');
    tl.add('a', 2_600, 'paid');
    tl.add('b', 1_100, 'paid');
    expect(tl.strategies()).toEqual(['a', 'b']);
    expect(tl.points('a')).toEqual([
      { t: 0, attempts: 3, paid: 1, declined: 1, successRate: 0.5 },
      { t: 500, attempts: 0, paid: 0, declined: 0, successRate: null },
      { t: 1000, attempts: 0, paid: 0, declined: 0, successRate: null },
      { t: 1500, attempts: 1, paid: 1, declined: 0, successRate: 1 },
    ]);
    expect(tl.points('nope')).toEqual([]);
    expect(() => new ResultTimeline(0, 0)).toThrow(RangeError);
  });
});
