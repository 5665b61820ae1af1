import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Lane, run } from '../../test/support/stream.ts';
import { ManualClock } from '../core/clock.ts';
import type { Decision } from '../core/decision.ts';
import type { EngineSnapshot } from '../core/EngineSnapshot.ts';
import { DEMO_CHANNELS, DEMO_POOLS, engineOptions } from '../core/options.ts';
import { seededRandom } from '../core/random.ts';
import { type DirLock, LOCK_FILE } from './DirLock.ts';
import { DiskStateStore, type DiskStateStoreOptions } from './DiskStateStore.ts';
import { engineOnStore } from './engineOnStore.ts';
import { EPOCH_FILE, JOURNAL_FILE, SNAPSHOT_FILE } from './records.ts';
import { StoreError } from './StoreError.ts';
import { nodeFs, type StoreFs } from './StoreFs.ts';

const START = 1_795_300_000_000;
const options = engineOptions({ channels: DEMO_CHANNELS, pools: DEMO_POOLS, decisionLog: 100 });
const HEALTHY = { error: 0.005, decline: 0.03, risk: 0.005 };
const lanes = (wechatError: number): Lane[] => [
  { channel: 0, ratePerSec: 30, mix: { ...HEALTHY, error: wechatError } },
  { channel: 1, ratePerSec: 20, mix: HEALTHY },
  { channel: 3, ratePerSec: 5, mix: HEALTHY },
  { channel: 0, ratePerSec: 0.5, mix: { error: wechatError }, source: 'probe' },
];
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(join(tmpdir(), 'sy-disk-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function start(dir: string, clock: ManualClock, extra: Partial<DiskStateStoreOptions> = {}) {
  const store = DiskStateStore.open({ dir, retain: 100, clock, ...extra });
  return { store, ...engineOnStore(options, { clock, store }) };
}

/** The state to compare: without the clock reading and the windows. */
const state = ({ at: _, windows: __, ...s }: EngineSnapshot) => s;

/** What a kill -9 leaves: the files as they are; the lock of the dead process is let go here. */
const crash = (store: DiskStateStore) => (store as unknown as { lock: DirLock }).lock.release();

type Kept = { end: number; state: EngineSnapshot; seq: number; decisions: Decision[] };

/**
 * Traffic with faults, a booking and an override, flushing every second like the monitor; `kept`
 * gets what each record left, by the journal's size once it was durable.
 */
function history(dir: string, seconds: number, extra: Partial<DiskStateStoreOptions> = {}) {
  const clock = new ManualClock(START);
  const kept: Kept[] = [];
  let windows: EngineSnapshot['windows'] = {};
  let engine: ReturnType<typeof start>['engine'] | null = null;
  const published: Decision[] = [];
  const keep = (end: number, pending?: Decision) => {
    const decisions = pending ? [...published, pending] : [...published];
    const seq = decisions.at(-1)?.seq ?? 0;
    kept.push({
      end,
      state: { ...engine!.snapshot(), windows },
      seq,
      decisions: decisions.slice(-100),
    });
  };
  const m = start(dir, clock, {
    ...extra,
    onWritten: (r, end) => {
      if (!engine) return;
      if (r.t === 'w') windows = engine.snapshot({ windows: true }).windows;
      keep(end, r.t === 'd' ? r.d : undefined);
    },
  });
  engine = m.engine;
  engine.onDecision((d) => published.push(d));
  keep(fs.statSync(join(dir, JOURNAL_FILE)).size);
  const rng = seededRandom(7);
  for (let s = 0; s < seconds; s++) {
    run(m.engine, clock, rng, lanes(s % 60 > 40 ? 0.4 : 0.005), 1000);
    if (s === 5)
      m.engine.addMaintenance({
        channel: 'alipay',
        from: clock.now() + 20_000,
        to: clock.now() + 35_000,
      });
    if (s === 8)
      m.engine.setOverride('bank_b', { state: 'down', until: clock.now() + 30_000, reason: 'x' });
    m.store.flush();
  }
  return { ...m, clock, kept };
}

function copyCut(from: string, to: string, cut: number) {
  for (const f of [SNAPSHOT_FILE, EPOCH_FILE]) fs.copyFileSync(join(from, f), join(to, f));
  const journal = fs.readFileSync(join(from, JOURNAL_FILE));
  fs.writeFileSync(join(to, JOURNAL_FILE), journal.subarray(0, cut));
}

describe('DiskStateStore: damage is survived', () => {
  const dir = tmp();
  const h = history(dir, 120, { compactBytes: Infinity });
  crash(h.store);
  const headerEnd = h.kept[0].end;
  const size = fs.statSync(join(dir, JOURNAL_FILE)).size;

  it('a journal cut at any byte starts with every intact record: the state after the last complete one', () => {
    expect(h.kept.filter((k) => k.decisions.length > 0).length).toBeGreaterThan(4);
    fc.assert(
      fc.property(fc.integer({ min: headerEnd, max: size }), (cut) => {
        const copy = tmp();
        copyCut(dir, copy, cut);
        const want = h.kept.filter((k) => k.end <= cut).at(-1)!;
        // Opened at the time of that record, so that the windows compare bucket for bucket.
        const b = start(copy, new ManualClock(want.state.at));
        try {
          expect(b.store.recovery.newEpoch).toBeNull();
          expect(b.store.recovery.skippedRecords).toBe(cut === want.end ? 0 : 1);
          expect(b.engine.epoch).toBe(h.engine.epoch);
          expect(b.engine.seq).toBe(want.seq);
          expect(b.engine.decisions()).toEqual(want.decisions);
          const got = b.engine.snapshot({ windows: true });
          expect(state(got)).toEqual(state(want.state));
          const head = Math.floor(want.state.at / 250) - 240;
          for (const id in got.windows)
            expect(got.windows[id].buckets).toEqual(
              (want.state.windows?.[id]?.buckets ?? []).filter((x) => x.index > head),
            );
        } finally {
          b.store.close();
          fs.rmSync(copy, { recursive: true, force: true });
        }
      }),
      { numRuns: 80, seed: 12 },
    );
  });
});

describe('DiskStateStore: damage inside the history', () => {
  it('a record flipped mid-journal: every other record read, the damage counted and set aside, a new epoch', () => {
    const dir = tmp();
    const h = history(dir, 60, { compactBytes: Infinity });
    crash(h.store);
    const path = join(dir, JOURNAL_FILE);
    const journal = fs.readFileSync(path);
    const mid = h.kept[Math.floor(h.kept.length / 2)].end + 20;
    journal[mid] ^= 0xff;
    fs.writeFileSync(path, journal);
    const b = start(dir, new ManualClock(h.clock.now()));
    expect(b.store.recovery).toMatchObject({ skippedRecords: 1, newEpoch: 'unvouched' });
    expect(b.store.recovery.notes.join('\n')).toMatch(/damaged between intact records/);
    expect(b.engine.epoch).not.toBe(h.engine.epoch);
    // The last record is intact: the state is the one the monitor had.
    expect(state(b.engine.snapshot())).toEqual(state(h.kept.at(-1)!.state));
    expect(fs.existsSync(`${path}.damaged`)).toBe(true);
    expect(b.store.stats().skippedRecords).toBe(1);
    b.store.close();
    // Set aside and rewritten: the next start finds nothing wrong.
    const c = start(dir, new ManualClock(h.clock.now()));
    expect(c.store.recovery).toMatchObject({ skippedRecords: 0, newEpoch: null });
    expect(c.engine.epoch).toBe(b.engine.epoch);
    c.store.close();
  });

  it('foreign bytes for a journal or a snapshot, and a foreign file beside them, never crash a start', () => {
    const dir = tmp();
    const h = history(dir, 30);
    h.store.close();
    const want = state(h.engine.snapshot());
    fs.writeFileSync(join(dir, 'notes.txt'), 'not ours');
    fs.writeFileSync(join(dir, JOURNAL_FILE), Buffer.from('{"hello": "world"}\n'.repeat(100)));
    const b = start(dir, new ManualClock(h.clock.now()));
    expect(b.store.recovery.newEpoch).toBe('unvouched');
    expect(b.store.recovery.skippedRecords).toBe(1);
    // Close wrote the last state into the snapshot: nothing of it is lost.
    expect(state(b.engine.snapshot())).toEqual(want);
    b.store.close();

    fs.writeFileSync(join(dir, SNAPSHOT_FILE), Buffer.alloc(5000, 7));
    const c = start(dir, new ManualClock(h.clock.now()));
    expect(c.store.recovery.skippedRecords).toBe(1);
    // The journal's header carries the state too.
    expect(state(c.engine.snapshot())).toEqual(want);
    c.store.close();

    for (const f of [SNAPSHOT_FILE, JOURNAL_FILE]) fs.writeFileSync(join(dir, f), '');
    const d = start(dir, new ManualClock(h.clock.now()));
    expect(d.store.restored).toBeNull();
    expect(d.engine.channelView('wechat').state).toBe('healthy');
    d.store.close();
  });
});

describe('DiskStateStore: the directory', () => {
  it('a second store on one directory is refused, naming the owner, the lock and the fix', () => {
    const dir = tmp();
    const a = start(dir, new ManualClock(START));
    const e = (() => {
      try {
        start(dir, new ManualClock(START));
      } catch (err) {
        return err;
      }
    })() as StoreError;
    expect(e).toBeInstanceOf(StoreError);
    expect(e.code).toBe('state_locked');
    expect(e.message).toContain(`pid ${process.pid}`);
    expect(e.message).toContain(join(dir, LOCK_FILE));
    expect(e.message).toMatch(/another --state-dir/);
    a.store.close();
    expect(fs.existsSync(join(dir, LOCK_FILE))).toBe(false);
    start(dir, new ManualClock(START)).store.close();
  });

  it('takes over the lock of a process that is gone', () => {
    const dir = tmp();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: dead,
        host: (require('node:os') as typeof import('node:os')).hostname(),
        startedAt: 1,
      }),
    );
    const a = start(dir, new ManualClock(START));
    expect(JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    a.store.close();
  });

  it('a directory that cannot be written is a StoreError naming the path and the fix', () => {
    const file = join(tmp(), 'a-file');
    fs.writeFileSync(file, '');
    const dir = join(file, 'state');
    expect(() => start(dir, new ManualClock(START))).toThrow(
      expect.objectContaining({
        code: 'state_dir_unwritable',
        path: dir,
        message: expect.stringMatching(
          /cannot keep state in .*a-file\/state \(ENOTDIR\).*--state-dir.*--state memory/,
        ),
      }),
    );
  });
});

describe('DiskStateStore: a full disk', () => {
  const full = { on: false };
  const fullFs: StoreFs = {
    ...nodeFs,
    writeSync: ((...args: Parameters<typeof fs.writeSync>) => {
      if (full.on)
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return (nodeFs.writeSync as (...a: typeof args) => number)(...args);
    }) as StoreFs['writeSync'],
  };

  it('keeps deciding, stops vouching for the epoch; a restart keeps the state and starts a new epoch', () => {
    const dir = tmp();
    full.on = false;
    const h = history(dir, 20, { fs: fullFs });
    const durable = state(h.engine.snapshot());
    const heard: number[] = [];
    h.engine.onDecision((d) => heard.push(d.seq));
    full.on = true;
    h.engine.setOverride('wechat', { state: 'down', until: h.clock.now() + 600_000, reason: 'x' });
    h.store.flush();
    expect(heard).toEqual([h.engine.seq]);
    expect(h.store.stats().writeErrors).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(join(dir, EPOCH_FILE))).toBe(false);
    crash(h.store);
    full.on = false;
    const b = start(dir, new ManualClock(h.clock.now()));
    expect(b.store.recovery.newEpoch).toBe('unvouched');
    expect(b.engine.epoch).not.toBe(h.engine.epoch);
    expect(b.engine.seq).toBe(0);
    expect(state(b.engine.snapshot())).toEqual(durable);
    b.store.close();
  });

  it('once writes work again, the next flush stores everything and vouches for the epoch again', () => {
    const dir = tmp();
    full.on = false;
    const h = history(dir, 20, { fs: fullFs });
    full.on = true;
    h.engine.setOverride('wechat', { state: 'down', until: h.clock.now() + 600_000, reason: 'x' });
    h.engine.setOverride('alipay', {
      state: 'degraded',
      until: h.clock.now() + 600_000,
      reason: 'y',
    });
    h.store.flush();
    full.on = false;
    h.store.flush();
    // The first decision failed, the flush after it retried and failed, the next one got through.
    expect(h.store.stats()).toMatchObject({ writeErrors: 2, compactions: 1 });
    expect(fs.existsSync(join(dir, EPOCH_FILE))).toBe(true);
    const want = state(h.engine.snapshot());
    crash(h.store);
    const b = start(dir, new ManualClock(h.clock.now()));
    expect(b.store.recovery.newEpoch).toBeNull();
    expect(b.engine.epoch).toBe(h.engine.epoch);
    expect(b.engine.seq).toBe(h.engine.seq);
    expect(b.engine.decisions(h.engine.seq - 2)).toEqual(h.engine.decisions(h.engine.seq - 2));
    expect(state(b.engine.snapshot())).toEqual(want);
    b.store.close();
  });
});

describe('DiskStateStore: bounded disk', () => {
  const dirSize = (dir: string) =>
    fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(join(dir, f)).size, 0);

  it('compaction keeps the directory bounded: 15 minutes of traffic in under 100 KiB', () => {
    const dir = tmp();
    const compactBytes = 32 * 1024;
    const clock = new ManualClock(START);
    const m = start(dir, clock, { compactBytes, fsync: false });
    const rng = seededRandom(3);
    let most = 0;
    for (let s = 0; s < 900; s++) {
      run(m.engine, clock, rng, lanes(s % 300 > 250 ? 0.4 : 0.005), 1000);
      m.store.flush();
      most = Math.max(most, dirSize(dir));
    }
    const { written, compactions } = m.store.stats();
    const snap = fs.statSync(join(dir, SNAPSHOT_FILE)).size;
    expect(compactions).toBeGreaterThan(20);
    expect(written).toBeGreaterThan(20 * most);
    // A snapshot, a journal up to the limit, one record past it, the lock and the epoch.
    expect(most).toBeLessThan(2 * snap + compactBytes + 16 * 1024);
    expect(most).toBeLessThan(100 * 1024);
    const seq = m.engine.seq;
    crash(m.store);
    const b = start(dir, new ManualClock(clock.now()));
    expect(b.engine.seq).toBe(seq);
    expect(b.engine.channels()).toEqual(m.engine.channels());
    b.store.close();
  });

  it('decisions alone (no window changes) are compacted too', () => {
    const dir = tmp();
    const clock = new ManualClock(START);
    const m = start(dir, clock, { compactBytes: 64 * 1024, fsync: false });
    let most = 0;
    for (let i = 0; i < 600; i++) {
      clock.advance(100);
      m.engine.setOverride('bank_b', {
        state: i % 2 ? 'down' : 'degraded',
        until: clock.now() + 1e6,
        reason: `r${i}`,
      });
      if (i % 10 === 9) m.store.flush();
      most = Math.max(most, dirSize(dir));
    }
    expect(m.store.stats().compactions).toBeGreaterThan(5);
    expect(most).toBeLessThan(
      64 * 1024 + 2 * fs.statSync(join(dir, SNAPSHOT_FILE)).size + 48 * 1024,
    );
    m.store.close();
  });
});
