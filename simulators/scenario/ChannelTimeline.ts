import type { ChannelStateName, Decision } from '../../src/core/decision.ts';
import type { PoolOptions } from '../../src/core/options.ts';
import { computeWeights } from '../../src/core/weights.ts';

/** A weight this close under its target counts as reached (the core's shares are normalised floats). */
export const WEIGHT_TOLERANCE = 0.001;

/**
 * Each channel's state and weight, and each pool's panic, at any instant of a run, read from its
 * decisions (each carries its pool's weights and panic after it). Before a channel's first
 * decision it is healthy at its top share; an instant with decisions is read after them.
 */
export class ChannelTimeline {
  private readonly byChannel = new Map<string, Decision[]>();
  private readonly byPool = new Map<string, Decision[]>();
  private readonly channels = new Map<string, TimelineChannel>();

  constructor(decisions: readonly Decision[], channels: readonly TimelineChannel[]) {
    for (const c of channels) this.channels.set(c.id, c);
    const sorted = [...decisions].sort((a, b) => a.at - b.at);
    for (const d of sorted) {
      push(this.byChannel, d.channel, d);
      push(this.byPool, d.pool, d);
      if (!this.channels.has(d.channel))
        this.channels.set(d.channel, { id: d.channel, pool: d.pool, topShare: 0 });
    }
  }

  topShare(channel: string): number {
    return this.channels.get(channel)?.topShare ?? 0;
  }

  channelIds(): string[] {
    return [...this.channels.keys()];
  }

  /** The channel's decisions, oldest first. */
  decisionsOf(channel: string): readonly Decision[] {
    return this.byChannel.get(channel) ?? [];
  }

  stateAt(channel: string, t: number): ChannelStateName {
    return last(this.byChannel.get(channel), t)?.to ?? 'healthy';
  }

  weightAt(channel: string, t: number): number {
    const d = last(this.poolDecisions(channel), t);
    return d ? (d.weights[channel] ?? 0) : this.topShare(channel);
  }

  /** The weight in force just before `t` (decisions at `t` itself left out). */
  weightBefore(channel: string, t: number): number {
    return this.weightAt(channel, t - 1);
  }

  panicAt(pool: string, t: number): boolean {
    return last(this.byPool.get(pool), t)?.panic === true;
  }

  /** The first instant in [from, to] at which the pool is in a panic, or null. */
  firstPanic(pool: string, from: number, to: number): number | null {
    if (this.panicAt(pool, from)) return from;
    return (
      this.byPool.get(pool)?.find((d) => d.at > from && d.at <= to && d.panic === true)?.at ?? null
    );
  }

  poolOf(channel: string): string | undefined {
    return this.channels.get(channel)?.pool;
  }

  /** Pools of the known channels and of the decisions. */
  pools(): string[] {
    return [...new Set([...[...this.channels.values()].map((c) => c.pool), ...this.byPool.keys()])];
  }

  /** State changes (from ≠ to) of the channel with `from ≤ at ≤ to`. */
  changes(channel: string, from: number, to: number): Decision[] {
    return this.decisionsOf(channel).filter((d) => d.from !== d.to && d.at >= from && d.at <= to);
  }

  /** The first instant ≥ `t` at which the channel is healthy, or null if it never is again. */
  healthyFrom(channel: string, t: number): number | null {
    if (this.stateAt(channel, t) === 'healthy') return t;
    return this.decisionsOf(channel).find((d) => d.at > t && d.to === 'healthy')?.at ?? null;
  }

  /** The first instant ≥ `t` at which the channel's weight reaches `target` (less the tolerance), or null. */
  weightFrom(channel: string, t: number, target: number): number | null {
    const reached = (w: number) => w >= target - WEIGHT_TOLERANCE;
    if (reached(this.weightAt(channel, t))) return t;
    return (
      this.poolDecisions(channel)?.find((d) => d.at > t && reached(d.weights[channel] ?? 0))?.at ??
      null
    );
  }

  /**
   * Full weight after a fault that began at `t`: the weight the channel had just before it,
   * capped at its top share (more than that was only another channel's trouble), or its top
   * share if it had none then (it was out already).
   */
  fullWeightTarget(channel: string, t: number): number {
    const before = this.weightBefore(channel, t);
    const top = this.topShare(channel);
    return before > 0 ? Math.min(before, top) : top;
  }

  private poolDecisions(channel: string): Decision[] | undefined {
    const pool = this.channels.get(channel)?.pool;
    return pool === undefined ? undefined : this.byPool.get(pool);
  }
}

/** A channel as the timeline needs it: its pool, and its share when the whole pool is healthy. */
export interface TimelineChannel {
  id: string;
  pool: string;
  topShare: number;
}

/**
 * The channels with their top share: their share of the pool when all of them are healthy, by the
 * core's own computeWeights over the pool's split, by priority.
 */
export function timelineChannels(
  channels: readonly { id: string; pool: string; priority: number }[],
  pools: readonly PoolOptions[],
): TimelineChannel[] {
  const top: Record<string, number> = {};
  for (const p of pools) {
    const members = channels.filter((c) => c.pool === p.id);
    const { weights } = computeWeights(
      members.map((c) => ({
        id: c.id,
        priority: c.priority,
        state: 'healthy' as const,
        ramp: 1,
        errorRate: 0,
      })),
      { split: p.split, degradedFactor: 1, probingShare: 0 },
    );
    Object.assign(top, weights);
  }
  return channels.map((c) => ({ id: c.id, pool: c.pool, topShare: top[c.id] ?? 0 }));
}

function push(m: Map<string, Decision[]>, k: string, d: Decision): void {
  const list = m.get(k);
  if (list) list.push(d);
  else m.set(k, [d]);
}

/** The last decision at or before `t` (lists are sorted by time). */
function last(list: readonly Decision[] | undefined, t: number): Decision | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}
