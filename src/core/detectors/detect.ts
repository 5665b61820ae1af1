import { type ChannelHealth, HORIZONS_MS, LONG, SHORT } from '../ChannelHealth.ts';
import type { Trip } from '../ChannelState.ts';
import type { DecisionReason, Evidence } from '../decision.ts';
import { round } from '../round.ts';
import { MAINTENANCE, RISK_REJECT, SUCCESS, TIMEOUT } from '../outcome.ts';
import {
  clearOfDegrade,
  healthSamples,
  instantCodeTrip,
  latencyTrip,
  riskSpikeTrip,
  slowBoundMs,
  techFailures,
  timeoutsTrip,
} from './rules.ts';

/**
 * Run the rules one outcome of a healthy or degraded channel can trip, cheapest and most urgent
 * first: a maintenance code, k-of-n timeouts, consecutive probe failures, instant codes, the
 * error-rate CUSUMs, and (healthy only) latency and risk spikes. Returns the first verdict.
 * Positional arguments: it runs once per recorded outcome, and an argument object would be an
 * allocation each time.
 */
export function detect(
  ch: ChannelHealth,
  cls: number,
  failure: boolean,
  latencyMs: number,
  probe: boolean,
  instant: boolean,
  code: string | undefined,
  now: number,
): Trip | null {
  const d = ch.detectors;
  const source = probe ? 'probe' : 'live';
  (probe ? ch.probeLast : ch.liveLast).push(cls);
  const level = ch.errors.push(failure);
  if (cls === MAINTENANCE) {
    return {
      to: 'down',
      reason: 'maintenance_code',
      urgent: true,
      evidence: { code: code ?? 'maintenance', source },
    };
  }
  if (cls === TIMEOUT) {
    // Live payments answering since the last probe timeout contradict the probes: the probe
    // path is what is slow, not the channel (live evidence outranks synthetic evidence).
    const contradicted = probe && ch.probeTimeoutContradicted(now);
    const t = contradicted
      ? null
      : timeoutsTrip(
          probe ? ch.probeLast : ch.liveLast,
          ch.baselines.timeoutRule,
          d.timeouts,
          ch.ratePerSec(),
          source,
          ch.baselines.timeoutRate,
        );
    if (t) return t;
  } else if (!probe && cls === SUCCESS) {
    ch.noteLiveSuccess(now);
  }
  if (probe && ch.probeFailStreak >= d.probes.consecutiveFailures) {
    return {
      to: 'down',
      reason: 'probe_failures',
      urgent: true,
      evidence: { consecutive: ch.probeFailStreak, threshold: d.probes.consecutiveFailures },
    };
  }
  if (instant && failure) {
    const t = instantCodeTrip(ch.ring, d.instantCodes, code ?? '');
    if (t) return t;
  }
  if (level !== 0) {
    const h = ch.short.counts;
    const samples = healthSamples(h);
    if (samples >= d.errorRate.minSamples) return ch.errors.trip(level, techFailures(h), samples);
  }
  if (ch.state.state === 'healthy') {
    if (latencyMs > slowBoundMs(d.latency, ch.baselines.p95Ms)) {
      const t = latencyTrip(ch.short, d.latency, ch.baselines.p95Ms);
      if (t) return t;
    }
    if (cls === RISK_REJECT) return riskSpikeTrip(ch.short, ch.baselines.riskRate, d.riskSpike);
  }
  return null;
}

/** The steps time alone triggers on a healthy channel past its dwell: a slow or risky window. */
export function detectOverTime(ch: ChannelHealth): Trip | null {
  const d = ch.detectors;
  return (
    latencyTrip(ch.short, d.latency, ch.baselines.p95Ms) ??
    riskSpikeTrip(ch.short, ch.baselines.riskRate, d.riskSpike)
  );
}

/**
 * A degraded channel cleared on evidence (see clearOfDegrade): the evidence, else null. Judged
 * only on what it did while degraded: the 10 s window once it has been degraded that long, the
 * 60 s one once that long.
 */
export function degradeCleared(
  ch: ChannelHealth,
  cause: DecisionReason,
  z: number,
  degradedForMs: number,
): Evidence | null {
  if (degradedForMs < HORIZONS_MS[SHORT]) return null;
  const long = degradedForMs >= HORIZONS_MS[LONG];
  const { errorRate, latency, riskSpike } = ch.detectors;
  const h = long ? ch.long : ch.short;
  const slowBound = slowBoundMs(latency, ch.baselines.p95Ms);
  const exit = { rate: errorRate.exitRate, z, cause, slowBoundMs: slowBound };
  if (!clearOfDegrade(h, ch.errors, exit, riskSpike, ch.baselines.riskRate)) return null;
  const v = ch.windowView(h);
  return {
    window: long ? '60s' : '10s',
    errorRate: round(v.errorRate),
    p95Ms: Math.round(v.p95Ms),
    riskRate: round(v.riskRate),
    samples: healthSamples(h.counts),
  };
}
