import type { ChannelStateName, Decision, DecisionReason } from '../../src/core/decision.ts';
import type { FaultKind, FaultScope } from '../faults/Fault.ts';
import type { SettlementFigures } from './orderFacts.ts';

/** One fault of the ground-truth timeline and when the monitor reacted to it; times in ms from the start. */
export interface FaultReport {
  id: string;
  channel: string;
  kind: FaultKind;
  scope?: FaultScope;
  probability: number;
  from: number;
  to: number;
  /**
   * First decision at or after this fault's own onset (up to `to` + grace) moving its channel out
   * of service (degraded, down, maintenance); null: none.
   */
  detectedAt: number | null;
  detectionMs: number | null;
  /** The channel's state just before onset: not healthy means another fault (or window) had it out already. */
  stateAtStart: ChannelStateName;
  /** The decision `detectedAt` points at, and the other faults on the channel active then (it may be theirs). */
  detectedBy: {
    seq: number;
    to: ChannelStateName;
    reason: DecisionReason;
    alsoActive: string[];
  } | null;
  recovery: RecoveryReport;
}

/** The way back after a fault's end (`to`); times in ms from the start, null: not by the end of the run. */
export interface RecoveryReport {
  /** First instant at or after the end at which the channel is healthy (the end itself if it never left). */
  healthyAt: number | null;
  healthyMs: number | null;
  /**
   * The weight counted as full: the channel's share just before onset, capped at its top share
   * (its share with the whole pool healthy), or the top share if it had none then.
   */
  fullWeight: number;
  /** First instant at or after the end at which its weight is at least `fullWeight` (less 0.001). */
  fullWeightAt: number | null;
  fullWeightMs: number | null;
}

/** One decision of the run as the monitor published it, `at` in ms from the start. */
export type TimelineEntry = Omit<Decision, 'type'>;

export interface SwitchReport {
  at: number;
  channel: string;
  from: ChannelStateName;
  to: ChannelStateName;
  reason: DecisionReason;
  /** What justified it: a fault id, a planned window, or null for a false switch. */
  cause: string | null;
  /** For a false switch: why it was false. */
  why?: string;
}

export interface StrategyOutcome {
  orders: number;
  paid: number;
  declined: number;
  failed: number;
  /** Paid over orders a customer could pay (declines left out). */
  successRate: number;
  doubleCharges: number;
  /** Orders charged whose answer and callback were both lost (ground truth)… */
  droppedOrders: number;
  /** … and how many of them the checkout found paid (by query) rather than leaving unknown or failed. */
  droppedFound: number;
  p95LatencyMs: number;
}

/** StrategyOutcome with what became of its pending orders (a checkout that keeps no settlement record settles none). */
export type StrategyReport = StrategyOutcome & SettlementFigures;

export interface CheckoutReport {
  attempts: number;
  succeeded: number;
  successRate: number;
  doubleCharges: number;
  droppedOrders: { injected: number; found: number };
  oracleSuccessRate: number | null;
  staticSuccessRate: number | null;
  strategies: Record<string, StrategyReport>;
  /** The switchyard checkout's: pending orders found paid later, left pending, charged but called failed, failovers. */
  ordersFoundLater: number;
  ordersLeftPending: number;
  chargedButReportedFailed: number;
  failovers: number;
}

export interface ExpectationResult {
  text: string;
  pass: boolean;
  observed: string;
}

/** CONTRACT.md "Scenario report", plus the switches and the per-strategy figures behind it. No wall-clock field. */
export interface ScenarioReport {
  scenario: string;
  seed: number;
  virtual: boolean;
  verdict: 'pass' | 'fail';
  durationMs: number;
  expectations: ExpectationResult[];
  faults: FaultReport[];
  falseSwitches: number;
  switches: SwitchReport[];
  decisions: number;
  checkout?: CheckoutReport;
  /** Every decision, oldest first, with its weights and panic. */
  timeline: TimelineEntry[];
  /** State changes (from ≠ to) per channel over the run, every channel listed. */
  transitions: Record<string, number>;
}
