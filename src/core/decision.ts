export const CHANNEL_STATES = ['healthy', 'degraded', 'down', 'probing', 'maintenance'] as const;
export type ChannelStateName = (typeof CHANNEL_STATES)[number];

/** Why a channel moved. Detectors name themselves; the rest are the state machine's own steps. */
export const DECISION_REASONS = [
  'error_rate', // CUSUM on technical failures tripped, or the Wilson bound of the window's error rate
  'timeouts', // k of the last n outcomes timed out
  'maintenance_code', // the channel answered with its maintenance code
  'instant_code', // a listed code ("system busy") came count times within a short time
  'latency', // p95 over the bound
  'risk_spike', // risk rejections well over the channel's own baseline
  'probe_failures', // consecutive active probe failures
  'ejection_elapsed', // down long enough: start trial calls
  'probes_recovered', // successes in a row while down ended the ejection early: start trial calls
  'trial_failed', // a trial call in probing failed
  'recovered', // enough trial calls succeeded, or a degraded channel's figures cleared
  'ramp', // a step of the slow ramp back to full weight (state unchanged)
  'panic_reroute', // in a panic, the least bad channel by current evidence changed (states unchanged)
  'manual', // an operator override set or cleared
  'manual_expired',
  'maintenance_window', // a planned window (or its drain lead time) began
  'maintenance_end',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

export type Evidence = Record<string, number | string | boolean>;

/** What the monitor publishes: CONTRACT.md "Decision". */
export interface Decision {
  type: 'decision';
  seq: number;
  at: number;
  channel: string;
  pool: string;
  from: ChannelStateName;
  to: ChannelStateName;
  reason: DecisionReason;
  evidence: Evidence;
  /** The pool's traffic shares after this decision; they sum to 1. */
  weights: Record<string, number>;
  /** Every channel of the pool is down: the least bad one keeps serving. */
  panic?: boolean;
}
