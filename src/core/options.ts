import type { CodeClass, Flavour } from './codes/index.ts';

/**
 * Every tunable of the core with its default, in one place. The config layer (src/config)
 * validates files against a schema and fills these in; the core trusts what it is given.
 */
export interface ErrorRateOptions {
  /** The failure probability the channel normally shows (p0 of the CUSUM). */
  baseline: number;
  /** A shift to this failure rate degrades the channel (p1 of the first CUSUM). */
  degradedRate: number;
  /** A shift to this failure rate takes the channel down (p1 of the second CUSUM). */
  downRate: number;
  /**
   * CUSUM decision interval h of the degraded CUSUM, in nats of log-likelihood ratio. The mean
   * run between false alarms on a healthy stream is at least e^h outcomes (e^25 ≈ 7·10^10).
   */
  threshold: number;
  /**
   * h of the down CUSUM. Higher, so that a cluster of failures in a moderately sick channel
   * (5 %) degrades it rather than ejecting it; a 30 % channel still trips within ~40 outcomes.
   */
  downThreshold: number;
  /** No error-rate decision on fewer outcomes than this in the short window. */
  minSamples: number;
  /** A degraded channel recovers when its 10 s failure rate is below this and its CUSUM is back near zero. */
  exitRate: number;
}

export interface TimeoutOptions {
  /** k of the last n outcomes timing out takes the channel down (the seeds' "2 timeouts in 3 calls"). */
  k: number;
  n: number;
  /**
   * Above this many outcomes per second (10 s window) k-of-n is not used: at volume, timeouts
   * are judged as failures by the error-rate CUSUM, so two stray timeouts cannot eject a busy channel.
   */
  maxRatePerSec: number;
  /**
   * The chance that the channel's own normal timeouts alone make k of n, per check, is kept under
   * this: a channel whose baseline timeout rate p makes P(Bin(n, p) ≥ k) larger gets k and n
   * raised together (2 of 3 → 3 of 4 → …), so a fat latency tail does not eject a quiet channel.
   */
  maxFalseAlarm: number;
  /** The timeout rate assumed before the channel has shown its own (and its floor). */
  baselineFloor: number;
  /**
   * Cold start: the timeout rate assumed until the channel has been watched healthy for
   * {@link warmupMs}; conservative, so two slow orders in a row do not eject a channel nobody knows yet.
   */
  priorRate: number;
  warmupMs: number;
  /** Half-life of the slow average that is the channel's own timeout rate. */
  baselineHalfLifeMs: number;
}

export interface InstantCodeOptions {
  /** Codes (as the channel spells them) that switch fast, e.g. "system busy"; the maintenance class always switches. */
  codes: string[];
  /** This many listed codes … */
  count: number;
  /** … within this time … */
  withinMs: number;
  /** … making up at least this share of the outcomes in that time, so background noise never trips it. */
  minShare: number;
}

export interface LatencyOptions {
  /** Degrade when the 10 s p95 exceeds this. */
  p95Ms: number;
  /**
   * The bound relative to the channel's own normal: slow means over max(relativeFactor × its
   * learnt p95, relativeFloorMs), or over p95Ms, whichever is lower. 0 turns it off.
   */
  relativeFactor: number;
  relativeFloorMs: number;
  /** A prior for the learnt p95 (ms) until the channel has shown its own; 0: none, absolute bound only. */
  priorP95Ms: number;
  /** Half-life of the slow average that is the channel's learnt p95. */
  baselineHalfLifeMs: number;
  minSamples: number;
}

export interface RiskSpikeOptions {
  /** Alarm when the 10 s risk-rejection rate's Wilson lower bound exceeds baseline × factor … */
  factor: number;
  /** … and baseline + this. */
  minExcess: number;
  minSamples: number;
  /** The risk-rejection rate assumed before the channel has shown its own. */
  initialBaseline: number;
  /** Half-life of the slow moving average that is the channel's own baseline. */
  baselineHalfLifeMs: number;
}

export interface ProbeOptions {
  /** This many active probe failures in a row take the channel down. */
  consecutiveFailures: number;
}

export interface DetectorOptions {
  errorRate: ErrorRateOptions;
  timeouts: TimeoutOptions;
  instantCodes: InstantCodeOptions;
  latency: LatencyOptions;
  riskSpike: RiskSpikeOptions;
  probes: ProbeOptions;
}

export interface StateOptions {
  /** No state change out of a fresh state before this (an instant-code or maintenance down is never held back). */
  minDwellMs: number;
  /**
   * Leaving degraded needs the upper confidence bound (z, one-sided) of the failure rate, the
   * slow-call share and the risk-rejection rate under their exit levels: few samples never clear.
   */
  exitZ: number;
  /** The least share a degraded channel keeps, so the exit test has samples in bounded time. */
  degradedMinShare: number;
  /** Re-entry soon after an exit is remembered with this half-life; each doubles the next exit's dwell. */
  relapseHalfLifeMs: number;
  /** Consecutive probe successes that end an ejection early (into probing); probe failures extend it. */
  probeSuccesses: number;
  /** First ejection time; each repeated ejection doubles it up to {@link maxEjectionMs}. */
  ejectionMs: number;
  maxEjectionMs: number;
  /** Each this long spent healthy forgives one past ejection. */
  ejectionDecayMs: number;
  /** Successful trial calls in `probing` before the channel is healthy again. */
  trialSuccesses: number;
  /** Share a probing channel gets before normalisation (the trickle). */
  probingShare: number;
  /** Share multiplier for a degraded channel. */
  degradedFactor: number;
  /** From first weight back to full, in {@link rampSteps} equal steps. */
  rampMs: number;
  rampSteps: number;
}

export interface ChannelOptions {
  id: string;
  flavour: Flavour;
  pool: string;
  /** Lower is preferred. */
  priority: number;
  minAmount?: number;
  maxAmount?: number;
  /** Code-table overrides: raw code → class. */
  codes?: Record<string, CodeClass>;
  /** Per-channel detector overrides, merged over the engine's. */
  detectors?: DeepPartial<DetectorOptions>;
}

export interface PoolOptions {
  id: string;
  /** Shares by rank among serving channels: best, runner-up kept warm, the rest explored. */
  split: number[];
  /** Detector overrides for the pool's channels, merged over the engine's; a channel's own win. */
  detectors?: DeepPartial<DetectorOptions>;
}

export interface EngineOptions {
  channels: ChannelOptions[];
  pools: PoolOptions[];
  detectors: DetectorOptions;
  states: StateOptions;
  /** Width of one window bucket. */
  bucketMs: number;
  /** Decisions kept for replay (`?since=`). */
  decisionLog: number;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

export const DEFAULT_DETECTORS: DetectorOptions = {
  errorRate: {
    baseline: 0.005,
    degradedRate: 0.05,
    downRate: 0.5,
    threshold: 25,
    downThreshold: 35,
    minSamples: 10,
    exitRate: 0.03,
  },
  timeouts: {
    k: 2,
    n: 3,
    maxRatePerSec: 5,
    maxFalseAlarm: 1e-5,
    baselineFloor: 0.001,
    priorRate: 0.01,
    warmupMs: 120_000,
    baselineHalfLifeMs: 600_000,
  },
  instantCodes: {
    codes: ['SYSTEMERROR', 'SYSTEM_ERROR', 'ACQ.SYSTEM_ERROR', '06', 'SYSTEM_BUSY'],
    count: 5,
    withinMs: 1000,
    minShare: 0.05,
  },
  latency: {
    p95Ms: 3000,
    minSamples: 50,
    relativeFactor: 4,
    relativeFloorMs: 1000,
    priorP95Ms: 0,
    baselineHalfLifeMs: 600_000,
  },
  riskSpike: {
    factor: 3,
    minExcess: 0.05,
    minSamples: 50,
    initialBaseline: 0.01,
    baselineHalfLifeMs: 600_000,
  },
  probes: { consecutiveFailures: 3 },
};

export const DEFAULT_STATES: StateOptions = {
  minDwellMs: 5_000,
  exitZ: 1.64,
  degradedMinShare: 0.1,
  relapseHalfLifeMs: 300_000,
  probeSuccesses: 3,
  ejectionMs: 10_000,
  maxEjectionMs: 300_000,
  ejectionDecayMs: 600_000,
  trialSuccesses: 5,
  probingShare: 0.02,
  degradedFactor: 0.25,
  rampMs: 30_000,
  rampSteps: 4,
};

export const DEFAULT_SPLIT = [0.7, 0.2, 0.1];

export function engineOptions(
  partial: Pick<EngineOptions, 'channels' | 'pools'> &
    DeepPartial<Omit<EngineOptions, 'channels' | 'pools'>>,
): EngineOptions {
  return {
    channels: partial.channels,
    pools: partial.pools,
    detectors: mergeDeep(DEFAULT_DETECTORS, partial.detectors),
    states: { ...DEFAULT_STATES, ...partial.states } as StateOptions,
    bucketMs: partial.bucketMs ?? 250,
    decisionLog: partial.decisionLog ?? 10_000,
  };
}

/** Plain-object deep merge: arrays and scalars in `over` replace, objects merge. */
export function mergeDeep<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (over === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      b &&
      typeof b === 'object' &&
      !Array.isArray(b) &&
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v)
        ? mergeDeep(b, v as DeepPartial<typeof b>)
        : v;
  }
  return out as T;
}

/** The demo set-up of CONTRACT.md: pool `qr` (wechat, alipay, unionpay) and pool `card` (bank_a, bank_b). */
export const DEMO_CHANNELS: ChannelOptions[] = [
  { id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1 },
  { id: 'alipay', flavour: 'alipay', pool: 'qr', priority: 2 },
  { id: 'unionpay', flavour: 'unionpay', pool: 'qr', priority: 3 },
  { id: 'bank_a', flavour: 'bank', pool: 'card', priority: 1 },
  { id: 'bank_b', flavour: 'bank', pool: 'card', priority: 2 },
];
export const DEMO_POOLS: PoolOptions[] = [
  { id: 'qr', split: DEFAULT_SPLIT },
  { id: 'card', split: DEFAULT_SPLIT },
];
