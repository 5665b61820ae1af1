import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import type { Decision } from '../core/decision.ts';
import { DEMO_CHANNELS, DEMO_POOLS, engineOptions } from '../core/options.ts';
import type { DirLock } from './DirLock.ts';
import { DiskStateStore } from './DiskStateStore.ts';
import { engineOnStore } from './engineOnStore.ts';
import { MemoryBacking, MemoryStateStore } from './MemoryStateStore.ts';
import { readStateDir } from './readStateDir.ts';
import type { StateStore } from './StateStore.ts';
import { nodeFs } from './StoreFs.ts';

const START = 1_795_300_000_000;
const RETAIN = 50;

/** Somewhere state outlives a store: open one, close it, open the next on the same place. */
interface Place {
  open(clock: ManualClock): StateStore;
  /** The newest decision that is durable now, read apart from the open store. */
  storedSeq(): number;
  /** Drop a store as a kill -9 would: nothing more is written, nothing closed. */
  crash(store: StateStore): void;
  cleanup(): void;
}

interface Impl {
  name: string;
  place(): Place;
}

const impls: Impl[] = [
  {
    name: 'memory',
    place() {
      const backing = new MemoryBacking();
      return {
        open: () => new MemoryStateStore({ retain: RETAIN, backing }),
        storedSeq: () => backing.seq,
        crash: (store) =>
          store.attach({
            snapshot: () => {
              throw new Error('crashed');
            },
          }),
        cleanup() {},
      };
    },
  },
  {
    name: 'disk',
    place() {
      const dir = mkdtempSync(join(tmpdir(), 'sy-store-'));
      return {
        open: (clock) => DiskStateStore.open({ dir, retain: RETAIN, clock }),
        storedSeq: () => readStateDir(nodeFs, dir).seq,
        // The lock of a dead process is stale; here the process lives on, so let go of it.
        crash: (store) => (store as unknown as { lock: DirLock }).lock.release(),
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

const options = engineOptions({ channels: DEMO_CHANNELS, pools: DEMO_POOLS, decisionLog: RETAIN });

/** Take wechat down with errors fed through the hot path, 200 ms apart. */
function failWechat(engine: ReturnType<typeof engineOnStore>['engine'], clock: ManualClock) {
  for (let i = 0; i < 200 && engine.channelView('wechat').state !== 'down'; i++) {
    clock.advance(50);
    engine.recordRaw(0, i % 3 === 0 ? 0 : 3, 100, clock.now());
    if (i % 2) engine.tick();
  }
  expect(engine.channelView('wechat').state).toBe('down');
}

for (const impl of impls) {
  describe(`StateStore contract: ${impl.name}`, () => {
    let place: Place;
    let open: StateStore[] = [];
    const start = (clock: ManualClock) => {
      const store = place.open(clock);
      open.push(store);
      return { store, ...engineOnStore(options, { clock, store }) };
    };
    afterEach(() => {
      for (const s of open) s.close();
      open = [];
      place?.cleanup();
    });

    it('a fresh store restores nothing and starts an epoch at seq 0', () => {
      place = impl.place();
      const { store, engine, report } = start(new ManualClock(START));
      expect(store.restored).toBeNull();
      expect(report).toBeNull();
      expect(store.recovery.newEpoch).toBe('empty');
      expect(engine.epoch).toMatch(/.{8,}/);
      expect(engine.seq).toBe(0);
      expect(engine.firstRetainedSeq).toBe(1);
    });

    it('stores a decision before any listener hears of it', () => {
      place = impl.place();
      const clock = new ManualClock(START);
      const { engine } = start(clock);
      const heard: Array<[number, number]> = [];
      engine.onDecision((d) => heard.push([d.seq, place.storedSeq()]));
      failWechat(engine, clock);
      engine.setOverride('alipay', { state: 'down', until: clock.now() + 60_000, reason: 'x' });
      expect(heard.length).toBeGreaterThanOrEqual(2);
      for (const [seq, stored] of heard) expect(stored).toBe(seq);
    });

    it('after a restart: the same epoch, seq goes on, every decision replays once', () => {
      place = impl.place();
      const clock = new ManualClock(START);
      const a = start(clock);
      failWechat(a.engine, clock);
      const before = a.engine.decisions()!;
      const { epoch, seq } = a.engine;
      a.store.close();

      const b = start(clock);
      expect(b.store.recovery.newEpoch).toBeNull();
      expect(b.engine.epoch).toBe(epoch);
      expect(b.engine.seq).toBe(seq);
      expect(b.engine.decisions()).toEqual(before);
      expect(b.engine.decisions(seq - 1)).toEqual(before.slice(-1));
      b.engine.setOverride('alipay', { state: 'down', until: clock.now() + 60_000, reason: 'x' });
      expect(b.engine.seq).toBe(seq + 1);
      expect(b.engine.decisions(seq)!.map((d) => d.seq)).toEqual([seq + 1]);
    });

    it('brings back each channel as the last decision left it, and the windows of the last flush', () => {
      place = impl.place();
      const clock = new ManualClock(START);
      const a = start(clock);
      for (let i = 0; i < 400; i++) {
        clock.advance(25);
        a.engine.recordRaw(1 + (i % 2), 0, 80 + (i % 7), clock.now());
      }
      failWechat(a.engine, clock);
      a.store.flush();
      const channels = a.engine.channels();
      const pools = a.engine.pools();
      const wechat = a.engine.channelView('wechat');
      // Killed here: no close, so nothing after the flush is written.
      open = open.filter((s) => s !== a.store);
      place.crash(a.store);
      a.engine.recordRaw(1, 0, 80, clock.now());

      const b = start(clock);
      expect(b.report).toEqual({ unknownChannels: [], unknownPools: [] });
      expect(b.engine.channels()).toEqual(channels);
      expect(b.engine.pools()).toEqual(pools);
      expect(b.engine.channelView('wechat')).toMatchObject({ state: 'down', until: wechat.until });
      expect(b.engine.channelView('alipay').windows['60s'].total).toBe(200);
    });

    it('keeps bookings as they are made and cancelled, and overrides with their end', () => {
      place = impl.place();
      const clock = new ManualClock(START);
      const a = start(clock);
      const m1 = a.engine.addMaintenance({
        channel: 'alipay',
        from: START + 3_600_000,
        to: START + 7_200_000,
      });
      const m2 = a.engine.addMaintenance({
        channel: 'bank_a',
        from: START + 3_600_000,
        to: START + 7_200_000,
      });
      a.engine.removeMaintenance(m1.id);
      a.engine.setOverride('unionpay', {
        state: 'degraded',
        until: START + 600_000,
        reason: 'vendor said so',
      });
      a.store.close();

      const b = start(clock);
      expect(b.engine.maintenance()).toEqual([m2]);
      expect(b.engine.channelView('unionpay')).toMatchObject({
        state: 'degraded',
        override: { state: 'degraded', until: START + 600_000, reason: 'vendor said so' },
      });
      // Ids are never handed out twice.
      expect(
        b.engine.addMaintenance({ channel: 'alipay', from: START + 1e7, to: START + 2e7 }).id,
      ).not.toBe(m1.id);
      // Time that passed while it was not running is applied by the first tick.
      b.store.close();
      clock.set(START + 600_000);
      const c = start(clock);
      c.engine.tick();
      expect(c.engine.channelView('unionpay').override).toBeUndefined();
      expect(c.engine.decisions(c.engine.seq - 1)![0]).toMatchObject({ reason: 'manual_expired' });
    });

    it('replays at most `retain` decisions after a restart; older resumes get null (a fresh snapshot)', () => {
      place = impl.place();
      const clock = new ManualClock(START);
      const a = start(clock);
      const all: Decision[] = [];
      a.engine.onDecision((d) => all.push(d));
      for (let i = 0; i < RETAIN + 20; i++) {
        clock.advance(1000);
        a.engine.setOverride('bank_b', {
          state: i % 2 ? 'down' : 'degraded',
          until: clock.now() + 1e6,
          reason: `r${i}`,
        });
      }
      a.store.close();
      const b = start(clock);
      expect(b.engine.seq).toBe(all.length);
      expect(b.engine.firstRetainedSeq).toBe(all.length - RETAIN + 1);
      expect(b.engine.decisions(all.length - RETAIN)).toEqual(all.slice(-RETAIN));
      expect(b.engine.decisions(all.length - RETAIN - 1)).toBeNull();
    });
  });
}
