import type {
  InstantCodeOptions,
  LatencyOptions,
  RiskSpikeOptions,
  TimeoutOptions,
} from '../options.ts';
import { ERROR, MAINTENANCE, RISK_REJECT, SUCCESS, DECLINE, TIMEOUT } from '../outcome.ts';
import type { Trip } from '../ChannelState.ts';
import type { BucketRing, HorizonTotals } from '../window/BucketRing.ts';
import { INSTANT } from '../window/BucketRing.ts';
import { quantile } from '../window/LatencyHistogram.ts';
import type { LastN } from '../window/LastN.ts';
import type { ErrorRate } from './ErrorRate.ts';
import { round } from '../round.ts';
import { wilsonLower } from './wilson.ts';

/** Outcomes that judge health in a horizon: everything but neutral. */
export function healthSamples(c: Float64Array): number {
  return c[SUCCESS] + c[DECLINE] + c[RISK_REJECT] + c[ERROR] + c[TIMEOUT] + c[MAINTENANCE];
}

export function techFailures(c: Float64Array): number {
  return c[ERROR] + c[TIMEOUT] + c[MAINTENANCE];
}

/** P(Bin(n, p) ≥ k): the chance that k of n outcomes time out when each does with probability p. */
export function binomialTail(n: number, k: number, p: number): number {
  let sum = 0;
  let c = 1; // C(n, j), built up from C(n, 0)
  for (let j = 0; j <= n; j++) {
    if (j >= k) sum += c * p ** j * (1 - p) ** (n - j);
    c = (c * (n - j)) / (j + 1);
  }
  return sum;
}

/**
 * The k of n to judge with: the configured one, raised together while the channel's own timeout
 * baseline alone would make it too often (see TimeoutOptions.maxFalseAlarm).
 */
export function timeoutRule(
  o: TimeoutOptions,
  baseline: number,
  maxN: number,
): { k: number; n: number } {
  let k = o.k;
  let n = o.n;
  while (n < maxN && binomialTail(n, k, baseline) > o.maxFalseAlarm) {
    k++;
    n++;
  }
  return { k, n };
}

/** k of the last n timed out, judged only on a quiet stream (at volume the error-rate CUSUM judges timeouts). */
export function timeoutsTrip(
  last: LastN,
  rule: { k: number; n: number },
  o: TimeoutOptions,
  ratePerSec: number,
  source: 'live' | 'probe',
  baseline: number,
): Trip | null {
  const timeouts = last.timeoutsAmong(rule.n);
  if (timeouts < rule.k) return null;
  if (source === 'live' && ratePerSec > o.maxRatePerSec) return null;
  return {
    to: 'down',
    reason: 'timeouts',
    urgent: true,
    evidence: {
      source,
      k: rule.k,
      n: rule.n,
      timeouts,
      ratePerSec: round(ratePerSec, 2),
      baselineTimeoutRate: round(baseline, 5),
    },
  };
}

/** Listed codes ("system busy") count times within withinMs and a minimum share of that time's outcomes. */
export function instantCodeTrip(
  ring: BucketRing,
  o: InstantCodeOptions,
  code: string,
): Trip | null {
  const buckets = Math.max(1, Math.ceil(o.withinMs / ring.bucketMs));
  const hits = ring.recent(INSTANT, buckets);
  if (hits < o.count) return null;
  let total = 0;
  for (const cls of [SUCCESS, DECLINE, RISK_REJECT, ERROR, TIMEOUT, MAINTENANCE])
    total += ring.recent(cls, buckets);
  const share = total > 0 ? hits / total : 0;
  if (share < o.minShare) return null;
  return {
    to: 'down',
    reason: 'instant_code',
    urgent: true,
    evidence: {
      code,
      count: hits,
      withinMs: o.withinMs,
      share: round(share),
      minShare: o.minShare,
    },
  };
}

export function latencyP95(h: HorizonTotals): number {
  return quantile(h.latency, 0.95);
}

export function latencyTrip(h: HorizonTotals, o: LatencyOptions): Trip | null {
  const samples = healthSamples(h.counts);
  if (samples < o.minSamples) return null;
  const p95 = latencyP95(h);
  if (p95 <= o.p95Ms) return null;
  return {
    to: 'degraded',
    reason: 'latency',
    urgent: false,
    evidence: { window: '10s', p95Ms: Math.round(p95), threshold: o.p95Ms, samples },
  };
}

/** The level a channel's risk-rejection rate must clear before it is a spike. */
export function riskThreshold(baseline: number, o: RiskSpikeOptions): number {
  return Math.max(baseline * o.factor, baseline + o.minExcess);
}

export function riskSpikeTrip(
  h: HorizonTotals,
  baseline: number,
  o: RiskSpikeOptions,
): Trip | null {
  const samples = healthSamples(h.counts);
  if (samples < o.minSamples) return null;
  const risk = h.counts[RISK_REJECT];
  const threshold = riskThreshold(baseline, o);
  const lower = wilsonLower(risk, samples);
  if (lower <= threshold) return null;
  return {
    to: 'degraded',
    reason: 'risk_spike',
    urgent: false,
    evidence: {
      window: '10s',
      riskRate: round(risk / samples),
      lowerBound: round(lower),
      baseline: round(baseline),
      threshold: round(threshold),
      samples,
    },
  };
}

/**
 * A degraded channel is clear when each degrade rule is comfortably back under its bound: the
 * error rate under the (lower) exit rate with the CUSUM near zero, p95 under 80 % of its bound,
 * risk rejections under half their alarm level. Enter and exit thresholds differ, so a channel
 * hovering at one bound cannot flap.
 */
export function clearOfDegrade(
  h: HorizonTotals,
  errors: ErrorRate,
  exitRate: number,
  lat: LatencyOptions,
  risk: RiskSpikeOptions,
  riskBaseline: number,
  minSamples: number,
): boolean {
  const samples = healthSamples(h.counts);
  if (samples < minSamples) return false;
  if (techFailures(h.counts) / samples >= exitRate || errors.degraded.value > errors.degraded.h / 5)
    return false;
  if (samples >= lat.minSamples && latencyP95(h) > lat.p95Ms * 0.8) return false;
  if (wilsonLower(h.counts[RISK_REJECT], samples) > riskThreshold(riskBaseline, risk) * 0.5)
    return false;
  return true;
}
