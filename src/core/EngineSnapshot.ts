import type { ChannelSnapshot } from './ChannelHealth.ts';
import type { PlanSnapshot } from './MaintenancePlan.ts';
import type { PoolSnapshot } from './Pool.ts';
import type { RingExport } from './window/BucketRing.ts';

/** Bumped when a snapshot's shape changes; a store holding another version starts afresh. */
export const SNAPSHOT_VERSION = 1;

/**
 * Everything an Engine needs to go on after a restart, as plain JSON: each channel's state and
 * detectors, each pool's published shares, the maintenance bookings and, when asked for, the
 * window buckets. Decisions are the DecisionLog's, not part of it.
 */
export interface EngineSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** The clock when it was taken. */
  at: number;
  channels: ChannelSnapshot[];
  pools: PoolSnapshot[];
  plan: PlanSnapshot;
  /** Each channel's window buckets by id (Engine.snapshot({ windows: true })). */
  windows?: Record<string, RingExport>;
}

/** What Engine.restore could not place: ids the configuration no longer has. */
export interface RestoreReport {
  unknownChannels: string[];
  unknownPools: string[];
}
