import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLASS_COUNT } from '../outcome.ts';
import { BucketRing, INSTANT, PROBE, STRIDE } from './BucketRing.ts';
import { LATENCY_BINS, latencyBin, quantile } from './LatencyHistogram.ts';

const BUCKET = 250;
const HORIZONS = [10_000, 60_000];

interface Ev {
  at: number;
  cls: number;
  ms: number;
  probe: boolean;
  instant: boolean;
}

/** Brute force: every event whose bucket is inside the horizon, counted again from scratch. */
function recount(events: Ev[], head: number, horizonMs: number) {
  const counts = new Float64Array(STRIDE);
  const latency = new Float64Array(LATENCY_BINS);
  const span = horizonMs / BUCKET;
  for (const e of events) {
    const age = head - Math.floor(e.at / BUCKET);
    if (age < 0 || age >= span) continue;
    counts[e.cls]++;
    if (e.probe) counts[PROBE + e.cls]++;
    if (e.instant) counts[INSTANT]++;
    latency[latencyBin(e.ms)]++;
  }
  return { counts: Array.from(counts), latency: Array.from(latency) };
}

// Steps forward in time (with idle gaps up to 2 minutes) and events up to 70 s late.
const stream = fc.array(
  fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 120_000 })),
    lateBy: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 70_000 })),
    cls: fc.integer({ min: 0, max: CLASS_COUNT - 1 }),
    ms: fc.integer({ min: 0, max: 70_000 }),
    probe: fc.boolean(),
    instant: fc.boolean(),
  }),
  { maxLength: 300 },
);

describe('BucketRing', () => {
  it('equals a brute-force recount of every horizon over random streams with gaps and late events', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 0, max: 200_000 }), (steps, readGap) => {
        const ring = new BucketRing({ bucketMs: BUCKET, horizonsMs: HORIZONS });
        const kept: Ev[] = [];
        let now = 1_700_000_000_000;
        let late = 0;
        for (const s of steps) {
          now += s.gap;
          const e: Ev = {
            at: now - s.lateBy,
            cls: s.cls,
            ms: s.ms,
            probe: s.probe,
            instant: s.instant,
          };
          if (ring.record(e.at, e.cls, latencyBin(e.ms), e.probe, e.instant)) kept.push(e);
          else late++;
        }
        ring.advanceTo(now + readGap);
        const head = Math.floor((now + readGap) / BUCKET);
        HORIZONS.forEach((h, i) => {
          const want = recount(kept, head, h);
          expect(Array.from(ring.view(i).counts)).toEqual(want.counts);
          expect(Array.from(ring.view(i).latency)).toEqual(want.latency);
        });
        // Refused events are exactly those older than the longest horizon when they came.
        expect(kept.length + late).toBe(steps.length);
        // All-time totals count everything, kept or late, whatever has left the ring since.
        const all = ring.cumulative();
        expect(all.counts.slice(0, CLASS_COUNT).reduce((a, b) => a + b, 0)).toBe(steps.length);
        for (let cls = 0; cls < CLASS_COUNT; cls++)
          expect(all.counts[cls]).toBe(steps.filter((s) => s.cls === cls).length);
        expect(all.counts[PROBE]).toBe(steps.filter((s) => s.cls === 0 && s.probe).length);
        expect(all.latency.reduce((a, b) => a + b, 0)).toBe(steps.length);
      }),
      { numRuns: 300 },
    );
  });

  it('merges exported rings as if both streams had gone into one', () => {
    fc.assert(
      fc.property(stream, stream, (a, b) => {
        const t0 = 1_700_000_000_000;
        const build = (steps: typeof a) => {
          const ring = new BucketRing({ bucketMs: BUCKET, horizonsMs: HORIZONS });
          const evs: Ev[] = [];
          let now = t0;
          for (const s of steps) {
            now += s.gap % 5000;
            const e = { at: now, cls: s.cls, ms: s.ms, probe: s.probe, instant: s.instant };
            ring.record(e.at, e.cls, latencyBin(e.ms), e.probe, e.instant);
            evs.push(e);
          }
          return { ring, evs, now };
        };
        const x = build(a);
        const y = build(b);
        const end = Math.max(x.now, y.now);
        x.ring.advanceTo(end);
        x.ring.merge(y.ring.export());
        const head = Math.floor(end / BUCKET);
        HORIZONS.forEach((h, i) => {
          const want = recount([...x.evs, ...y.evs], head, h);
          expect(Array.from(x.ring.view(i).counts)).toEqual(want.counts);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses horizons that are not whole buckets', () => {
    expect(() => new BucketRing({ bucketMs: 300, horizonsMs: [1000] })).toThrow(
      /multiple of bucketMs/,
    );
  });
});

describe('LatencyHistogram', () => {
  it('finds quantiles within one bin of the exact value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 59_000 }), { minLength: 1, maxLength: 500 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        (xs, q) => {
          const bins = new Float64Array(LATENCY_BINS);
          for (const x of xs) bins[latencyBin(x)]++;
          const sorted = [...xs].sort((a, b) => a - b);
          const exact = sorted[Math.max(0, Math.ceil(q * xs.length) - 1)];
          const est = quantile(bins, q);
          // Same bin as the exact order statistic, or at its edge.
          expect(latencyBin(Math.max(0, est - 1e-9))).toBeLessThanOrEqual(latencyBin(exact));
          expect(latencyBin(est)).toBeGreaterThanOrEqual(latencyBin(exact) - 1);
        },
      ),
    );
  });

  it('reads 0 for an empty histogram', () => {
    expect(quantile(new Float64Array(LATENCY_BINS), 0.95)).toBe(0);
  });
});
