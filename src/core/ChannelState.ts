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
      /** The planned maintenance id, or null for an override. */
      plan: string | null;
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

/** Each state entered fresh at `now`: the state machine's transitions in one line each. */
export const enter = {
  healthy: (now: number, reason: DecisionReason, ramp = 1): ChannelState => ({
    state: 'healthy',
    since: now,
    reason,
    ramp,
    rampStep: 0,
  }),
  degraded: (now: number, reason: DecisionReason): ChannelState => ({
    state: 'degraded',
    since: now,
    reason,
  }),
  down: (now: number, reason: DecisionReason, until: number): ChannelState => ({
    state: 'down',
    since: now,
    reason,
    until,
  }),
  probing: (now: number, reason: DecisionReason): ChannelState => ({
    state: 'probing',
    since: now,
    reason,
    trials: 0,
  }),
  maintenance: (now: number, reason: DecisionReason, until: number, plan: string | null) =>
    ({ state: 'maintenance', since: now, reason, until, plan }) as ChannelState,
};

/** The state an operator's override puts a channel in, from `now` until `until`. */
export function forcedState(state: ChannelStateName, now: number, until: number): ChannelState {
  switch (state) {
    case 'healthy':
    case 'degraded':
      return enter[state](now, 'manual');
    case 'down':
      return enter.down(now, 'manual', until);
    case 'probing':
      return enter.probing(now, 'manual');
    case 'maintenance':
      return enter.maintenance(now, 'manual', until, null);
  }
}
