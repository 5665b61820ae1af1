import type { ChannelStateName, DecisionReason } from '../../src/core/decision.ts';
import type { FaultKind, FaultScope } from '../faults/Fault.ts';

/** One fault of the ground-truth timeline and when the monitor reacted to it; times in ms from the start. */
export interface FaultReport {
  id: string;
  channel: string;
  kind: FaultKind;
  scope?: FaultScope;
  probability: number;
  from: number;
  to: number;
  /** First decision taking the channel out of healthy at or after onset (up to `to` + grace); null: none. */
  detectedAt: number | null;
  detectionMs: number | null;
}

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

export interface CheckoutReport {
  attempts: number;
  succeeded: number;
  successRate: number;
  doubleCharges: number;
  droppedOrders: { injected: number; found: number };
  oracleSuccessRate: number | null;
  staticSuccessRate: number | null;
  strategies: Record<string, StrategyOutcome>;
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
}
