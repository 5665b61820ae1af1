import type { ChannelStateName } from './decision.ts';
import { SEVERITY } from './ChannelState.ts';

export interface WeightInput {
  id: string;
  priority: number;
  state: ChannelStateName;
  /** Ramp multiplier of a healthy channel coming back (1 when not ramping). */
  ramp: number;
  /** Short-window technical error rate, to rank channels in a panic. */
  errorRate: number;
  /** The least share this channel must keep while degraded (its exit test's traffic); default degradedMinShare. */
  minShare?: number;
}

export interface WeightOptions {
  split: number[];
  degradedFactor: number;
  /** A degraded channel never drops under this share (before normalising): it must stay judged. */
  degradedMinShare?: number;
  probingShare: number;
}

export interface PoolWeights {
  weights: Record<string, number>;
  /** No channel could serve: the least bad one carries everything. */
  panic: boolean;
}

/**
 * A pool's traffic shares. Serving channels (healthy, degraded) are ranked healthy first, then by
 * priority, and take the split by rank (70/20/10 by default: the best, the runner-up kept warm,
 * the rest explored; ranks past the split share its last entry). Degraded channels keep a reduced
 * share, probing ones a trickle, down and maintenance nothing. Shares are normalised to sum to 1;
 * if nothing would serve, the least bad channel gets everything and `panic` is set.
 */
export function computeWeights(
  channels: readonly WeightInput[],
  { split, degradedFactor, degradedMinShare = 0, probingShare }: WeightOptions,
): PoolWeights {
  const weights: Record<string, number> = {};
  for (const c of channels) weights[c.id] = 0;
  if (channels.length === 0) return { weights, panic: false };

  const serving = channels
    .filter((c) => c.state === 'healthy' || c.state === 'degraded')
    .sort(
      (a, b) =>
        SEVERITY[a.state] - SEVERITY[b.state] ||
        a.priority - b.priority ||
        a.id.localeCompare(b.id),
    );
  const tail = serving.length - (split.length - 1);
  let total = 0;
  serving.forEach((c, rank) => {
    const base = rank < split.length - 1 ? split[rank] : split[split.length - 1] / tail;
    const w =
      (c.state === 'degraded'
        ? Math.max(base * degradedFactor, c.minShare ?? degradedMinShare)
        : base) * c.ramp;
    weights[c.id] = w;
    total += w;
  });
  for (const c of channels) {
    if (c.state === 'probing') {
      weights[c.id] = probingShare;
      total += probingShare;
    }
  }
  if (total > 0) {
    normalise(weights, total);
    return { weights, panic: false };
  }
  const leastBad = [...channels].sort(
    (a, b) =>
      panicRank(a) - panicRank(b) ||
      a.errorRate - b.errorRate ||
      a.priority - b.priority ||
      a.id.localeCompare(b.id),
  )[0];
  weights[leastBad.id] = 1;
  return { weights, panic: true };
}

/** In a panic a down channel (it may come back) beats one in planned maintenance (it will not, yet). */
function panicRank(c: WeightInput): number {
  return c.state === 'maintenance' ? 1 : 0;
}

function normalise(weights: Record<string, number>, total: number): void {
  const ids = Object.keys(weights).filter((id) => weights[id] > 0);
  let sum = 0;
  for (let i = 0; i < ids.length - 1; i++) {
    weights[ids[i]] /= total;
    sum += weights[ids[i]];
  }
  // The last share absorbs rounding, so the shares sum to 1 exactly in floating point.
  weights[ids[ids.length - 1]] = 1 - sum;
}
