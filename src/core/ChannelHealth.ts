import type { ChannelState } from './ChannelState.ts';
import { CodeClassifier, codeTables } from './codes/index.ts';
import { Baselines, type BaselinesSnapshot } from './detectors/Baselines.ts';
import type { CusumSnapshot } from './detectors/Cusum.ts';
import { ErrorRate } from './detectors/ErrorRate.ts';
import { healthSamples, techFailures } from './detectors/rules.ts';
import { LocalFaults } from './LocalFaults.ts';
import { type ChannelOptions, type DetectorOptions, mergeDeep } from './options.ts';
import {
  DECLINE,
  ERROR,
  MAINTENANCE,
  NEUTRAL,
  type Outcome,
  RECORDED_CLASSES,
  RISK_REJECT,
  SUCCESS,
  TIMEOUT,
} from './outcome.ts';
import type { ChannelTotals, ChannelView, OverrideView, WindowView } from './views.ts';
import { BucketRing, type HorizonTotals, PROBE } from './window/BucketRing.ts';
import { LastN, type LastNSnapshot } from './window/LastN.ts';
import {
  LATENCY_BINS,
  LATENCY_BOUNDS_MS,
  latencyBin,
  quantile,
} from './window/LatencyHistogram.ts';
import { MAX_TIMEOUT_N } from './detectors/Baselines.ts';

export const HORIZONS_MS = [10_000, 60_000] as const;

/**
 * What a store keeps of a channel, as plain JSON: its state (ejection end, trial progress, ramp
 * step), override, ejection count and the detectors' running state. Not kept: the windows
 * (BucketRing's export, stored apart), the local-fault estimates (30 s half-life, relearnt in
 * seconds) and the cumulative totals of buckets that left the ring. Times that never happened
 * (-Infinity) are null, since JSON has no -Infinity.
 */
export interface ChannelSnapshot {
  id: string;
  state: ChannelState;
  override: OverrideView | null;
  probeFails: number;
  lastLiveSuccessAt: number | null;
  lastProbeTimeoutAt: number | null;
  lastFailedOrder: string | null;
  unforgiven: number;
  downOks: number;
  lastExitAt: number | null;
  relapseScore: number;
  relapseAt: number;
  lastForgiven: number;
  latencySumMs: number;
  unknownCodes: number;
  late: number;
  baselines: BaselinesSnapshot;
  errors: [CusumSnapshot, CusumSnapshot];
  liveLast: LastNSnapshot;
  probeLast: LastNSnapshot;
}

const orNull = (t: number): number | null => (t === -Infinity ? null : t);
const orNever = (t: number | null): number => t ?? -Infinity;
export const SHORT = 0;
export const LONG = 1;

/**
 * Everything the engine keeps to judge one channel: its windows, the detectors' running state,
 * its channel state and cumulative totals. The Engine decides; this class keeps and reads, and
 * changes only through its methods.
 */
export class ChannelHealth {
  readonly id: string;
  readonly pool: string;
  readonly flavour: string;
  readonly priority: number;
  readonly detectors: DetectorOptions;
  readonly classifier: CodeClassifier;
  readonly ring: BucketRing;
  readonly liveLast: LastN;
  readonly probeLast: LastN;
  readonly errors: ErrorRate;
  readonly local: LocalFaults;
  readonly baselines: Baselines;
  private current: ChannelState;
  private forced: OverrideView | null = null;
  private probeFails = 0;
  /** For probe k-of-n: a live success after the previous probe timeout outweighs the probes. */
  private lastLiveSuccessAt = -Infinity;
  private lastProbeTimeoutAt = -Infinity;
  /** Order number of the last failure recorded here, to tell a retry from fresh evidence. */
  private lastFailedOrder: string | undefined;
  /** Ejections not yet forgiven; each doubles the next ejection time. */
  private unforgiven = 0;
  /** Probe successes in a row while down. */
  private downOks = 0;
  /** When the channel last came back to healthy, and its decaying count of re-entries soon after. */
  private lastExitAt = -Infinity;
  private relapseScore = 0;
  private relapseAt = 0;
  private lastForgiven: number;
  /** Sum of all latencies, for the metrics histogram's _sum; the counts come from the ring. */
  private latencySumMs = 0;
  private unknownCodes = 0;
  private late = 0;

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
    this.classifier = new CodeClassifier(
      codeTables[o.flavour],
      o.codes,
      this.detectors.instantCodes.codes,
    );
    this.ring = new BucketRing({ bucketMs, horizonsMs: [...HORIZONS_MS] });
    this.liveLast = new LastN(MAX_TIMEOUT_N);
    this.probeLast = new LastN(MAX_TIMEOUT_N);
    this.baselines = new Baselines(
      this.detectors.riskSpike,
      this.detectors.timeouts,
      this.detectors.latency,
    );
    this.errors = new ErrorRate(this.detectors.errorRate);
    this.local = new LocalFaults({
      halfLifeMs: 30_000,
      minFailures: 3,
      minOthers: 30,
      othersBelow: this.detectors.errorRate.degradedRate,
      maxKeys: 4096,
      streakOthersOk: 2,
    });
    this.current = { state: 'healthy', since: now, reason: null, ramp: 1, rampStep: 0 };
    this.lastForgiven = now;
  }

  get state(): ChannelState {
    return this.current;
  }

  moveTo(next: ChannelState): void {
    this.current = next;
  }

  get override(): OverrideView | null {
    return this.forced;
  }

  setOverride(o: OverrideView | null): void {
    this.forced = o;
  }

  snapshot(): ChannelSnapshot {
    return {
      id: this.id,
      state: { ...this.current },
      override: this.forced && { ...this.forced },
      probeFails: this.probeFails,
      lastLiveSuccessAt: orNull(this.lastLiveSuccessAt),
      lastProbeTimeoutAt: orNull(this.lastProbeTimeoutAt),
      lastFailedOrder: this.lastFailedOrder ?? null,
      unforgiven: this.unforgiven,
      downOks: this.downOks,
      lastExitAt: orNull(this.lastExitAt),
      relapseScore: this.relapseScore,
      relapseAt: this.relapseAt,
      lastForgiven: this.lastForgiven,
      latencySumMs: this.latencySumMs,
      unknownCodes: this.unknownCodes,
      late: this.late,
      baselines: this.baselines.snapshot(),
      errors: this.errors.snapshot(),
      liveLast: this.liveLast.snapshot(),
      probeLast: this.probeLast.snapshot(),
    };
  }

  /** Take back what {@link snapshot} gave (windows apart: `ring.merge`). */
  restore(s: ChannelSnapshot): void {
    this.current = { ...s.state };
    this.forced = s.override && { ...s.override };
    this.probeFails = s.probeFails;
    this.lastLiveSuccessAt = orNever(s.lastLiveSuccessAt);
    this.lastProbeTimeoutAt = orNever(s.lastProbeTimeoutAt);
    this.lastFailedOrder = s.lastFailedOrder ?? undefined;
    this.unforgiven = s.unforgiven;
    this.downOks = s.downOks;
    this.lastExitAt = orNever(s.lastExitAt);
    this.relapseScore = s.relapseScore;
    this.relapseAt = s.relapseAt;
    this.lastForgiven = s.lastForgiven;
    this.latencySumMs = s.latencySumMs;
    this.unknownCodes = s.unknownCodes;
    this.late = s.late;
    this.baselines.restore(s.baselines);
    this.errors.restore(s.errors);
    this.liveLast.restore(s.liveLast);
    this.probeLast.restore(s.probeLast);
  }

  /** Count one outcome in the windows and totals; false (and counted late) when older than the longest window. */
  count(at: number, cls: number, latencyMs: number, probe: boolean, instant: boolean): boolean {
    this.latencySumMs += latencyMs;
    if (this.ring.record(at, cls, latencyBin(latencyMs), probe, instant)) return true;
    this.late++;
    return false;
  }

  countUnknownCode(): void {
    this.unknownCodes++;
  }

  /**
   * A failure that is not the channel's: local to a store or terminal (LocalFaults), or a
   * gateway's retry of the order that failed here last (the same customer, terminal and path
   * failing twice would otherwise read as "2 timeouts in 3 calls").
   */
  notTheChannels(o: Outcome, cls: number, failure: boolean): boolean {
    let local = false;
    if (
      (o.store !== undefined || o.terminal !== undefined) &&
      cls !== NEUTRAL &&
      o.source !== 'probe'
    )
      local = this.local.observe(o.at, failure, o.store, o.terminal);
    if (failure && o.orderId !== undefined) {
      if (o.orderId === this.lastFailedOrder) local = true;
      this.lastFailedOrder = o.orderId;
    }
    return local;
  }

  /** Consecutive failed probes, after this probe's outcome. */
  probeStreak(failure: boolean): number {
    this.probeFails = failure ? this.probeFails + 1 : 0;
    return this.probeFails;
  }

  get probeFailStreak(): number {
    return this.probeFails;
  }

  noteLiveSuccess(now: number): void {
    this.lastLiveSuccessAt = now;
  }

  /** A probe timed out: true when live payments answered since the one before (the probe path is slow, not the channel). */
  probeTimeoutContradicted(now: number): boolean {
    const contradicted = this.lastLiveSuccessAt > this.lastProbeTimeoutAt;
    this.lastProbeTimeoutAt = now;
    return contradicted;
  }

  /**
   * Taken down: the detectors start afresh. Returns the ejections not yet forgiven, this one
   * included: each is evidence (a trip, a failed trial call) that the channel is still sick.
   */
  ejected(): number {
    this.errors.reset();
    this.liveLast.clear();
    this.probeLast.clear();
    this.probeFails = 0;
    this.downOks = 0;
    return ++this.unforgiven;
  }

  /** Ejections not yet forgiven (each doubles the next ejection time). */
  get unforgivenEjections(): number {
    return this.unforgiven;
  }

  /** One more probe success (or a failure, which resets) while down; returns the successes in a row. */
  downStreak(failure: boolean): number {
    this.downOks = failure ? 0 : this.downOks + 1;
    return this.downOks;
  }

  /** Back to healthy: the forgiveness clock starts now, and a quick re-entry will be remembered. */
  recovered(now: number): void {
    this.lastForgiven = now;
    this.lastExitAt = now;
  }

  /** Leaving healthy: a re-entry within `halfLifeMs` of the last exit adds to the relapse count. */
  left(now: number, halfLifeMs: number): void {
    if (now - this.lastExitAt >= halfLifeMs) return;
    this.relapseScore = this.relapses(now, halfLifeMs) + 1;
    this.relapseAt = now;
  }

  /** Re-entries soon after an exit, decaying with `halfLifeMs`. */
  relapses(now: number, halfLifeMs: number): number {
    return this.relapseScore * 2 ** (-(now - this.relapseAt) / halfLifeMs);
  }

  /** One unforgiven ejection is forgiven per `decayMs` spent healthy. */
  forgive(now: number, decayMs: number): void {
    if (this.unforgiven > 0 && now - this.lastForgiven >= decayMs) {
      this.unforgiven--;
      this.lastForgiven = now;
    }
  }

  /** The short window's totals, current to the newest data (scratch arrays: read before recording again). */
  get short(): HorizonTotals {
    return this.ring.view(SHORT);
  }

  /** The 60 s window's totals (the same scratch caveat). */
  get long(): HorizonTotals {
    return this.ring.view(LONG);
  }

  /** Live (not probe) outcomes per second over the short window. */
  liveRatePerSec(): number {
    const h = this.short.counts;
    let probes = 0;
    for (let i = 0; i < NEUTRAL; i++) probes += h[PROBE + i];
    return (healthSamples(h) - probes) / (HORIZONS_MS[SHORT] / 1000);
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

  /** What GET /v1/channels shows, with the pool's current weight for it. */
  view(now: number, weight: number): ChannelView {
    this.ring.advanceTo(now);
    const s = this.current;
    const view: ChannelView = {
      id: this.id,
      pool: this.pool,
      flavour: this.flavour,
      priority: this.priority,
      state: s.state,
      since: s.since,
      weight,
      reason: s.reason,
      windows: {
        '10s': this.windowView(this.ring.view(SHORT)),
        '60s': this.windowView(this.ring.view(LONG)),
      },
      unknownCodes: this.unknownCodes,
      late: this.late,
    };
    if (s.state === 'down' || s.state === 'maintenance') view.until = s.until;
    if (this.forced) view.override = { ...this.forced };
    return view;
  }

  totals(): ChannelTotals {
    const all = this.ring.cumulative();
    const counts = {} as ChannelTotals['counts'];
    RECORDED_CLASSES.forEach((name, i) => {
      counts[name] = {
        live: all.counts[i] - all.counts[PROBE + i],
        probe: all.counts[PROBE + i],
      };
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
