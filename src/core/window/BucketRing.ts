import { CLASS_COUNT } from '../outcome.ts';
import { LATENCY_BINS } from './LatencyHistogram.ts';

/** Counter slots per bucket: one per recorded class, then these. */
export const PROBES = CLASS_COUNT;
/** Outcomes carrying a code from the instant-code list. */
export const INSTANT = CLASS_COUNT + 1;
export const STRIDE = CLASS_COUNT + 2;

export interface BucketRingOptions {
  /** Width of one bucket. */
  bucketMs: number;
  /** Horizons read from the ring, each a multiple of bucketMs; the longest sets the ring's length. */
  horizonsMs: number[];
}

/** A horizon's running totals: counters by slot and the latency histogram. */
export interface HorizonTotals {
  readonly ms: number;
  readonly counts: Float64Array;
  readonly latency: Float64Array;
}

/** The ring's buckets keyed by absolute bucket index: what a shared store adds up across replicas. */
export interface RingExport {
  bucketMs: number;
  buckets: Array<{ index: number; counts: number[]; latency: number[] }>;
}

/**
 * Time-bucketed counters for one channel. Records are O(1): the bucket of the event's time gets
 * the counts, and every horizon that still holds that bucket adds them to its running total.
 * Time moves only when data or a reader says so (no timer): advancing evicts each elapsed bucket
 * from each horizon (subtract on evict), so after an idle gap every total is exact again.
 * Events older than the longest horizon are refused (the caller counts them as late).
 */
export class BucketRing {
  readonly bucketMs: number;
  readonly horizons: HorizonTotals[];
  private readonly spans: Int32Array; // buckets per horizon
  private readonly size: number;
  private readonly perMs: number;
  private readonly counts: Uint32Array;
  private readonly latency: Uint32Array;
  // Every horizon's totals in two flat arrays (the HorizonTotals are views into them): the hot
  // path indexes typed arrays rather than chasing objects.
  private readonly hCounts: Float64Array;
  private readonly hLatency: Float64Array;
  private head = -Infinity; // absolute index of the newest bucket
  private headSlot = 0; // head % size, kept so that records need no modulo

  constructor({ bucketMs, horizonsMs }: BucketRingOptions) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
    this.bucketMs = bucketMs;
    this.spans = Int32Array.from(horizonsMs, (ms) => {
      const n = Math.round(ms / bucketMs);
      if (n < 1 || n * bucketMs !== ms) throw new RangeError(`horizon ${ms} ms is not a multiple of bucketMs ${bucketMs}`);
      return n;
    });
    this.size = Math.max(...this.spans);
    this.perMs = 1 / bucketMs;
    this.counts = new Uint32Array(this.size * STRIDE);
    this.latency = new Uint32Array(this.size * LATENCY_BINS);
    this.hCounts = new Float64Array(horizonsMs.length * STRIDE);
    this.hLatency = new Float64Array(horizonsMs.length * LATENCY_BINS);
    this.horizons = horizonsMs.map((ms, h) => ({
      ms,
      counts: this.hCounts.subarray(h * STRIDE, (h + 1) * STRIDE),
      latency: this.hLatency.subarray(h * LATENCY_BINS, (h + 1) * LATENCY_BINS),
    }));
  }

  /** Newest bucket's start time (ms), or -Infinity before any data. */
  get headTime(): number {
    return this.head * this.bucketMs;
  }

  /**
   * Count one outcome at time `at`. Returns false (and records nothing) when `at` is older than
   * the longest horizon.
   */
  record(at: number, cls: number, bin: number, probe: boolean, instant: boolean): boolean {
    const b = Math.floor(at * this.perMs);
    if (b > this.head) this.rotate(b);
    const age = this.head - b;
    if (age >= this.size) return false;
    let slot = this.headSlot - age;
    if (slot < 0) slot += this.size;
    const c = slot * STRIDE;
    const counts = this.counts;
    counts[c + cls]++;
    this.latency[slot * LATENCY_BINS + bin]++;
    if (probe) counts[c + PROBES]++;
    if (instant) counts[c + INSTANT]++;
    const hc = this.hCounts;
    const hl = this.hLatency;
    const spans = this.spans;
    for (let h = 0; h < spans.length; h++) {
      if (age >= spans[h]) continue;
      const o = h * STRIDE;
      hc[o + cls]++;
      hl[h * LATENCY_BINS + bin]++;
      if (probe) hc[o + PROBES]++;
      if (instant) hc[o + INSTANT]++;
    }
    return true;
  }

  /** Bring every horizon up to time `now` (readers call this so idle channels read true). */
  advanceTo(now: number): void {
    const b = Math.floor(now * this.perMs);
    if (b > this.head) this.rotate(b);
  }

  /** Sum of one counter slot over the newest `buckets` buckets (for short look-backs such as instant codes). */
  recent(slot: number, buckets: number): number {
    let sum = 0;
    const n = Math.min(buckets, this.size);
    for (let i = 0; i < n; i++) {
      const b = this.head - i;
      if (b < 0) break;
      sum += this.counts[(b % this.size) * STRIDE + slot];
    }
    return sum;
  }

  /** Add another ring's buckets (same bucketMs) into this one: counters are plain sums, so replicas merge. */
  merge(other: RingExport): void {
    if (other.bucketMs !== this.bucketMs) throw new RangeError(`cannot merge rings of ${other.bucketMs} and ${this.bucketMs} ms buckets`);
    for (const { index, counts, latency } of other.buckets) {
      if (index > this.head) this.rotate(index);
      const age = this.head - index;
      if (age >= this.size) continue;
      const slot = index % this.size;
      for (let s = 0; s < STRIDE; s++) {
        this.counts[slot * STRIDE + s] += counts[s];
        for (let h = 0; h < this.horizons.length; h++) if (age < this.spans[h]) this.horizons[h].counts[s] += counts[s];
      }
      for (let i = 0; i < LATENCY_BINS; i++) {
        this.latency[slot * LATENCY_BINS + i] += latency[i];
        for (let h = 0; h < this.horizons.length; h++) if (age < this.spans[h]) this.horizons[h].latency[i] += latency[i];
      }
    }
  }

  export(): RingExport {
    const buckets: RingExport['buckets'] = [];
    for (let i = this.size - 1; i >= 0; i--) {
      const b = this.head - i;
      if (b < 0 || !Number.isFinite(b)) continue;
      const slot = b % this.size;
      const counts = Array.from(this.counts.subarray(slot * STRIDE, (slot + 1) * STRIDE));
      if (counts.every((c) => c === 0)) continue;
      buckets.push({ index: b, counts, latency: Array.from(this.latency.subarray(slot * LATENCY_BINS, (slot + 1) * LATENCY_BINS)) });
    }
    return { bucketMs: this.bucketMs, buckets };
  }

  private rotate(to: number): void {
    const from = this.head;
    if (!Number.isFinite(from) || to - from >= this.size) {
      this.counts.fill(0);
      this.latency.fill(0);
      for (const h of this.horizons) {
        h.counts.fill(0);
        h.latency.fill(0);
      }
      this.head = to;
      this.headSlot = to % this.size;
      return;
    }
    for (let j = from + 1; j <= to; j++) {
      // Bucket j - span leaves each shorter horizon as j arrives.
      for (let h = 0; h < this.horizons.length; h++) {
        const span = this.spans[h];
        if (span === this.size) continue;
        const gone = j - span;
        if (gone < 0) continue;
        this.subtract(this.horizons[h], gone % this.size);
      }
      // The slot j reuses held bucket j - size: it leaves the longest horizons and is cleared.
      const slot = j % this.size;
      if (j - this.size >= 0) {
        for (let h = 0; h < this.horizons.length; h++) if (this.spans[h] === this.size) this.subtract(this.horizons[h], slot);
      }
      this.counts.fill(0, slot * STRIDE, (slot + 1) * STRIDE);
      this.latency.fill(0, slot * LATENCY_BINS, (slot + 1) * LATENCY_BINS);
    }
    this.head = to;
    this.headSlot = to % this.size;
  }

  private subtract(t: HorizonTotals, slot: number): void {
    const c = slot * STRIDE;
    for (let s = 0; s < STRIDE; s++) t.counts[s] -= this.counts[c + s];
    const l = slot * LATENCY_BINS;
    for (let i = 0; i < LATENCY_BINS; i++) t.latency[i] -= this.latency[l + i];
  }
}
