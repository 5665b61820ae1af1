import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL_STATES } from './decision.ts';
import { computeWeights } from './weights.ts';

const channelsArb = fc.uniqueArray(
  fc.record({
    id: fc.stringMatching(/^[a-z]{1,6}$/),
    priority: fc.integer({ min: 1, max: 5 }),
    state: fc.constantFrom(...CHANNEL_STATES),
    ramp: fc.constantFrom(0.25, 0.5, 0.75, 1),
    errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { minLength: 1, maxLength: 8, selector: (c) => c.id },
);
const splitArb = fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), {
  minLength: 1,
  maxLength: 4,
});

describe('computeWeights', () => {
  it('always sums to 1, never all zero, never negative', () => {
    fc.assert(
      fc.property(
        channelsArb,
        splitArb,
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (channels, split, degradedFactor) => {
          const { weights, panic } = computeWeights(channels, {
            split,
            degradedFactor,
            probingShare: 0.02,
          });
          const values = Object.values(weights);
          expect(values).toHaveLength(channels.length);
          expect(Math.abs(values.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-9);
          expect(values.every((w) => w >= 0)).toBe(true);
          expect(values.some((w) => w > 0)).toBe(true);
          const serving = channels.some((c) => c.state !== 'down' && c.state !== 'maintenance');
          expect(panic).toBe(!serving);
          for (const c of channels)
            if (!panic && (c.state === 'down' || c.state === 'maintenance'))
              expect(weights[c.id]).toBe(0);
        },
      ),
    );
  });

  it('splits 70/20/10 by priority among healthy channels, a degraded one getting less', () => {
    const base = { ramp: 1, errorRate: 0 };
    const opts = { split: [0.7, 0.2, 0.1], degradedFactor: 0.25, probingShare: 0.02 };
    const all = computeWeights(
      [
        { id: 'a', priority: 1, state: 'healthy', ...base },
        { id: 'b', priority: 2, state: 'healthy', ...base },
        { id: 'c', priority: 3, state: 'healthy', ...base },
      ],
      opts,
    ).weights;
    expect(all.a).toBeCloseTo(0.7, 12);
    expect(all.b).toBeCloseTo(0.2, 12);
    expect(all.c).toBeCloseTo(0.1, 12);
    const degraded = computeWeights(
      [
        { id: 'a', priority: 1, state: 'degraded', ...base },
        { id: 'b', priority: 2, state: 'healthy', ...base },
        { id: 'c', priority: 3, state: 'healthy', ...base },
      ],
      opts,
    ).weights;
    // a falls behind the healthy ones and takes a quarter of the last rank's share.
    expect(degraded.b).toBeGreaterThan(degraded.c);
    expect(degraded.a).toBeLessThan(degraded.c);
    expect(degraded.a).toBeGreaterThan(0);
  });

  it('puts everything on the least bad channel in a panic', () => {
    const r = computeWeights(
      [
        { id: 'a', priority: 1, state: 'down', ramp: 1, errorRate: 0.9 },
        { id: 'b', priority: 2, state: 'down', ramp: 1, errorRate: 0.2 },
        { id: 'c', priority: 3, state: 'maintenance', ramp: 1, errorRate: 0 },
      ],
      { split: [0.7, 0.2, 0.1], degradedFactor: 0.25, probingShare: 0.02 },
    );
    expect(r).toEqual({ weights: { a: 0, b: 1, c: 0 }, panic: true });
  });
});
