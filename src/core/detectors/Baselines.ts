import type { LatencyOptions, RiskSpikeOptions, TimeoutOptions } from '../options.ts';
import type { HorizonTotals } from '../window/BucketRing.ts';
import { latencyP95 } from './rules.ts';
import { RISK_REJECT, TIMEOUT } from '../outcome.ts';
import { healthSamples, timeoutRule } from './rules.ts';

/** The largest n a k-of-n timeout rule may grow to. */
export const MAX_TIMEOUT_N = 8;

/**
 * A channel's own normal: its risk-rejection and timeout rates and its p95, slow moving averages
 * learnt only while it is healthy. The timeout level sets the k of n the timeout rule judges
 * with. Until the channel has been watched healthy for `warmupMs` the timeout level is at least
 * the conservative prior (cold start), and the p95 is the configured prior or unknown (0).
 */
export class Baselines {
  private risk: number;
  private timeouts: number;
  private rule: { k: number; n: number };
  private p95: number;
  private watchedMs = 0;

  constructor(
    private readonly riskOptions: RiskSpikeOptions,
    private readonly timeoutOptions: TimeoutOptions,
    private readonly latencyOptions: LatencyOptions,
  ) {
    this.risk = riskOptions.initialBaseline;
    this.timeouts = timeoutOptions.baselineFloor;
    this.p95 = latencyOptions.priorP95Ms;
    this.rule = timeoutRule(timeoutOptions, this.judgedTimeoutRate(), MAX_TIMEOUT_N);
  }

  /** The channel's normal p95 in ms; 0 while unknown. */
  get p95Ms(): number {
    return this.p95;
  }

  /** The learnt timeout rate, raised to the prior while the channel is still new. */
  private judgedTimeoutRate(): number {
    const t = this.timeoutOptions;
    return this.watchedMs < t.warmupMs ? Math.max(this.timeouts, t.priorRate) : this.timeouts;
  }

  get riskRate(): number {
    return this.risk;
  }

  get timeoutRate(): number {
    return this.judgedTimeoutRate();
  }

  /** The k of n timeouts that take the channel down. */
  get timeoutRule(): { k: number; n: number } {
    return this.rule;
  }

  /** What has been learnt, for a store. */
  snapshot(): BaselinesSnapshot {
    return { risk: this.risk, timeouts: this.timeouts, p95: this.p95, watchedMs: this.watchedMs };
  }

  restore(s: BaselinesSnapshot): void {
    this.risk = s.risk;
    this.timeouts = s.timeouts;
    this.p95 = s.p95;
    this.watchedMs = s.watchedMs;
    this.rule = timeoutRule(this.timeoutOptions, this.judgedTimeoutRate(), MAX_TIMEOUT_N);
  }

  /** Fold `dt` ms of a healthy short window into the averages. */
  learn(h: HorizonTotals, dt: number): void {
    const counts = h.counts;
    const n = healthSamples(counts);
    if (n === 0 || dt <= 0) return;
    this.watchedMs += dt;
    const l = this.latencyOptions;
    if (n >= l.minSamples) {
      const p95 = latencyP95(h);
      this.p95 =
        this.p95 === 0
          ? p95
          : this.p95 + (1 - 2 ** (-dt / l.baselineHalfLifeMs)) * (p95 - this.p95);
    }
    const r = this.riskOptions;
    if (n >= r.minSamples)
      this.risk += (1 - 2 ** (-dt / r.baselineHalfLifeMs)) * (counts[RISK_REJECT] / n - this.risk);
    const t = this.timeoutOptions;
    const learnt =
      this.timeouts +
      (1 - 2 ** (-dt / t.baselineHalfLifeMs)) * (counts[TIMEOUT] / n - this.timeouts);
    this.timeouts = Math.max(t.baselineFloor, learnt);
    this.rule = timeoutRule(t, this.judgedTimeoutRate(), MAX_TIMEOUT_N);
  }
}

export interface BaselinesSnapshot {
  risk: number;
  timeouts: number;
  p95: number;
  watchedMs: number;
}
