import type { ChannelStateName } from '../../src/core/decision.ts';
import type {
  DeepPartial,
  DetectorOptions,
  PoolOptions,
  StateOptions,
} from '../../src/core/options.ts';
import type { ChannelProfile } from '../channels/ChannelProfile.ts';
import type { FaultSpec } from '../faults/faultSpec.ts';

/** Arrival rate over time: points joined by straight lines, flat after the last. */
export interface RatePoint {
  atMs: number;
  rps: number;
}

export interface TrafficProfile {
  rate: RatePoint[];
  timeoutMs: number;
  stores: number;
  terminalsPerStore: number;
  pools: Record<string, number>;
  segments: Record<string, number>;
  amount: { median: number; p99: number };
  customerDeclines: number;
  /** Named stores' shares of all orders (the other stores split the rest evenly); none: every store alike. */
  storeShares?: Record<string, number>;
}

/** A time range of an expectation, ms from the start, both ends included. */
export interface Range {
  fromMs: number;
  toMs: number;
}

/** An expectation as scored; times in ms from the scenario start. */
export type Expectation =
  | {
      kind: 'reaches';
      text: string;
      channel: string;
      states: ChannelStateName[];
      withinMs: number;
      of: { faultId: string } | { atMs: number };
    }
  | { kind: 'noSwitch'; text: string; channel: string; fromMs: number; toMs: number }
  | { kind: 'noFalseSwitches'; text: string }
  | {
      kind: 'checkoutSuccess';
      text: string;
      atLeast?: number;
      atLeastStatic?: boolean;
      withinOfOracle?: number;
    }
  | { kind: 'doubleCharges'; text: string; atMost: number }
  | { kind: 'droppedOrdersFound'; text: string }
  | ({ kind: 'in'; text: string; channel: string; states: ChannelStateName[] } & Range)
  | ({ kind: 'transitions'; text: string; channel?: string; atMost: number } & Range)
  | { kind: 'backToHealthy' | 'backToFullWeight'; text: string; faultId: string; withinMs: number }
  | ({ kind: 'panic'; text: string; pool?: string; happens: boolean } & Range)
  | ({ kind: 'share'; text: string; channel: string; atLeast?: number; atMost?: number } & Range)
  | ({ kind: 'checkoutP95'; text: string; atMostMs: number } & Range)
  | ({ kind: 'failovers'; text: string; atMost: number } & Range)
  | { kind: 'chargedButReportedFailed'; text: string; atMost: number };

/** The fault id a planned window gets in the fault timeline (`i`: its index in the file). */
export function plannedFaultId(channel: string, i: number): string {
  return `planned-${channel}-${i + 1}`;
}

export interface PlannedMaintenance {
  channel: string;
  atMs: number;
  forMs: number;
  leadMs: number;
}

/** A scenario file, validated and normalised: every time in ms, every default filled in. */
export interface Scenario {
  name: string;
  description: string;
  seed: number;
  durationMs: number;
  probeIntervalMs: number;
  channels: ChannelProfile[];
  pools: PoolOptions[];
  engine: { detectors?: DeepPartial<DetectorOptions>; states?: DeepPartial<StateOptions> };
  maintenance: PlannedMaintenance[];
  traffic?: TrafficProfile;
  /** Fault specs with ids (given or `<channel>-<kind>-<n>`), times relative to the start. */
  faults: (FaultSpec & { id: string })[];
  expect: Expectation[];
  graceMs: number;
}
