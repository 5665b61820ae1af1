/**
 * Fixed latency bins (upper bounds, ms). Fixed so that histograms of different buckets, windows
 * and monitor replicas add up bin by bin; quantiles interpolate linearly inside a bin.
 */
export const LATENCY_BOUNDS_MS = [
  1,
  2,
  3,
  5,
  7,
  10,
  15,
  20,
  30,
  50,
  75,
  100,
  150,
  200,
  300,
  400,
  500,
  750,
  1000,
  1500,
  2000,
  2500,
  3000,
  4000,
  5000,
  7500,
  10000,
  15000,
  20000,
  30000,
  60000,
  Infinity,
] as const;
export const LATENCY_BINS = LATENCY_BOUNDS_MS.length;

const TABLE_MAX = 60000;
/** ms (integer) → bin, so recording is one typed-array read. */
const binTable = (() => {
  const t = new Uint8Array(TABLE_MAX + 1);
  let b = 0;
  for (let ms = 0; ms <= TABLE_MAX; ms++) {
    while (ms > LATENCY_BOUNDS_MS[b]) b++;
    t[ms] = b;
  }
  return t;
})();

export function latencyBin(ms: number): number {
  if (ms > TABLE_MAX) return LATENCY_BINS - 1;
  // Ceil so that 2.5 ms lands in (2, 3], never below its bound.
  return binTable[Math.ceil(ms)];
}

/**
 * The q-quantile of a histogram held in `bins[offset .. offset+LATENCY_BINS)`, by linear
 * interpolation inside the bin that holds the rank. 0 for an empty histogram; the open last bin
 * reports its lower bound.
 */
export function quantile(bins: ArrayLike<number>, q: number, offset = 0): number {
  let total = 0;
  for (let i = 0; i < LATENCY_BINS; i++) total += bins[offset + i];
  if (total === 0) return 0;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < LATENCY_BINS; i++) {
    const c = bins[offset + i];
    if (c > 0 && seen + c >= rank) {
      const lo = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const hi = LATENCY_BOUNDS_MS[i];
      if (hi === Infinity) return lo;
      return lo + ((hi - lo) * (rank - seen)) / c;
    }
    seen += c;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BINS - 2];
}
