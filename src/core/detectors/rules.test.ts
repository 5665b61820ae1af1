import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTORS } from '../options.ts';
import { binomialTail, timeoutRule } from './rules.ts';

describe('timeoutRule', () => {
  it('computes the binomial tail exactly', () => {
    expect(binomialTail(3, 2, 0.5)).toBeCloseTo(0.5, 12);
    expect(binomialTail(3, 0, 0.1)).toBeCloseTo(1, 12);
    expect(binomialTail(4, 3, 0.01)).toBeCloseTo(4 * 0.01 ** 3 * 0.99 + 0.01 ** 4, 15);
  });

  it("keeps the seeds' 2 of 3 for a clean channel and raises it for a noisy one", () => {
    const o = DEFAULT_DETECTORS.timeouts;
    expect(timeoutRule(o, 0.001, 8)).toEqual({ k: 2, n: 3 });
    expect(timeoutRule(o, 0.004, 8)).toEqual({ k: 3, n: 4 });
    expect(timeoutRule(o, 0.02, 8)).toEqual({ k: 4, n: 5 });
    expect(timeoutRule(o, 0.5, 8)).toEqual({ k: 7, n: 8 });
  });
});
