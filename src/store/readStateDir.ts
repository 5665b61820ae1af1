import { join } from 'node:path';
import type { Decision } from '../core/decision.ts';
import { type EngineSnapshot, SNAPSHOT_VERSION } from '../core/EngineSnapshot.ts';
import { readFrames } from './journalFrames.ts';
import { EPOCH_FILE, FORMAT, JOURNAL_FILE, SNAPSHOT_FILE, type StoreRecord } from './records.ts';
import type { Recovery } from './StateStore.ts';
import type { StoreFs } from './StoreFs.ts';
import { applyBuckets, type StoredWindows, toRingExport } from './windowBuckets.ts';

/** What a state directory holds, read back; nothing is written. */
export interface DirState {
  /** The epoch the directory vouches for; null when a new one must start (recovery.newEpoch). */
  epoch: string | null;
  gen: number;
  seq: number;
  /** The retained decisions, contiguous, oldest first. */
  decisions: Decision[];
  /** The last stored state, windows included; null when none could be read. */
  state: EngineSnapshot | null;
  windows: StoredWindows;
  bucketMs: number;
  recovery: Recovery;
  /** Which files held damage (kept aside before they are rewritten). */
  damaged: string[];
}

function readFile(fs: StoreFs, path: string): Buffer | null {
  try {
    return fs.readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function parse(payload: string): StoreRecord | null {
  try {
    const r = JSON.parse(payload) as StoreRecord;
    return r && typeof r === 'object' && typeof r.t === 'string' ? r : null;
  } catch {
    return null;
  }
}

/**
 * Reads the snapshot, then the journal written after it, skipping damage: the state is the last
 * intact record's, the windows the snapshot's with every intact flush put over them, the
 * decisions the longest unbroken run up to the newest. Never throws on content, only on I/O.
 */
export function readStateDir(fs: StoreFs, dir: string): DirState {
  const recovery: Recovery = {
    records: 0,
    skippedRecords: 0,
    skippedBytes: 0,
    newEpoch: null,
    notes: [],
  };
  const out: DirState = {
    epoch: null,
    gen: 0,
    seq: 0,
    decisions: [],
    state: null,
    windows: new Map(),
    bucketMs: 0,
    recovery,
    damaged: [],
  };
  const vouched = (() => {
    const b = readFile(fs, join(dir, EPOCH_FILE));
    try {
      const e = b && (JSON.parse(b.toString('utf8')) as { epoch?: unknown });
      return typeof e?.epoch === 'string' ? e.epoch : null;
    } catch {
      return null;
    }
  })();
  /** Why history may be missing although the files read: damage inside a file, a journal not ours. */
  const holes: string[] = [];
  const records = (file: string): StoreRecord[] => {
    const buf = readFile(fs, join(dir, file));
    if (!buf) return [];
    const frames = readFrames(buf);
    if (frames.inner > 0) holes.push(`${file} is damaged between intact records`);
    if (
      file === JOURNAL_FILE &&
      buf.length > 0 &&
      !frames.records[0]?.payload.startsWith('{"t":"meta"')
    )
      holes.push(`${file} does not start with its header: not ours, or overwritten`);
    const parsed = frames.records.map((r) => parse(r.payload));
    const bad = parsed.filter((r) => r === null).length;
    const skipped = frames.skipped + bad;
    if (skipped > 0) {
      recovery.skippedRecords += skipped;
      recovery.skippedBytes += frames.skippedBytes;
      out.damaged.push(file);
      recovery.notes.push(
        `${file}: skipped ${skipped} damaged stretch(es), ${frames.skippedBytes} bytes; kept ${frames.records.length - bad} intact record(s)`,
      );
    }
    const ok = parsed.filter((r): r is StoreRecord => r !== null);
    recovery.records += ok.length;
    return ok;
  };

  let epoch: string | null = null;
  let snapAt = -Infinity;
  let headed = false;
  const decisions = new Map<number, Decision>();
  const take = (s: EngineSnapshot | null) => {
    if (s) out.state = s;
  };
  const snap = records(SNAPSHOT_FILE).find((r) => r.t === 'snap');
  if (snap?.t === 'snap' && snap.v === FORMAT) {
    epoch = snap.epoch;
    out.gen = snap.gen;
    out.seq = snap.seq;
    for (const d of snap.decisions) decisions.set(d.seq, d);
    take(snap.s);
    snapAt = snap.s?.at ?? -Infinity;
    out.bucketMs = snap.bm;
    for (const id in snap.w) applyBuckets(out.windows, id, snap.bm, snap.w[id], snapAt);
  }
  let stale = false;
  for (const r of records(JOURNAL_FILE)) {
    if (r.t === 'meta') {
      stale = r.v !== FORMAT || (epoch !== null && (r.epoch !== epoch || r.gen < out.gen));
      if (stale) continue;
      headed = true;
      epoch ??= r.epoch;
      out.gen = r.gen;
      out.seq = Math.max(out.seq, r.seq);
      take(r.s);
      continue;
    }
    if (stale || r.t === 'snap') continue;
    // Without its journal's header a record counts only when it is newer than the snapshot.
    if (!headed && r.s.at < snapAt) continue;
    take(r.s);
    if (r.t === 'd') {
      decisions.set(r.d.seq, r.d);
      out.seq = Math.max(out.seq, r.d.seq);
    } else if (r.t === 'w') {
      out.bucketMs = r.bm;
      for (const id in r.w) applyBuckets(out.windows, id, r.bm, r.w[id], r.s.at);
    }
  }

  // The decisions from the newest back to the first gap: a replay must never skip one.
  const seqs = [...decisions.keys()].sort((a, b) => a - b);
  let from = seqs.length;
  while (from > 0 && seqs[from - 1] === (from === seqs.length ? out.seq : seqs[from] - 1)) from--;
  if (from > 0)
    recovery.notes.push(
      `decisions up to seq ${seqs[from - 1]} are not all readable: a client resuming from before seq ${seqs[from] ?? out.seq + 1} gets a fresh snapshot`,
    );
  out.decisions = seqs.slice(from).map((s) => decisions.get(s)!);

  if (out.state && out.state.version !== SNAPSHOT_VERSION) {
    recovery.notes.push(
      `state of version ${out.state.version} is not ${SNAPSHOT_VERSION}: not restored`,
    );
    out.state = null;
    out.windows.clear();
  }
  if (out.state) {
    const windows: NonNullable<EngineSnapshot['windows']> = {};
    for (const [id, held] of out.windows) windows[id] = toRingExport(held, out.bucketMs);
    out.state = { ...out.state, windows };
  }

  if (epoch === null) {
    recovery.newEpoch =
      recovery.records === 0 && recovery.skippedRecords === 0 ? 'empty' : 'unreadable';
  } else if (vouched !== epoch || holes.length) {
    recovery.newEpoch = 'unvouched';
    const why = holes.length
      ? holes.join('; ')
      : 'a write had failed, or the epoch file is missing';
    recovery.notes.push(
      `epoch ${epoch} is not vouched for (${why}): decisions may have been published that are not stored; a new epoch starts, with the state as far as it was read`,
    );
  }
  if (recovery.newEpoch === 'unreadable')
    recovery.notes.push('no intact history: a new epoch starts');
  if (recovery.newEpoch !== null) {
    out.seq = 0;
    out.decisions = [];
  } else out.epoch = epoch;
  return out;
}
