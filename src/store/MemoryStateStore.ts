import type { Decision } from '../core/decision.ts';
import type { EngineSnapshot } from '../core/EngineSnapshot.ts';
import {
  freshRecovery,
  type Recovery,
  type StateSource,
  type StateStore,
  type StoreStats,
} from './StateStore.ts';
import { MemoryDecisionLog } from '../core/DecisionLog.ts';

/**
 * What a memory store keeps: the process's own heap. A monitor with `--state memory` gets a new
 * one each start (so a new epoch); tests hand the same one to the next store to "restart".
 */
export class MemoryBacking {
  epoch: string | null = null;
  seq = 0;
  decisions: Decision[] = [];
  state: EngineSnapshot | null = null;
  windows: EngineSnapshot['windows'] = {};
}

export interface MemoryStateStoreOptions {
  retain: number;
  /** Default: a fresh one (nothing restored, a new epoch). */
  backing?: MemoryBacking;
  /** The epoch of a fresh backing; default a random UUID. */
  epoch?: string;
}

/** The StateStore of tests, `--virtual` runs, benches and `--state memory`. */
export class MemoryStateStore implements StateStore {
  readonly log: MemoryDecisionLog;
  readonly restored: EngineSnapshot | null;
  readonly recovery: Recovery;
  private readonly backing: MemoryBacking;
  private readonly retain: number;
  private source: StateSource | null = null;
  private closed = false;

  constructor({ retain, backing = new MemoryBacking(), epoch }: MemoryStateStoreOptions) {
    this.backing = backing;
    this.retain = retain;
    this.recovery = freshRecovery();
    if (backing.epoch !== null) this.recovery.newEpoch = null;
    backing.epoch ??= epoch ?? globalThis.crypto.randomUUID();
    this.restored =
      backing.state && structuredClone({ ...backing.state, windows: backing.windows });
    this.log = new MemoryDecisionLog({
      retain,
      epoch: backing.epoch,
      seq: backing.seq,
      kept: structuredClone(backing.decisions),
      persist: (d) => this.persist(d),
    });
  }

  attach(source: StateSource): void {
    this.source = source;
  }

  save(): void {
    if (this.source && !this.closed) this.backing.state = this.source.snapshot();
  }

  flush(): void {
    if (!this.source || this.closed) return;
    const { windows, ...state } = this.source.snapshot({ windows: true });
    this.backing.state = state;
    this.backing.windows = windows;
  }

  stats(): StoreStats {
    return {
      bytes: 0,
      written: 0,
      writeErrors: 0,
      compactions: 0,
      skippedRecords: 0,
      skippedBytes: 0,
    };
  }

  close(): void {
    this.flush();
    this.closed = true;
  }

  private persist(d: Decision): void {
    if (this.closed) return;
    const b = this.backing;
    b.seq = d.seq;
    b.decisions.push(structuredClone(d));
    if (b.decisions.length > this.retain) b.decisions.splice(0, b.decisions.length - this.retain);
    this.save();
  }
}
