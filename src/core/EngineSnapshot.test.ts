import { describe, expect, it } from 'vitest';
import { demoEngine } from '../../test/support/demoEngine.ts';
import { type Lane, run } from '../../test/support/stream.ts';
import type { Decision } from './decision.ts';
import type { EngineSnapshot } from './EngineSnapshot.ts';
import { seededRandom } from './random.ts';

const WECHAT = 0;
const ALIPAY = 1;
const BANK_A = 3;
const HEALTHY = { error: 0.005, decline: 0.03, risk: 0.005 };
const lanes = (wechatError: number): Lane[] => [
  { channel: WECHAT, ratePerSec: 40, mix: { ...HEALTHY, error: wechatError } },
  { channel: ALIPAY, ratePerSec: 30, mix: HEALTHY },
  { channel: BANK_A, ratePerSec: 5, mix: { ...HEALTHY, timeout: 0.02 } },
  { channel: WECHAT, ratePerSec: 0.5, mix: { error: wechatError }, source: 'probe' },
];
const roundTrip = (s: EngineSnapshot): EngineSnapshot => JSON.parse(JSON.stringify(s));
const withoutSeq = (ds: Decision[]) => ds.map(({ seq: _, ...d }) => d);
/** A snapshot without its clock reading, for comparing two engines' states. */
const state = (s: EngineSnapshot) => ({ ...s, at: 0 });

describe('Engine snapshot and restore', () => {
  it('a restored engine goes on exactly as the original would have, decision for decision', () => {
    for (const seed of [1, 2, 3]) {
      const a = demoEngine();
      const rng = seededRandom(seed);
      run(a.engine, a.clock, rng, lanes(0.005), 90_000);
      a.engine.setOverride('bank_b', { state: 'down', until: a.clock.now() + 60_000, reason: 'x' });
      a.engine.addMaintenance({
        channel: 'alipay',
        from: a.clock.now() + 200_000,
        to: a.clock.now() + 260_000,
      });
      run(a.engine, a.clock, rng, lanes(0.35), 30_000);
      expect(a.decisions.some((d) => d.channel === 'wechat' && d.to === 'down')).toBe(true);

      const snap = roundTrip(a.engine.snapshot({ windows: true }));
      const b = demoEngine({}, a.clock.now());
      expect(b.engine.restore(snap)).toEqual({ unknownChannels: [], unknownPools: [] });
      expect(state(b.engine.snapshot({ windows: true }))).toEqual(state(snap));
      expect(b.engine.channels()).toEqual(a.engine.channels());
      expect(b.engine.pools()).toEqual(a.engine.pools());
      expect(b.engine.maintenance()).toEqual(a.engine.maintenance());

      // The same traffic after the restart: the same decisions, in the same order.
      const seen = a.decisions.length;
      for (const e of [a, b])
        run(e.engine, e.clock, seededRandom(seed + 10), lanes(0.005), 300_000);
      expect(withoutSeq(b.decisions)).toEqual(withoutSeq(a.decisions.slice(seen)));
      expect(b.decisions.length).toBeGreaterThan(3);
      expect(state(b.engine.snapshot({ windows: true }))).toEqual(
        state(a.engine.snapshot({ windows: true })),
      );
    }
  });

  it('applies the time that passed while it was not running on the first tick', () => {
    const a = demoEngine();
    run(a.engine, a.clock, seededRandom(4), lanes(0.4), 20_000);
    const down = a.engine.channelView('wechat');
    expect(down.state).toBe('down');
    a.engine.setOverride('alipay', { state: 'down', until: a.clock.now() + 30_000, reason: 'x' });
    const snap = roundTrip(a.engine.snapshot({ windows: true }));

    const b = demoEngine({}, down.until! + 60_000);
    b.engine.restore(snap);
    expect(b.engine.channelView('wechat')).toMatchObject({ state: 'down', until: down.until });
    b.engine.tick();
    expect(b.engine.channelView('wechat').state).toBe('probing');
    expect(b.engine.channelView('alipay').state).toBe('probing');
    expect(b.decisions.map((d) => [d.channel, d.reason])).toEqual([
      ['wechat', 'ejection_elapsed'],
      ['alipay', 'manual_expired'],
    ]);
  });

  it('reports channels the configuration no longer has, and keeps new ones fresh', () => {
    const a = demoEngine();
    const snap = roundTrip(a.engine.snapshot());
    snap.channels[0].id = 'gone';
    snap.channels[0].state = { state: 'degraded', since: 1, reason: 'latency' };
    const b = demoEngine();
    expect(b.engine.restore(snap).unknownChannels).toEqual(['gone']);
    expect(b.engine.channelView('wechat').state).toBe('healthy');
  });
});
