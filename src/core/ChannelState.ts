import type { ChannelStateName, DecisionReason, Evidence } from './decision.ts';

/** A channel's state as a tagged union: each state carries only what it needs. */
export type ChannelState =
  | {
      state: 'healthy';
      since: number;
      reason: DecisionReason | null /** 0..1 share multiplier while ramping back. */;
      ramp: number;
      rampStep: number;
    }
  | { state: 'degraded'; since: number; reason: DecisionReason }
  | {
      state: 'down';
      since: number;
      reason: DecisionReason /** When trial calls start. */;
      until: number;
    }
  | { state: 'probing'; since: number; reason: DecisionReason; trials: number }
  | {
      state: 'maintenance';
      since: number;
      reason: DecisionReason;
      until: number;
      window: string | null;
    };

/** A detector's verdict: where the evidence says the channel belongs. */
export interface Trip {
  to: 'down' | 'degraded';
  reason: DecisionReason;
  evidence: Evidence;
  /** Switch even inside the minimum dwell (maintenance codes, k-of-n timeouts, instant codes). */
  urgent: boolean;
}

/** Worse states rank higher; used to pick the least bad channel in a panic. */
export const SEVERITY: Readonly<Record<ChannelStateName, number>> = {
  healthy: 0,
  degraded: 1,
  probing: 2,
  down: 3,
  maintenance: 4,
};
