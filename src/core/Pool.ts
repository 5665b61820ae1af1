import type { ChannelHealth } from './ChannelHealth.ts';
import type { PoolOptions, StateOptions } from './options.ts';
import type { PoolView } from './views.ts';
import { computeWeights } from './weights.ts';

/** A pool's channels and the traffic shares their states give them (see computeWeights). */
export class Pool {
  readonly members: ChannelHealth[] = [];
  private shares: Record<string, number> = {};
  private panicking = false;

  constructor(
    readonly options: PoolOptions,
    private readonly states: Pick<StateOptions, 'degradedFactor' | 'probingShare'>,
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

  /** Shares from the members' current states; called after every transition. */
  reweigh(): void {
    const { weights, panic } = computeWeights(
      this.members.map((m) => ({
        id: m.id,
        priority: m.priority,
        state: m.state.state,
        ramp: m.state.state === 'healthy' ? m.state.ramp : 1,
        errorRate: m.shortErrorRate(),
      })),
      { split: this.options.split, ...this.states },
    );
    this.shares = weights;
    this.panicking = panic;
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
