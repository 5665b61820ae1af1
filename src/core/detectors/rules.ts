import type {
  InstantCodeOptions,
  LatencyOptions,
  RiskSpikeOptions,
  TimeoutOptions,
} from '../options.ts';
import { ERROR, MAINTENANCE, RISK_REJECT, SUCCESS, DECLINE, TIMEOUT } from '../outcome.ts';
import type { Trip } from '../ChannelState.ts';
import type { DecisionReason } from '../decision.ts';
import type { BucketRing, HorizonTotals } from '../window/BucketRing.ts';
import { INSTANT } from '../window/BucketRing.ts';
import { LATENCY_BINS, LATENCY_BOUNDS_MS, quantile } from '../window/LatencyHistogram.ts';
import type { LastN } from '../window/LastN.ts';
import type { ErrorRate } from './ErrorRate.ts';
import { round } from '../round.ts';
import { wilsonLower, wilsonUpper } from './wilson.ts';

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

/** What "slow" means for a channel: the absolute bound, or its own normal times relativeFactor if lower. */
export function slowBoundMs(o: LatencyOptions, normalP95Ms: number): number {
  if (!(o.relativeFactor > 0 && normalP95Ms > 0)) return o.p95Ms;
  return Math.min(o.p95Ms, Math.max(o.relativeFactor * normalP95Ms, o.relativeFloorMs));
}

/** Outcomes in `h` certainly slower than `boundMs`: the bins whose lower edge is at or past it. */
export function slowCount(h: HorizonTotals, boundMs: number): number {
  let n = 0;
  for (let i = 1; i < LATENCY_BINS; i++) if (LATENCY_BOUNDS_MS[i - 1] >= boundMs) n += h.latency[i];
  return n;
}

/**
 * p95 over the bound with confidence: more than 5 % of the window certainly slower than the
 * bound, by the Wilson lower bound (z = 3), on at least minSamples outcomes. Two slow answers
 * among 20 do not degrade a channel whose normal tail is long.
 */
export function latencyTrip(h: HorizonTotals, o: LatencyOptions, normalP95Ms: number): Trip | null {
  const samples = healthSamples(h.counts);
  if (samples < o.minSamples) return null;
  const bound = slowBoundMs(o, normalP95Ms);
  const slow = slowCount(h, bound);
  const lower = wilsonLower(slow, samples);
  if (lower <= SLOW_SHARE) return null;
  return {
    to: 'degraded',
    reason: 'latency',
    urgent: false,
    evidence: {
      window: '10s',
      p95Ms: Math.round(latencyP95(h)),
      threshold: Math.round(bound),
      normalP95Ms: Math.round(normalP95Ms),
      slowShare: round(slow / samples),
      lowerBound: round(lower),
      samples,
    },
  };
}

/** The share of slow calls a p95 bound allows. */
const SLOW_SHARE = 0.05;

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
 * A degraded channel is clear on evidence, never on silence: over the 60 s window, the upper
 * confidence bound (z) of its failure rate is under the exit rate and its CUSUM is near zero;
 * when latency degraded it, the bound of its slow-call share is under 5 %; when risk rejections
 * did, the bound of their rate is under three quarters of the alarm level. Few samples keep every upper bound
 * high, so a starved channel stays degraded until it has been judged. Enter and exit levels
 * differ, so a channel hovering at one bound cannot flap.
 */
export function clearOfDegrade(
  h: HorizonTotals,
  errors: ErrorRate,
  exit: { rate: number; z: number; cause: DecisionReason; slowBoundMs: number },
  risk: RiskSpikeOptions,
  riskBaseline: number,
): boolean {
  const samples = healthSamples(h.counts);
  if (wilsonUpper(techFailures(h.counts), samples, exit.z) >= exit.rate) return false;
  if (errors.degraded.value > errors.degraded.h / 5) return false;
  if (
    exit.cause === 'latency' &&
    wilsonUpper(slowCount(h, exit.slowBoundMs), samples, exit.z) >= SLOW_SHARE
  )
    return false;
  if (
    exit.cause === 'risk_spike' &&
    wilsonUpper(h.counts[RISK_REJECT], samples, exit.z) > riskThreshold(riskBaseline, risk) * 0.75
  )
    return false;
  return true;
}
