import type { Decision } from '../core/decision.ts';
import type { EngineSnapshot } from '../core/EngineSnapshot.ts';
import type { StoredBucket } from './windowBuckets.ts';

/** Bumped when a record's shape changes; files of another format are not read. */
export const FORMAT = 1;

export const SNAPSHOT_FILE = 'state.snap';
export const JOURNAL_FILE = 'journal.log';
/** The epoch the files vouch for; deleted when a write fails (deleting needs no free space). */
export const EPOCH_FILE = 'epoch';
/** The last damaged journal or snapshot, kept for a person to look at (one of each, replaced). */
export const DAMAGED_SUFFIX = '.damaged';

/** Each channel's window buckets, stored sparse. */
export type StoredRings = Record<string, StoredBucket[]>;

/**
 * The records of the journal and the snapshot. `s` is always the whole state (without windows):
 * the last intact record is the state, whatever was lost before it. Window buckets come as
 * changes (`w`), put over the snapshot's.
 */
export type StoreRecord =
  /** First record of a journal: whose history it continues, from which seq. */
  | { t: 'meta'; v: number; epoch: string; gen: number; seq: number; s: EngineSnapshot | null }
  /** A decision and the state it left; written and synced before it is published. */
  | { t: 'd'; d: Decision; s: EngineSnapshot }
  /** The state, now (a booking). */
  | { t: 's'; s: EngineSnapshot }
  /** A flush: the state and the window buckets changed since the last one. */
  | { t: 'w'; s: EngineSnapshot; bm: number; w: StoredRings }
  /** The snapshot file: everything up to `seq`, the retained decisions included. */
  | {
      t: 'snap';
      v: number;
      epoch: string;
      gen: number;
      seq: number;
      decisions: Decision[];
      s: EngineSnapshot | null;
      bm: number;
      w: StoredRings;
    };
