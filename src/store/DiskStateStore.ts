import { join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { Decision } from '../core/decision.ts';
import type { EngineSnapshot } from '../core/EngineSnapshot.ts';
import type { Logger } from '../server/Logger.ts';
import { silentLogger } from '../server/Logger.ts';
import { DirLock } from './DirLock.ts';
import { encodeFrame } from './journalFrames.ts';
import { type DirState, readStateDir } from './readStateDir.ts';
import {
  DAMAGED_SUFFIX,
  EPOCH_FILE,
  FORMAT,
  JOURNAL_FILE,
  SNAPSHOT_FILE,
  type StoredRings,
  type StoreRecord,
} from './records.ts';
import type { Recovery, StateSource, StateStore, StoreStats } from './StateStore.ts';
import { MemoryDecisionLog } from '../core/DecisionLog.ts';
import { StoreError } from './StoreError.ts';
import { nodeFs, type StoreFs } from './StoreFs.ts';
import { changedBuckets, type StoredBucket, toStored } from './windowBuckets.ts';

export interface DiskStateStoreOptions {
  dir: string;
  /** Decisions kept for replay (the engine's `decisionLog`). */
  retain: number;
  clock: Clock;
  log?: Logger;
  /** The journal is folded into a fresh snapshot once it is this large. Default 4 MiB. */
  compactBytes?: number;
  /** fsync decisions, bookings and flushes (default true; off only to measure what it costs). */
  fsync?: boolean;
  fs?: StoreFs;
  /** Called once each journal record is durable, with the journal's size then (tests). */
  onWritten?: (record: StoreRecord, journalBytes: number) => void;
}

/** What `bytes` a state key is compared by: the state without its clock reading. */
const stateKey = (s: EngineSnapshot) => JSON.stringify([s.channels, s.pools, s.plan]);

/**
 * The monitor's state in a directory: `state.snap` (everything, written whole and renamed into
 * place) and `journal.log` (what happened since: decisions, bookings, flushes, each a framed record
 * with a CRC). A decision is written and fsynced before it is published; a flush writes the
 * window buckets and state changed since the last one. Once the journal passes compactBytes
 * it is folded into a new snapshot, so the directory stays bounded. Opening takes the lock,
 * reads back every intact record (damage is skipped and set aside) and writes a fresh base.
 */
export class DiskStateStore implements StateStore {
  readonly log: MemoryDecisionLog;
  readonly restored: EngineSnapshot | null;
  readonly recovery: Recovery;
  private readonly fs: StoreFs;
  private readonly out: Logger;
  private readonly sync: boolean;
  private readonly compactBytes: number;
  private source: StateSource | null = null;
  private fd = -1;
  private gen: number;
  private journalBytes = 0;
  private snapBytes = 0;
  private lastKey = '';
  private lastBuckets = new Map<string, Map<number, string>>();
  private bucketMs: number;
  private broken = false;
  private closed = false;
  private readonly counts = { written: 0, writeErrors: 0, compactions: 0 };

  private constructor(
    private readonly o: DiskStateStoreOptions,
    private readonly lock: DirLock,
    st: DirState,
    epoch: string,
  ) {
    this.fs = o.fs ?? nodeFs;
    this.out = o.log ?? silentLogger;
    this.sync = o.fsync ?? true;
    this.compactBytes = o.compactBytes ?? 4 * 1024 * 1024;
    this.recovery = st.recovery;
    this.restored = st.state;
    this.gen = st.gen;
    this.bucketMs = st.bucketMs;
    this.log = new MemoryDecisionLog({
      retain: o.retain,
      epoch,
      seq: st.seq,
      kept: st.decisions,
      persist: (d) => this.persist(d),
    });
  }

  /** Opens (creating) the directory; a StoreError names the path and the fix when it cannot. */
  static open(o: DiskStateStoreOptions): DiskStateStore {
    const fs = o.fs ?? nodeFs;
    const log = o.log ?? silentLogger;
    let lock: DirLock;
    try {
      fs.mkdirSync(o.dir, { recursive: true });
      lock = DirLock.acquire(fs, o.dir, o.clock.now());
    } catch (e) {
      throw unwritable(o.dir, e);
    }
    if (lock.tookOverFrom !== null)
      log.warn('state lock was stale: taken over', { dir: o.dir, pid: lock.tookOverFrom });
    try {
      const st = readStateDir(fs, o.dir);
      for (const file of st.damaged)
        fs.renameSync(join(o.dir, file), join(o.dir, file + DAMAGED_SUFFIX));
      const epoch = st.epoch ?? globalThis.crypto.randomUUID();
      const store = new DiskStateStore(o, lock, st, epoch);
      for (const note of st.recovery.notes) log.warn('state recovery', { dir: o.dir, note });
      store.writeBase(st.state, st.state?.windows ?? {});
      return store;
    } catch (e) {
      lock.release();
      throw unwritable(o.dir, e);
    }
  }

  attach(source: StateSource): void {
    this.source = source;
  }

  save(): void {
    const s = this.state();
    if (s) this.append({ t: 's', s }, true);
  }

  flush(): void {
    if (this.closed || !this.source) return;
    if (this.broken) {
      this.recover();
      return;
    }
    const s = this.source.snapshot({ windows: true });
    const { windows = {}, ...state } = s;
    const w: StoredRings = {};
    const keys = new Map<string, Map<number, string>>();
    let changed = false;
    for (const id in windows) {
      this.bucketMs = windows[id].bucketMs;
      const delta = changedBuckets(this.lastBuckets.get(id), toStored(windows[id]));
      keys.set(id, delta.keys);
      if (delta.changed.length) (w[id] = delta.changed), (changed = true);
    }
    const key = stateKey(state);
    if (changed || key !== this.lastKey) {
      if (!this.append({ t: 'w', s: state, bm: this.bucketMs, w }, true)) return;
      this.lastBuckets = keys;
    }
    // Decisions alone can fill the journal too: compaction is judged on every flush.
    if (this.journalBytes >= this.compactBytes) this.compact(s);
  }

  stats(): StoreStats {
    return {
      bytes: this.snapBytes + this.journalBytes,
      written: this.counts.written,
      writeErrors: this.counts.writeErrors,
      compactions: this.counts.compactions,
      skippedRecords: this.recovery.skippedRecords,
      skippedBytes: this.recovery.skippedBytes,
    };
  }

  /** A clean stop folds everything into a fresh snapshot: the next start reads one file. */
  close(): void {
    if (this.closed) return;
    if (this.source) this.compact(this.source.snapshot({ windows: true }));
    this.closed = true;
    if (this.fd >= 0) this.fs.closeSync(this.fd);
    this.fd = -1;
    this.lock.release();
  }

  private persist(d: Decision): void {
    const s = this.state();
    if (s) this.append({ t: 'd', d, s }, true);
  }

  private state(): EngineSnapshot | null {
    return this.source?.snapshot() ?? null;
  }

  /** Write one record at the journal's end; false (and the store broken) when it fails. */
  private append(r: StoreRecord, sync: boolean): boolean {
    if (this.closed || this.broken) return false;
    const frame = encodeFrame(JSON.stringify(r));
    try {
      writeAll(this.fs, this.fd, frame, this.journalBytes);
      if (sync && this.sync) this.fs.fsyncSync(this.fd);
    } catch (e) {
      this.fail(e);
      return false;
    }
    this.journalBytes += frame.length;
    this.counts.written += frame.length;
    if (r.t !== 'meta' && r.t !== 'snap') this.lastKey = stateKey(r.s);
    this.o.onWritten?.(r, this.journalBytes);
    return true;
  }

  /**
   * A write failed (a full disk): the torn record is cut off and the epoch file deleted, which
   * needs no space, so that a restart before the store recovers starts a new epoch rather than
   * number decisions again that were published but not stored. Decisions go on being published.
   */
  private fail(e: unknown): void {
    this.counts.writeErrors++;
    this.broken = true;
    const error = (e as NodeJS.ErrnoException).code ?? String(e);
    this.out.error('state write failed', {
      dir: this.o.dir,
      error,
      fix: 'free space on that disk (or fix its permissions); the monitor retries every flush and keeps deciding meanwhile',
    });
    try {
      this.fs.ftruncateSync(this.fd, this.journalBytes);
    } catch {
      // the next base write replaces the journal anyway
    }
    this.fs.rmSync(join(this.o.dir, EPOCH_FILE), { force: true });
  }

  /** Broken: try to write everything afresh; the epoch is vouched for again once that worked. */
  private recover(): void {
    this.broken = false;
    if (this.compact(this.source!.snapshot({ windows: true })))
      this.out.info('state writes resumed', { dir: this.o.dir });
  }

  private compact(s: EngineSnapshot): boolean {
    try {
      this.writeBase(withoutWindows(s), s.windows ?? {});
    } catch (e) {
      this.fail(e);
      return false;
    }
    this.counts.compactions++;
    return true;
  }

  /** A new snapshot, then a new journal after it, then the epoch file: each written whole and renamed into place. */
  private writeBase(
    s: EngineSnapshot | null,
    windows: NonNullable<EngineSnapshot['windows']>,
  ): void {
    const { dir } = this.o;
    const gen = this.gen + 1;
    const { epoch, seq } = this.log;
    const w: StoredRings = {};
    const keys = new Map<string, Map<number, string>>();
    for (const id in windows) {
      this.bucketMs = windows[id].bucketMs;
      w[id] = toStored(windows[id]);
      keys.set(id, changedBuckets(undefined, w[id] as StoredBucket[]).keys);
    }
    const state = s && withoutWindows(s);
    const snap = encodeFrame(
      JSON.stringify({
        t: 'snap',
        v: FORMAT,
        epoch,
        gen,
        seq,
        decisions: this.log.retained(),
        s: state,
        bm: this.bucketMs,
        w,
      } satisfies StoreRecord),
    );
    const meta = encodeFrame(
      JSON.stringify({ t: 'meta', v: FORMAT, epoch, gen, seq, s: state } satisfies StoreRecord),
    );
    this.writeWhole(SNAPSHOT_FILE, snap);
    if (this.fd >= 0) this.fs.closeSync(this.fd);
    this.fd = -1;
    this.writeWhole(JOURNAL_FILE, meta);
    this.fd = this.fs.openSync(join(dir, JOURNAL_FILE), 'r+');
    this.writeWhole(EPOCH_FILE, Buffer.from(JSON.stringify({ epoch }) + '\n'));
    this.gen = gen;
    this.snapBytes = snap.length;
    this.journalBytes = meta.length;
    this.counts.written += snap.length + meta.length;
    this.lastBuckets = keys;
    if (state) this.lastKey = stateKey(state);
  }

  private writeWhole(file: string, data: Buffer): void {
    const path = join(this.o.dir, file);
    const tmp = `${path}.tmp`;
    const fd = this.fs.openSync(tmp, 'w');
    try {
      writeAll(this.fs, fd, data, 0);
      if (this.sync) this.fs.fsyncSync(fd);
    } finally {
      this.fs.closeSync(fd);
    }
    this.fs.renameSync(tmp, path);
    if (this.sync) {
      const d = this.fs.openSync(this.o.dir, 'r');
      try {
        this.fs.fsyncSync(d);
      } finally {
        this.fs.closeSync(d);
      }
    }
  }
}

function withoutWindows({ windows: _, ...state }: EngineSnapshot): EngineSnapshot {
  return state;
}

function writeAll(fs: StoreFs, fd: number, data: Buffer, position: number): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off, position + off);
}

function unwritable(dir: string, e: unknown): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (!code) return e;
  return new StoreError(
    'state_dir_unwritable',
    dir,
    `cannot keep state in ${dir} (${code}): give the monitor a directory it can write ` +
      `(--state-dir DIR or state.dir in the config), free space there, or run with --state memory to keep nothing`,
  );
}
