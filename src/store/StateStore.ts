import type { DecisionLog } from '../core/DecisionLog.ts';
import type { EngineSnapshot } from '../core/EngineSnapshot.ts';

/** Where a store reads the engine's state at each durable point (the Engine satisfies it). */
export interface StateSource {
  snapshot(options?: { windows?: boolean }): EngineSnapshot;
}

/**
 * What outlives the monitor process: the decision log (epoch, seq, retained decisions) and the
 * engine's state (channel states, overrides, bookings, baselines, window buckets). Given to the
 * Engine as its `log` and, once restored, `attach`ed to it. What each write point makes durable:
 * - a decision: the decision and the state it left, before any listener hears of it;
 * - `save()`: the state, now (a booking added or cancelled);
 * - `flush()`: the state and the window buckets changed since the last flush (edges call it
 *   every second or so: between flushes only window counts and unpublished detector progress
 *   are at risk).
 */
export interface StateStore {
  /** The Engine's DecisionLog: it calls listeners only once a decision is stored. */
  readonly log: DecisionLog;
  /** The state as last stored, window buckets included; null for a fresh store. */
  readonly restored: EngineSnapshot | null;
  /** What opening found. */
  readonly recovery: Recovery;
  /** Read the engine's state from `source` from now on; call once, after restoring it. */
  attach(source: StateSource): void;
  /** Store the state now. */
  save(): void;
  /** Store the window buckets and state changed since the last flush. */
  flush(): void;
  /** Counters for metrics. */
  stats(): StoreStats;
  /** Stores everything, then lets go (of the lock, for a disk store). Idempotent. */
  close(): void;
}

export interface Recovery {
  /** Records read back. */
  records: number;
  /** Damaged stretches passed over, and their bytes. */
  skippedRecords: number;
  skippedBytes: number;
  /**
   * Why the history starts a new epoch, or null when it goes on: `empty` (nothing stored),
   * `unreadable` (nothing intact, or another format), `unvouched` (a write had failed: decisions
   * were published that the store does not hold).
   */
  newEpoch: null | 'empty' | 'unreadable' | 'unvouched';
  /** What a person should know, one line each (also logged). */
  notes: string[];
}

export interface StoreStats {
  /** Bytes the store holds now. */
  bytes: number;
  /** Bytes written since start. */
  written: number;
  writeErrors: number;
  compactions: number;
  skippedRecords: number;
  skippedBytes: number;
}

export const freshRecovery = (): Recovery => ({
  records: 0,
  skippedRecords: 0,
  skippedBytes: 0,
  newEpoch: 'empty',
  notes: [],
});
