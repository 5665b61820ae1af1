import type { RiskSpikeOptions, TimeoutOptions } from '../options.ts';
import { RISK_REJECT, TIMEOUT } from '../outcome.ts';
import { healthSamples, timeoutRule } from './rules.ts';

/** The largest n a k-of-n timeout rule may grow to. */
export const MAX_TIMEOUT_N = 8;

/**
 * A channel's own normal: its risk-rejection and timeout rates, slow moving averages learnt only
 * while it is healthy. The timeout level sets the k of n the timeout rule judges with.
 */
export class Baselines {
  private risk: number;
  private timeouts: number;
  private rule: { k: number; n: number };

  constructor(
    private readonly riskOptions: RiskSpikeOptions,
    private readonly timeoutOptions: TimeoutOptions,
  ) {
    this.risk = riskOptions.initialBaseline;
    this.timeouts = timeoutOptions.baselineFloor;
    this.rule = timeoutRule(timeoutOptions, this.timeouts, MAX_TIMEOUT_N);
  }

  get riskRate(): number {
    return this.risk;
  }

  get timeoutRate(): number {
    return this.timeouts;
  }

  /** The k of n timeouts that take the channel down. */
  get timeoutRule(): { k: number; n: number } {
    return this.rule;
  }

  /** Fold `dt` ms of a healthy short window (its class counts) into the averages. */
  learn(counts: Float64Array, dt: number): void {
    const n = healthSamples(counts);
    if (n === 0 || dt <= 0) return;
    const r = this.riskOptions;
    if (n >= r.minSamples)
      this.risk += (1 - 2 ** (-dt / r.baselineHalfLifeMs)) * (counts[RISK_REJECT] / n - this.risk);
    const t = this.timeoutOptions;
    const learnt =
      this.timeouts +
      (1 - 2 ** (-dt / t.baselineHalfLifeMs)) * (counts[TIMEOUT] / n - this.timeouts);
    this.timeouts = Math.max(t.baselineFloor, learnt);
    this.rule = timeoutRule(t, this.timeouts, MAX_TIMEOUT_N);
  }
}
