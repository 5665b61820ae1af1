import { HORIZONS_MS } from '../core/ChannelHealth.ts';
import type { RingExport } from '../core/window/BucketRing.ts';
import { STRIDE } from '../core/window/BucketRing.ts';
import { LATENCY_BINS } from '../core/window/LatencyHistogram.ts';

/** A bucket as stored: `[index, [slot, count, …], [bin, count, …]]`, zero counts left out. */
export type StoredBucket = [index: number, counts: number[], latency: number[]];

/** Each channel's buckets by absolute index: what flushes add to and a restart reads back. */
export type StoredWindows = Map<string, Map<number, StoredBucket>>;

const sparse = (dense: number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) out.push(i, dense[i]);
  return out;
};

const dense = (pairs: number[], size: number): number[] => {
  const out = new Array<number>(size).fill(0);
  for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] < size) out[pairs[i]] = pairs[i + 1];
  return out;
};

export function toStored(ring: RingExport): StoredBucket[] {
  return ring.buckets.map((b) => [b.index, sparse(b.counts), sparse(b.latency)]);
}

/** The buckets of `now` that differ from `before` (a flush writes only these). */
export function changedBuckets(
  before: Map<number, string> | undefined,
  now: StoredBucket[],
): { changed: StoredBucket[]; keys: Map<number, string> } {
  const keys = new Map<number, string>();
  const changed: StoredBucket[] = [];
  for (const b of now) {
    const key = JSON.stringify(b);
    keys.set(b[0], key);
    if (before?.get(b[0]) !== key) changed.push(b);
  }
  return { changed, keys };
}

/**
 * Put `buckets` over what `windows` holds for `channel`, then drop those the ring no longer held
 * at `at` (the time of the snapshot they came with: rings are brought up to it).
 */
export function applyBuckets(
  windows: StoredWindows,
  channel: string,
  bucketMs: number,
  buckets: StoredBucket[],
  at: number,
): void {
  let held = windows.get(channel);
  if (!held) windows.set(channel, (held = new Map()));
  for (const b of buckets) held.set(b[0], b);
  const head = Math.floor(at / bucketMs);
  const size = Math.round(Math.max(...HORIZONS_MS) / bucketMs);
  for (const i of held.keys()) if (i <= head - size) held.delete(i);
}

/** The ring export of one channel's stored buckets, oldest first. */
export function toRingExport(held: Map<number, StoredBucket>, bucketMs: number): RingExport {
  const buckets = [...held.values()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, c, l]) => ({ index, counts: dense(c, STRIDE), latency: dense(l, LATENCY_BINS) }));
  return { bucketMs, buckets };
}
