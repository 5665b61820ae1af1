import type { ChannelHealth } from './ChannelHealth.ts';
import type { PoolOptions, StateOptions } from './options.ts';
import { round } from './round.ts';
import type { PoolView } from './views.ts';
import { computeWeights } from './weights.ts';

/** A degraded channel never takes more than this share for its exit test's sake. */
const MAX_TRIAL_SHARE = 0.25;

/** A pool's channels and the traffic shares their states give them (see computeWeights). */
export class Pool {
  readonly members: ChannelHealth[] = [];
  private shares: Record<string, number> = {};
  private panicking = false;
  private lastReroute = -Infinity;

  constructor(
    readonly options: PoolOptions,
    private readonly states: Pick<
      StateOptions,
      'degradedFactor' | 'degradedMinShare' | 'probingShare' | 'exitZ'
    >,
  ) {}

  get weights(): Readonly<Record<string, number>> {
    return this.shares;
  }

  /** Every channel is down or in maintenance: the least bad one carries the pool. */
  get panic(): boolean {
    return this.panicking;
  }

  weightOf(id: string): number {
    return this.shares[id] ?? 0;
  }

  /** Shares from the members' current states; called after every transition. True when they moved. */
  reweigh(): boolean {
    const before = this.shares;
    const { weights, panic } = this.preview();
    this.shares = weights;
    this.panicking = panic;
    for (const id in weights) if (weights[id] !== before[id]) return true;
    return false;
  }

  /** The shares the members' current states and figures would give, without taking them. */
  preview() {
    const trial = this.trialShare();
    return computeWeights(
      this.members.map((m) => ({
        id: m.id,
        priority: m.priority,
        state: m.state.state,
        ramp: m.state.state === 'healthy' ? m.state.ramp : 1,
        errorRate: m.shortErrorRate(),
        minShare: trial,
      })),
      {
        split: this.options.split,
        degradedFactor: this.states.degradedFactor,
        degradedMinShare: this.states.degradedMinShare,
        probingShare: this.states.probingShare,
      },
    );
  }

  /**
   * The share a degraded member needs so that its exit test (an upper bound at z under the exit
   * rate, on a clean 60 s window) can pass: 1.5 z² / exitRate samples a minute, out of the pool's
   * live traffic now; never under degradedMinShare, never over MAX_TRIAL_SHARE.
   */
  private trialShare(): number {
    const { degradedMinShare, exitZ } = this.states;
    let perSec = 0;
    let exitRate = 1;
    for (const m of this.members) {
      perSec += m.liveRatePerSec();
      exitRate = Math.min(exitRate, m.detectors.errorRate.exitRate);
    }
    const needPerSec = (1.5 * exitZ * exitZ) / exitRate / 60;
    if (!(perSec > 0)) return degradedMinShare;
    return Math.min(MAX_TRIAL_SHARE, Math.max(degradedMinShare, needPerSec / perSec));
  }

  /** The channel carrying the most traffic (in a panic: the only one). */
  leader(shares: Readonly<Record<string, number>> = this.shares): string | undefined {
    let best: string | undefined;
    for (const id in shares) if (best === undefined || shares[id] > shares[best]) best = id;
    return best;
  }

  /** When a panic last moved its serving channel. */
  get reroutedAt(): number {
    return this.lastReroute;
  }

  /**
   * In a panic the serving channel is the least bad by current evidence, and it moves when that
   * does: clearly (a failure rate 10 points better), and no more often than `dwellMs`. Returns
   * the channel to move to, with the evidence, or null.
   */
  rerouteMove(now: number, dwellMs: number, get: (id: string) => ChannelHealth) {
    const was = this.leader();
    const next = this.leader(this.preview().weights);
    if (!was || !next || next === was || now - this.lastReroute < dwellMs) return null;
    const from = get(was);
    const to = get(next);
    if (!(to.shortErrorRate() + 0.1 < from.shortErrorRate())) return null;
    const evidence = {
      previous: was,
      errorRate: round(to.shortErrorRate()),
      previousErrorRate: round(from.shortErrorRate()),
    };
    return { to, evidence };
  }

  /** Take the previewed shares as a panic's move of its serving channel. */
  reroute(now: number): void {
    this.reweigh();
    this.lastReroute = now;
  }

  /** Its shares and panic as published, for a store (null: never rerouted). */
  snapshot(): PoolSnapshot {
    return {
      id: this.options.id,
      weights: { ...this.shares },
      panic: this.panicking,
      reroutedAt: this.lastReroute === -Infinity ? null : this.lastReroute,
    };
  }

  /**
   * Take back the shares as they were published, so that a restart republishes nothing; when
   * the configured members changed meanwhile, the shares are computed afresh instead.
   */
  restore(s: PoolSnapshot): void {
    this.lastReroute = s.reroutedAt ?? -Infinity;
    const ids = this.members.map((m) => m.id);
    const same = ids.length === Object.keys(s.weights).length && ids.every((id) => id in s.weights);
    if (!same) {
      this.reweigh();
      return;
    }
    this.shares = { ...s.weights };
    this.panicking = s.panic;
  }

  view(): PoolView {
    return {
      id: this.options.id,
      weights: { ...this.shares },
      channels: this.members.map((m) => m.id),
      panic: this.panicking,
    };
  }
}

export interface PoolSnapshot {
  id: string;
  weights: Record<string, number>;
  panic: boolean;
  reroutedAt: number | null;
}
