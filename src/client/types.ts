import type { Decision } from '../core/decision.ts';
import type { RecordedClass, OutcomeSource } from '../core/outcome.ts';

/** Returns a number in [0, 1): a seeded generator in tests and virtual runs, Math.random only at the edge. */
export type { Random } from '../core/random.ts';

/**
 * What the gateway knows about a channel without asking the monitor: its static priority and the
 * business rules that make it eligible for an order. The monitor's weights are applied on top.
 */
export interface ChannelRule {
  id: string;
  pool: string;
  /** Lower is preferred; the fail-static order when the monitor has been away too long. */
  priority: number;
  /** Smallest amount (minor units) the channel takes, inclusive. */
  minAmount?: number;
  /** Largest amount (minor units) the channel takes, inclusive: large orders go where the limit allows. */
  maxAmount?: number;
  /** Customer segments served; absent means all. */
  segments?: string[];
  /** Platforms served (e.g. a channel only for the WeChat mini-program); absent means all. */
  platforms?: string[];
}

/** The parts of an order that routing looks at (structurally a subset of the checkout's Order). */
export interface RoutableOrder {
  amount: number;
  segment?: string;
  platform?: string;
}

/**
 * Why a channel was picked:
 * - `weight`: drawn by the monitor's current weights;
 * - `fallback`: the next channel by weight after a failure;
 * - `static`: the monitor is stale or was never reached, static priority order;
 * - `last_resort`: every eligible channel has weight 0 (all down), the best by priority still serves.
 */
export type PickReason = 'weight' | 'fallback' | 'static' | 'last_resort';

export type PickResult =
  | { channel: string; reason: PickReason }
  | { channel: null; reason: 'no_eligible_channel' };

/** An outcome as a gateway reports it (CONTRACT.md "Outcome event"); `at` defaults to the client's clock. */
export interface ReportedOutcome {
  channel: string;
  outcome?: RecordedClass;
  code?: string;
  latencyMs: number;
  at?: number;
  amount?: number;
  method?: string;
  store?: string;
  terminal?: string;
  orderId?: string;
  source?: OutcomeSource;
}

export interface ClientStats {
  /** True while following the monitor (stream open, or the in-process engine). */
  connected: boolean;
  /** Picking by static priority: the monitor has been away longer than `staleAfterMs`, or never answered. */
  stale: boolean;
  epoch: string | null;
  seq: number;
  reconnects: number;
  /** Outcomes handed to the monitor (accepted by it, or recorded in-process). */
  reported: number;
  /** Outcomes dropped because the buffer was full while the monitor was away. */
  dropped: number;
  /** Outcomes the monitor refused (400): dropped, never retried. */
  refused: number;
  /** Outcomes waiting in the buffer. */
  buffered: number;
}

/** The library a gateway embeds: follow the monitor, pick channels, report outcomes. Nothing here throws or blocks on a payment path. */
export interface SwitchyardClient {
  /** A channel for the order by the pool's weights among the channels whose rules admit it. */
  pick(pool: string, order: RoutableOrder): PickResult;
  /** The channel to try after `tried` failed for this order. */
  next(pool: string, order: RoutableOrder, tried: readonly string[]): PickResult;
  /** Queue an outcome for the monitor; returns at once. */
  report(outcome: ReportedOutcome): void;
  /** The pool's weights as the client currently uses them (static shares when stale). */
  weights(pool: string): Record<string, number>;
  /** Decisions as they arrive (including replayed ones); returns an unsubscribe function. */
  onDecision(fn: (d: Decision) => void): () => void;
  stats(): ClientStats;
  /** Flush what is buffered (best effort) and stop following. */
  close(): Promise<void>;
}
