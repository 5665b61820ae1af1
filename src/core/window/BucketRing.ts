import { CLASS_COUNT } from '../outcome.ts';
import { LATENCY_BINS } from './LatencyHistogram.ts';

/**
 * Counter slots per bucket: one per recorded class (all sources), then one per class for probes
 * alone (PROBE + class), then instant-code hits.
 */
export const PROBE = CLASS_COUNT;
/** Outcomes carrying a code from the instant-code list. */
export const INSTANT = 2 * CLASS_COUNT;
export const STRIDE = 2 * CLASS_COUNT + 1;

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
 * Time-bucketed counters for one channel. A record is O(1) and touches only its own bucket: the
 * newest (head) bucket is folded into each horizon's running total when time moves past it, and
 * each bucket that leaves a horizon is subtracted from it then (subtract on evict). Time moves
 * only when data or a reader says so (no timer), and every elapsed bucket is rotated, so after
 * an idle gap every total is exact again. A late event lands in its own bucket, and in the totals
 * of the horizons that still hold it; one older than the longest horizon is refused (the caller
 * counts it as late) but still reaches the all-time totals.
 */
export class BucketRing {
  readonly bucketMs: number;
  private readonly spans: Int32Array; // buckets per horizon
  private readonly size: number;
  private readonly perMs: number;
  private readonly counts: Uint32Array;
  private readonly latency: Uint32Array;
  // Folded totals of every horizon, without the head bucket, in two flat arrays.
  private readonly hCounts: Float64Array;
  private readonly hLatency: Float64Array;
  // What views hand out: folded totals plus the head bucket, refreshed on each read.
  private readonly views: HorizonTotals[];
  // What has left the ring (and late events it refused): with the longest horizon, the all-time totals.
  private readonly retiredCounts = new Float64Array(STRIDE);
  private readonly retiredLatency = new Float64Array(LATENCY_BINS);
  private head = -Infinity; // absolute index of the newest bucket
  private headSlot = 0; // head % size, kept so that records need no modulo

  constructor({ bucketMs, horizonsMs }: BucketRingOptions) {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
    this.bucketMs = bucketMs;
    this.spans = Int32Array.from(horizonsMs, (ms) => {
      const n = Math.round(ms / bucketMs);
      if (n < 1 || n * bucketMs !== ms)
        throw new RangeError(`horizon ${ms} ms is not a multiple of bucketMs ${bucketMs}`);
      return n;
    });
    this.size = Math.max(...this.spans);
    this.perMs = 1 / bucketMs;
    this.counts = new Uint32Array(this.size * STRIDE);
    this.latency = new Uint32Array(this.size * LATENCY_BINS);
    this.hCounts = new Float64Array(horizonsMs.length * STRIDE);
    this.hLatency = new Float64Array(horizonsMs.length * LATENCY_BINS);
    this.views = horizonsMs.map((ms) => ({
      ms,
      counts: new Float64Array(STRIDE),
      latency: new Float64Array(LATENCY_BINS),
    }));
  }

  /**
   * Count one outcome at time `at`. Returns false when `at` is older than the longest horizon:
   * no window holds it then, only the all-time totals.
   */
  record(at: number, cls: number, bin: number, probe: boolean, instant: boolean): boolean {
    const b = Math.floor(at * this.perMs);
    if (b > this.head) this.rotate(b);
    const age = this.head - b;
    if (age === 0) {
      const c = this.headSlot * STRIDE;
      this.counts[c + cls]++;
      this.latency[this.headSlot * LATENCY_BINS + bin]++;
      if (probe) this.counts[c + PROBE + cls]++;
      if (instant) this.counts[c + INSTANT]++;
      return true;
    }
    if (age >= this.size) {
      this.retiredCounts[cls]++;
      if (probe) this.retiredCounts[PROBE + cls]++;
      this.retiredLatency[bin]++;
      return false;
    }
    let slot = this.headSlot - age;
    if (slot < 0) slot += this.size;
    const c = slot * STRIDE;
    this.counts[c + cls]++;
    this.latency[slot * LATENCY_BINS + bin]++;
    if (probe) this.counts[c + PROBE + cls]++;
    if (instant) this.counts[c + INSTANT]++;
    // An older bucket is already folded into the horizons that still hold it.
    for (let h = 0; h < this.spans.length; h++) {
      if (age >= this.spans[h]) continue;
      const o = h * STRIDE;
      this.hCounts[o + cls]++;
      this.hLatency[h * LATENCY_BINS + bin]++;
      if (probe) this.hCounts[o + PROBE + cls]++;
      if (instant) this.hCounts[o + INSTANT]++;
    }
    return true;
  }

  /** Bring every horizon up to time `now` (readers call this so idle channels read true). */
  advanceTo(now: number): void {
    const b = Math.floor(now * this.perMs);
    if (b > this.head) this.rotate(b);
  }

  /**
   * Horizon `h`'s totals as of the newest data (or the last advanceTo). The arrays are the ring's
   * own scratch space, refreshed on every call: read them before recording again.
   */
  view(h: number): HorizonTotals {
    const v = this.views[h];
    const c = this.headSlot * STRIDE;
    const l = this.headSlot * LATENCY_BINS;
    for (let s = 0; s < STRIDE; s++)
      v.counts[s] = this.hCounts[h * STRIDE + s] + this.counts[c + s];
    for (let i = 0; i < LATENCY_BINS; i++)
      v.latency[i] = this.hLatency[h * LATENCY_BINS + i] + this.latency[l + i];
    return v;
  }

  /** Sum of one counter slot over the newest `buckets` buckets (for short look-backs such as instant codes). */
  recent(slot: number, buckets: number): number {
    let sum = 0;
    const n = Math.min(buckets, this.size);
    for (let i = 0; i < n; i++) {
      let at = this.headSlot - i;
      if (at < 0) at += this.size;
      sum += this.counts[at * STRIDE + slot];
    }
    return sum;
  }

  /** All-time totals: every bucket that has left the ring, every late event, and what the ring holds now. */
  cumulative(): { counts: Float64Array; latency: Float64Array } {
    const counts = Float64Array.from(this.retiredCounts);
    const latency = Float64Array.from(this.retiredLatency);
    for (let slot = 0; slot < this.size; slot++) {
      for (let s = 0; s < STRIDE; s++) counts[s] += this.counts[slot * STRIDE + s];
      for (let i = 0; i < LATENCY_BINS; i++) latency[i] += this.latency[slot * LATENCY_BINS + i];
    }
    return { counts, latency };
  }

  /** Add another ring's buckets (same bucketMs) into this one: counters are plain sums, so replicas merge. */
  merge(other: RingExport): void {
    if (other.bucketMs !== this.bucketMs)
      throw new RangeError(
        `cannot merge rings of ${other.bucketMs} and ${this.bucketMs} ms buckets`,
      );
    for (const { index, counts, latency } of other.buckets) {
      if (index > this.head) this.rotate(index);
      const age = this.head - index;
      if (age >= this.size) {
        for (let s = 0; s < STRIDE; s++) this.retiredCounts[s] += counts[s];
        for (let i = 0; i < LATENCY_BINS; i++) this.retiredLatency[i] += latency[i];
        continue;
      }
      let slot = this.headSlot - age;
      if (slot < 0) slot += this.size;
      for (let s = 0; s < STRIDE; s++) {
        this.counts[slot * STRIDE + s] += counts[s];
        if (age > 0)
          for (let h = 0; h < this.spans.length; h++)
            if (age < this.spans[h]) this.hCounts[h * STRIDE + s] += counts[s];
      }
      for (let i = 0; i < LATENCY_BINS; i++) {
        this.latency[slot * LATENCY_BINS + i] += latency[i];
        if (age > 0)
          for (let h = 0; h < this.spans.length; h++)
            if (age < this.spans[h]) this.hLatency[h * LATENCY_BINS + i] += latency[i];
      }
    }
  }

  export(): RingExport {
    const buckets: RingExport['buckets'] = [];
    if (!Number.isFinite(this.head)) return { bucketMs: this.bucketMs, buckets };
    for (let age = this.size - 1; age >= 0; age--) {
      let slot = this.headSlot - age;
      if (slot < 0) slot += this.size;
      const counts = Array.from(this.counts.subarray(slot * STRIDE, (slot + 1) * STRIDE));
      if (counts.every((c) => c === 0)) continue;
      buckets.push({
        index: this.head - age,
        counts,
        latency: Array.from(this.latency.subarray(slot * LATENCY_BINS, (slot + 1) * LATENCY_BINS)),
      });
    }
    return { bucketMs: this.bucketMs, buckets };
  }

  private rotate(to: number): void {
    const from = this.head;
    if (!Number.isFinite(from) || to - from >= this.size) {
      for (let slot = 0; slot < this.size; slot++) this.retire(slot);
      this.counts.fill(0);
      this.latency.fill(0);
      this.hCounts.fill(0);
      this.hLatency.fill(0);
      this.head = to;
      this.headSlot = to % this.size;
      return;
    }
    // The old head becomes an ordinary bucket: fold it into every horizon.
    this.foldSlot(this.headSlot);
    for (let j = from + 1; j <= to; j++) {
      // Bucket j - span leaves each shorter horizon as j arrives.
      for (let h = 0; h < this.spans.length; h++) {
        const span = this.spans[h];
        if (span === this.size) continue;
        let gone = this.headSlot + (j - from) - span;
        gone = ((gone % this.size) + this.size) % this.size;
        this.subtractSlot(h, gone);
      }
      // The slot j reuses held bucket j - size: it leaves the longest horizons, retires, and is cleared.
      const slot = (this.headSlot + (j - from)) % this.size;
      for (let h = 0; h < this.spans.length; h++)
        if (this.spans[h] === this.size) this.subtractSlot(h, slot);
      this.retire(slot);
      this.counts.fill(0, slot * STRIDE, (slot + 1) * STRIDE);
      this.latency.fill(0, slot * LATENCY_BINS, (slot + 1) * LATENCY_BINS);
    }
    this.head = to;
    this.headSlot = to % this.size;
  }

  /** Add a slot's counts to every horizon's folded totals. */
  private foldSlot(slot: number): void {
    const c = slot * STRIDE;
    const l = slot * LATENCY_BINS;
    for (let h = 0; h < this.spans.length; h++) {
      for (let s = 0; s < STRIDE; s++) this.hCounts[h * STRIDE + s] += this.counts[c + s];
      for (let i = 0; i < LATENCY_BINS; i++)
        this.hLatency[h * LATENCY_BINS + i] += this.latency[l + i];
    }
  }

  private subtractSlot(h: number, slot: number): void {
    const c = slot * STRIDE;
    const l = slot * LATENCY_BINS;
    for (let s = 0; s < STRIDE; s++) this.hCounts[h * STRIDE + s] -= this.counts[c + s];
    for (let i = 0; i < LATENCY_BINS; i++)
      this.hLatency[h * LATENCY_BINS + i] -= this.latency[l + i];
  }

  private retire(slot: number): void {
    const c = slot * STRIDE;
    for (let s = 0; s < STRIDE; s++) this.retiredCounts[s] += this.counts[c + s];
    const l = slot * LATENCY_BINS;
    for (let i = 0; i < LATENCY_BINS; i++) this.retiredLatency[i] += this.latency[l + i];
  }
}
