import type { RecordedClass } from './outcome.ts';
import type { ChannelStateName, DecisionReason } from './decision.ts';

/** One window's figures, as GET /v1/channels and the stream's `stats` show them. */
export interface WindowView {
  total: number;
  counts: Record<RecordedClass, number>;
  /** Outcomes from active probes (included in `total`). */
  probes: number;
  /** Technical failures (error + timeout + maintenance) over outcomes that judge health (all but neutral). */
  errorRate: number;
  /** Successes over outcomes that judge health, declines left out (a customer's empty wallet is not the channel's fault). */
  successRate: number;
  riskRate: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface OverrideView {
  state: ChannelStateName;
  until: number;
  reason: string;
}

export interface ChannelView {
  id: string;
  pool: string;
  flavour: string;
  priority: number;
  state: ChannelStateName;
  since: number;
  weight: number;
  reason: DecisionReason | null;
  /** For `down`: when trial calls start. For `maintenance`/overrides: when it ends. */
  until?: number;
  override?: OverrideView;
  windows: { '10s': WindowView; '60s': WindowView };
  /** Codes outside the channel's table, cumulative. */
  unknownCodes: number;
  /** Outcomes older than the longest window when they arrived, cumulative. */
  late: number;
}

export interface PoolView {
  id: string;
  weights: Record<string, number>;
  channels: string[];
  panic: boolean;
}

/** Cumulative per-channel totals, for metrics collectors. */
export interface ChannelTotals {
  id: string;
  pool: string;
  /** counts[class][source] */
  counts: Record<RecordedClass, { live: number; probe: number }>;
  unknownCodes: number;
  late: number;
  /** Latency histogram: cumulative counts per upper bound in seconds (last bound is +Inf). */
  latency: { bounds: number[]; counts: number[]; sum: number; count: number };
}

/** A planned maintenance period of one channel (config or POST /v1/maintenance). */
export interface PlannedMaintenance {
  id: string;
  channel: string;
  /** Epoch ms. */
  from: number;
  to: number;
  /** Traffic drains this long before `from`. */
  leadMs: number;
  reason: string;
}
