import { CodeClassifier, codeTables } from './codes/index.ts';
import type { ChannelState } from './ChannelState.ts';
import { ErrorRate } from './detectors/ErrorRate.ts';
import { LocalFaults } from './LocalFaults.ts';
import { type ChannelOptions, type DetectorOptions, mergeDeep } from './options.ts';
import { RECORDED_CLASSES } from './outcome.ts';
import type { ChannelTotals, OverrideView, WindowView } from './views.ts';
import { BucketRing, type HorizonTotals, PROBE } from './window/BucketRing.ts';
import { LastN } from './window/LastN.ts';
import { LATENCY_BINS, LATENCY_BOUNDS_MS, quantile } from './window/LatencyHistogram.ts';
import { DECLINE, ERROR, MAINTENANCE, RISK_REJECT, SUCCESS, TIMEOUT } from './outcome.ts';
import { healthSamples, techFailures, timeoutRule } from './detectors/rules.ts';

export const HORIZONS_MS = [10_000, 60_000] as const;
/** The largest n a k-of-n timeout rule may grow to. */
export const MAX_TIMEOUT_N = 8;
export const SHORT = 0;
export const LONG = 1;

/**
 * Everything the engine keeps for one channel: its windows, the detectors' running state, its
 * channel state and cumulative totals. The Engine drives it; this class only holds and reads.
 */
export class ChannelMonitor {
  readonly id: string;
  readonly pool: string;
  readonly flavour: string;
  readonly priority: number;
  readonly detectors: DetectorOptions;
  readonly classifier: CodeClassifier;
  readonly instantCodes: Set<string>;
  readonly ring: BucketRing;
  readonly liveLast: LastN;
  readonly probeLast: LastN;
  readonly errors: ErrorRate;
  readonly local: LocalFaults;
  state: ChannelState;
  override: OverrideView | null = null;
  probeFailStreak = 0;
  /** For probe k-of-n: a live success after the previous probe timeout outweighs the probes. */
  lastLiveSuccessAt = -Infinity;
  lastProbeTimeoutAt = -Infinity;
  /** Order number of the last failure recorded here, to tell a retry from fresh evidence. */
  lastFailedOrder: string | undefined;
  riskBaseline: number;
  /** The channel's own timeout rate while healthy, and the k of n it implies. */
  timeoutBaseline: number;
  timeoutRule: { k: number; n: number };
  /** Ejections not yet forgiven; each doubles the next ejection time. */
  ejections = 0;
  lastForgiven = 0;
  /** Sum of all latencies, for the metrics histogram's _sum; the counts come from the ring. */
  latencySumMs = 0;
  unknownCodes = 0;
  late = 0;

  constructor(
    readonly index: number,
    o: ChannelOptions,
    defaults: DetectorOptions,
    bucketMs: number,
    now: number,
  ) {
    this.id = o.id;
    this.pool = o.pool;
    this.flavour = o.flavour;
    this.priority = o.priority;
    this.detectors = mergeDeep(defaults, o.detectors);
    this.classifier = new CodeClassifier(codeTables[o.flavour], o.codes);
    this.instantCodes = new Set(
      this.detectors.instantCodes.codes.map((c) => this.classifier.normalize(c)),
    );
    this.ring = new BucketRing({ bucketMs, horizonsMs: [...HORIZONS_MS] });
    this.liveLast = new LastN(MAX_TIMEOUT_N);
    this.probeLast = new LastN(MAX_TIMEOUT_N);
    this.timeoutBaseline = this.detectors.timeouts.baselineFloor;
    this.timeoutRule = timeoutRule(this.detectors.timeouts, this.timeoutBaseline, MAX_TIMEOUT_N);
    this.errors = new ErrorRate(this.detectors.errorRate);
    this.local = new LocalFaults({
      halfLifeMs: 30_000,
      minFailures: 3,
      minOthers: 30,
      othersBelow: this.detectors.errorRate.degradedRate,
      maxKeys: 4096,
    });
    this.riskBaseline = this.detectors.riskSpike.initialBaseline;
    this.state = { state: 'healthy', since: now, reason: null, ramp: 1, rampStep: 0 };
    this.lastForgiven = now;
  }

  /** The short window's totals, current to the newest data (scratch arrays: read before recording again). */
  get short(): HorizonTotals {
    return this.ring.view(SHORT);
  }

  /** Outcomes per second over the short window. */
  ratePerSec(): number {
    return healthSamples(this.short.counts) / (HORIZONS_MS[SHORT] / 1000);
  }

  shortErrorRate(): number {
    const c = this.short.counts;
    const n = healthSamples(c);
    return n > 0 ? techFailures(c) / n : 0;
  }

  windowView(h: HorizonTotals): WindowView {
    const c = h.counts;
    const samples = healthSamples(c);
    const counts = {} as WindowView['counts'];
    let total = 0;
    let probes = 0;
    RECORDED_CLASSES.forEach((name, i) => {
      counts[name] = c[i];
      total += c[i];
      probes += c[PROBE + i];
    });
    const judged = samples - c[DECLINE];
    return {
      total,
      counts,
      probes,
      errorRate: samples > 0 ? (c[ERROR] + c[TIMEOUT] + c[MAINTENANCE]) / samples : 0,
      successRate: judged > 0 ? c[SUCCESS] / judged : 0,
      riskRate: samples > 0 ? c[RISK_REJECT] / samples : 0,
      p50Ms: quantile(h.latency, 0.5),
      p95Ms: quantile(h.latency, 0.95),
      p99Ms: quantile(h.latency, 0.99),
    };
  }

  totals(): ChannelTotals {
    const all = this.ring.cumulative();
    const counts = {} as ChannelTotals['counts'];
    RECORDED_CLASSES.forEach((name, i) => {
      counts[name] = { live: all.counts[i] - all.counts[PROBE + i], probe: all.counts[PROBE + i] };
    });
    const cumulative: number[] = [];
    let running = 0;
    for (let i = 0; i < LATENCY_BINS; i++) cumulative.push((running += all.latency[i]));
    return {
      id: this.id,
      pool: this.pool,
      counts,
      unknownCodes: this.unknownCodes,
      late: this.late,
      latency: {
        bounds: LATENCY_BOUNDS_MS.map((ms) => ms / 1000),
        counts: cumulative,
        sum: this.latencySumMs / 1000,
        count: running,
      },
    };
  }
}
