import { describe, expect, it } from 'vitest';
import { demoEngine } from '../../test/support/demoEngine.ts';
import { drawClass, type Mix, run } from '../../test/support/stream.ts';
import type { Engine } from './Engine.ts';
import { RECORDED_CLASSES, SUCCESS, TIMEOUT } from './outcome.ts';
import { type Random, seededRandom } from './random.ts';
import type { ManualClock } from './clock.ts';

const HEALTHY: Mix = { error: 0.005, decline: 0.03, risk: 0.005 };
const WECHAT = 0;
const BANK_A = 3;

/**
 * Orders routed by the pool's current weights, as a gateway following the monitor would: a
 * degraded channel gets only its share, so its exit is judged on the traffic it really has.
 */
function routed(
  engine: Engine,
  clock: ManualClock,
  rng: Random,
  pool: string,
  ratePerSec: number,
  mixOf: (channel: string) => Mix,
  durationMs: number,
  probes: { everyMs: number; ok: (channel: string) => boolean } | null = null,
) {
  const end = clock.now() + durationMs;
  let nextTick = clock.now() + 100;
  let nextOrder = clock.now() + (-Math.log(1 - rng()) * 1000) / ratePerSec;
  let nextProbe = probes ? clock.now() + probes.everyMs : Infinity;
  for (;;) {
    const t = Math.min(nextTick, nextOrder, nextProbe);
    if (t > end) break;
    clock.set(t);
    const p = engine.pools().find((x) => x.id === pool)!;
    if (t === nextTick) {
      engine.tick();
      nextTick += 100;
    } else if (t === nextProbe) {
      for (const id of p.channels) {
        const ok = probes!.ok(id);
        engine.record({
          channel: id,
          outcome: ok ? 'success' : 'error',
          latencyMs: 80,
          at: t,
          source: 'probe',
        });
      }
      nextProbe += probes!.everyMs;
    } else {
      let u = rng();
      let channel = p.channels[0];
      for (const id of p.channels)
        if ((u -= p.weights[id]) < 0) {
          channel = id;
          break;
        }
      const cls = RECORDED_CLASSES[drawClass(rng, mixOf(channel))];
      engine.record({ channel, outcome: cls as 'success', latencyMs: 120, at: t });
      nextOrder += (-Math.log(1 - rng()) * 1000) / ratePerSec;
    }
  }
}

const changesOf = (decisions: { channel: string; from: string; to: string }[], ch: string) =>
  decisions.filter((d) => d.channel === ch && d.from !== d.to);

describe('the way back', () => {
  it('leaves degraded only on evidence: a risk storm gives at most 2 transitions, then one clean exit', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { engine, clock, decisions } = demoEngine();
      const rng = seededRandom(seed);
      const calm = () => HEALTHY;
      routed(engine, clock, rng, 'qr', 40, calm, 120_000);
      expect(decisions).toEqual([]);
      const storm = (ch: string) => (ch === 'wechat' ? { ...HEALTHY, risk: 0.28 } : HEALTHY);
      routed(engine, clock, rng, 'qr', 40, storm, 300_000);
      const during = changesOf(decisions, 'wechat');
      expect(during.length).toBeGreaterThanOrEqual(1);
      expect(during.length).toBeLessThanOrEqual(2);
      const stormEnd = clock.now();
      routed(engine, clock, rng, 'qr', 40, calm, 300_000);
      const back = changesOf(decisions, 'wechat').filter((d) => d.to === 'healthy');
      expect(back).toHaveLength(1);
      const healthyAt = decisions.find((d) => d.channel === 'wechat' && d.to === 'healthy')!.at;
      expect(healthyAt - stormEnd).toBeLessThanOrEqual(120_000);
      expect(engine.channelView('wechat').state).toBe('healthy');
    }
  });

  it('never takes silence as clear: a degraded channel with no traffic stays degraded', () => {
    const { engine, clock, decisions } = demoEngine();
    run(
      engine,
      clock,
      seededRandom(3),
      [{ channel: WECHAT, ratePerSec: 100, mix: { ...HEALTHY, error: 0.12 } }],
      60_000,
      () => decisions.length > 0,
    );
    expect(decisions[0]).toMatchObject({ channel: 'wechat', to: 'degraded' });
    clock.advance(1);
    for (let i = 0; i < 6000; i++) {
      clock.advance(100);
      engine.tick();
    }
    expect(engine.channelView('wechat').state).toBe('degraded');
  });

  it('ends an ejection early on consistent probe successes, and holds it while probes fail', () => {
    const eject = () => {
      const e = demoEngine();
      run(
        e.engine,
        e.clock,
        seededRandom(9),
        [{ channel: WECHAT, ratePerSec: 200, mix: { error: 0.9 } }],
        5_000,
        () => e.decisions.some((d) => d.to === 'down'),
      );
      return e;
    };
    const good = eject();
    const downAt = good.clock.now();
    for (let i = 0; i < 3; i++) {
      good.clock.advance(1000);
      good.engine.record({
        channel: 'wechat',
        outcome: 'success',
        latencyMs: 50,
        at: good.clock.now(),
        source: 'probe',
      });
    }
    const out = good.decisions.find((d) => d.reason === 'probes_recovered')!;
    expect(out).toMatchObject({ channel: 'wechat', from: 'down', to: 'probing' });
    expect(out.at - downAt).toBeLessThanOrEqual(3_000);

    const bad = eject();
    for (let i = 0; i < 60; i++) {
      bad.clock.advance(1000);
      bad.engine.record({
        channel: 'wechat',
        outcome: 'error',
        latencyMs: 50,
        at: bad.clock.now(),
        source: 'probe',
      });
      bad.engine.tick();
    }
    expect(bad.engine.channelView('wechat').state).toBe('down');
  });

  it('judges a store failing alone as local before any channel rule: 40 % of the traffic, no switch', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { engine, clock, decisions } = demoEngine({ detectors: { timeouts: { warmupMs: 0 } } });
      const rng = seededRandom(seed);
      for (let t = 0; t < 300_000; t += 250) {
        clock.advance(250);
        engine.tick();
        if (rng() > 0.75) continue; // about 3 orders a second: a quiet channel, k-of-n applies
        const store = rng() < 0.4 ? 's-0' : `s-${1 + Math.floor(rng() * 4)}`;
        const failed = store === 's-0' && t > 60_000;
        engine.record({
          channel: 'alipay',
          outcome: failed ? 'timeout' : 'success',
          latencyMs: failed ? 3000 : 150,
          at: clock.now(),
          store,
        });
      }
      expect(decisions).toEqual([]);
    }
    // The same timeouts spread over every store are the channel's: down.
    const { engine, clock, decisions } = demoEngine({ detectors: { timeouts: { warmupMs: 0 } } });
    for (let i = 0; i < 40 && decisions.length === 0; i++) {
      clock.advance(300);
      engine.record({
        channel: 'alipay',
        outcome: i < 20 ? 'success' : 'timeout',
        latencyMs: 3000,
        at: clock.now(),
        store: `s-${i % 5}`,
      });
    }
    expect(decisions[0]).toMatchObject({ channel: 'alipay', to: 'down', reason: 'timeouts' });
  });

  it('gives no false degrade in 24 h of a healthy channel whose p99 is 2.2 s', () => {
    const { engine, clock, decisions } = demoEngine();
    const rng = seededRandom(24);
    // Lognormal around 600 ms with sigma 0.56: p99 ≈ 2.2 s, a long but normal tail.
    const latency = (r: Random) =>
      600 * Math.exp(0.56 * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
    run(
      engine,
      clock,
      rng,
      [{ channel: BANK_A, ratePerSec: 8, mix: HEALTHY, latencyMs: latency }],
      24 * 3600_000,
    );
    expect(decisions.filter((d) => d.channel === 'bank_a')).toEqual([]);
  }, 120_000);

  it('flags a p95 grown 8x against its own normal, under the absolute bound', () => {
    const { engine, clock, decisions } = demoEngine();
    const rng = seededRandom(8);
    const around = (ms: number) => (r: Random) => ms * (0.5 + r());
    run(
      engine,
      clock,
      rng,
      [{ channel: BANK_A, ratePerSec: 20, mix: HEALTHY, latencyMs: around(200) }],
      600_000,
    );
    expect(decisions).toEqual([]);
    run(
      engine,
      clock,
      rng,
      [{ channel: BANK_A, ratePerSec: 20, mix: HEALTHY, latencyMs: around(1900) }],
      60_000,
      () => decisions.length > 0,
    );
    expect(decisions[0]).toMatchObject({ channel: 'bank_a', to: 'degraded', reason: 'latency' });
    expect(Number(decisions[0].evidence.threshold)).toBeLessThan(3000);
  });

  it('does not eject a new channel on two healthy slow orders in a row (cold start)', () => {
    const { engine, clock, decisions } = demoEngine();
    const rng = seededRandom(5);
    run(engine, clock, rng, [{ channel: WECHAT, ratePerSec: 1, mix: HEALTHY }], 60_000);
    engine.recordRaw(WECHAT, TIMEOUT, 3000, clock.now());
    clock.advance(100);
    engine.recordRaw(WECHAT, TIMEOUT, 3000, clock.now());
    engine.recordRaw(WECHAT, SUCCESS, 200, clock.now());
    expect(decisions).toEqual([]);
  });
});
