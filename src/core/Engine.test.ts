import { describe, expect, it } from 'vitest';
import { demoEngine } from '../../test/support/demoEngine.ts';
import { run } from '../../test/support/stream.ts';
import type { Decision } from './decision.ts';
import { DECLINE, ERROR, MAINTENANCE, RISK_REJECT, SUCCESS, TIMEOUT } from './outcome.ts';
import { seededRandom } from './random.ts';
import { ManualClock } from './clock.ts';
import { Engine } from './Engine.ts';
import { DEMO_CHANNELS, DEMO_POOLS, engineOptions } from './options.ts';

const WECHAT = 0;
const ALIPAY = 1;
const UNIONPAY = 2;
const BANK_A = 3;
const BANK_B = 4;
const HEALTHY = { error: 0.005, decline: 0.03, risk: 0.005 };
/** A channel already watched long enough to trust its own timeout rate (cold start: wayBack.test.ts). */
const WARM = { detectors: { timeouts: { warmupMs: 0 } } };

/** Healthy noise for a while, then a change on one lane; returns ms from the change to the first decision on it. */
function detectionMs(
  seed: number,
  rate: number,
  before: object,
  after: object,
  extra: Parameters<typeof run>[3] = [],
) {
  const { engine, clock, decisions } = demoEngine();
  const rng = seededRandom(seed);
  run(engine, clock, rng, [{ channel: WECHAT, ratePerSec: rate, mix: before }, ...extra], 60_000);
  expect(decisions).toEqual([]);
  const onset = clock.now();
  run(
    engine,
    clock,
    rng,
    [{ channel: WECHAT, ratePerSec: rate, mix: after }, ...extra],
    60_000,
    () => decisions.length > 0,
  );
  return { ms: decisions.length ? decisions[0].at - onset : Infinity, decision: decisions[0] };
}

describe('Engine detection', () => {
  it('moves a 500/s channel at 30% errors within 200 ms, and has it down soon after', () => {
    for (const seed of [1, 2, 3]) {
      const { engine, clock, decisions } = demoEngine();
      const rng = seededRandom(seed);
      run(engine, clock, rng, [{ channel: WECHAT, ratePerSec: 500, mix: HEALTHY }], 60_000);
      const onset = clock.now();
      run(
        engine,
        clock,
        rng,
        [{ channel: WECHAT, ratePerSec: 500, mix: { ...HEALTHY, error: 0.3 } }],
        5_000,
        () => decisions.some((d) => d.to === 'down'),
      );
      expect(decisions[0].at - onset).toBeLessThanOrEqual(200);
      expect(decisions[0].reason).toBe('error_rate');
      const down = decisions.find((d) => d.to === 'down')!;
      expect(down.reason).toBe('error_rate');
      expect(down.at - onset).toBeLessThanOrEqual(500);
    }
  });

  it('notices 0.5% → 5% errors at 500/s within 2 s, and degrades rather than ejects', () => {
    for (const seed of [4, 5, 6]) {
      const { ms, decision } = detectionMs(seed, 500, HEALTHY, { ...HEALTHY, error: 0.05 });
      expect(ms).toBeLessThanOrEqual(2000);
      expect(decision.to).toBe('degraded');
      expect(decision.evidence).toMatchObject({ window: '10s', threshold: 0.05 });
      expect(Number(decision.evidence.recentFailures)).toBeGreaterThan(0);
    }
  });

  it('judges a 2/s channel with 1 probe/s at 50% errors within 15 s', () => {
    for (const seed of [7, 8, 9]) {
      const probe = {
        channel: WECHAT,
        ratePerSec: 1,
        mix: { error: 0.5 },
        source: 'probe' as const,
      };
      const { engine, clock, decisions } = demoEngine();
      const rng = seededRandom(seed);
      run(
        engine,
        clock,
        rng,
        [
          { channel: WECHAT, ratePerSec: 2, mix: HEALTHY },
          { ...probe, mix: { error: 0.005 } },
        ],
        60_000,
      );
      const onset = clock.now();
      run(
        engine,
        clock,
        rng,
        [{ channel: WECHAT, ratePerSec: 2, mix: { error: 0.5 } }, probe],
        60_000,
        () => decisions.length > 0,
      );
      expect(decisions[0].at - onset).toBeLessThanOrEqual(15_000);
    }
  });

  it('takes a channel down on its first maintenance code', () => {
    const { engine, clock, decisions } = demoEngine();
    run(
      engine,
      clock,
      seededRandom(1),
      [{ channel: WECHAT, ratePerSec: 100, mix: HEALTHY }],
      20_000,
    );
    engine.record({
      channel: 'wechat',
      outcome: 'maintenance',
      code: 'SERVICE_UNAVAILABLE',
      latencyMs: 30,
      at: clock.now(),
      source: 'live',
    });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      to: 'down',
      reason: 'maintenance_code',
      evidence: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it('takes a quiet channel down on the 2nd timeout of 3, but not a busy one on two stray timeouts', () => {
    const quiet = demoEngine(WARM);
    const at = () => quiet.clock.now();
    quiet.engine.recordRaw(WECHAT, SUCCESS, 100, at());
    quiet.clock.advance(500);
    quiet.engine.recordRaw(WECHAT, TIMEOUT, 3000, at());
    quiet.clock.advance(500);
    expect(quiet.decisions).toHaveLength(0);
    quiet.engine.recordRaw(WECHAT, TIMEOUT, 3000, at());
    expect(quiet.decisions[0]).toMatchObject({
      to: 'down',
      reason: 'timeouts',
      evidence: { k: 2, n: 3, timeouts: 2 },
    });

    const busy = demoEngine();
    run(
      busy.engine,
      busy.clock,
      seededRandom(2),
      [{ channel: WECHAT, ratePerSec: 500, mix: HEALTHY }],
      20_000,
    );
    busy.engine.recordRaw(WECHAT, TIMEOUT, 3000, busy.clock.now());
    busy.engine.recordRaw(WECHAT, TIMEOUT, 3000, busy.clock.now());
    expect(busy.decisions).toHaveLength(0);
  });

  it('takes 2 of 3 probe timeouts as down, unless live payments succeeded in between', () => {
    const probes = (
      engine: ReturnType<typeof demoEngine>['engine'],
      clock: ReturnType<typeof demoEngine>['clock'],
      liveBetween: boolean,
    ) => {
      engine.recordRaw(BANK_B, SUCCESS, 100, clock.now(), true);
      clock.advance(5000);
      engine.recordRaw(BANK_B, TIMEOUT, 3000, clock.now(), true);
      clock.advance(2500);
      if (liveBetween) engine.recordRaw(BANK_B, SUCCESS, 400, clock.now());
      clock.advance(2500);
      engine.recordRaw(BANK_B, TIMEOUT, 3000, clock.now(), true);
    };
    const quiet = demoEngine(WARM);
    probes(quiet.engine, quiet.clock, false);
    expect(quiet.decisions[0]).toMatchObject({
      channel: 'bank_b',
      to: 'down',
      reason: 'timeouts',
      evidence: { source: 'probe' },
    });
    const busy = demoEngine();
    probes(busy.engine, busy.clock, true);
    expect(busy.decisions).toEqual([]);
  });

  it('raises k of n for a quiet channel whose own tail times out now and then', () => {
    const { engine, clock, decisions } = demoEngine();
    const rng = seededRandom(11);
    // Half an hour at 1 outcome/s with 0.5 % timeouts: the channel's own baseline.
    run(
      engine,
      clock,
      rng,
      [{ channel: BANK_B, ratePerSec: 1, mix: { timeout: 0.005 } }],
      1_800_000,
    );
    expect(decisions).toEqual([]);
    const timeout = () => engine.recordRaw(BANK_B, TIMEOUT, 3000, clock.now());
    clock.advance(1000);
    timeout();
    clock.advance(1000);
    timeout();
    expect(decisions).toEqual([]);
    clock.advance(1000);
    timeout();
    expect(decisions[0]).toMatchObject({
      channel: 'bank_b',
      reason: 'timeouts',
      evidence: { k: 3, n: 4, timeouts: 3 },
    });
    expect(Number(decisions[0].evidence.baselineTimeoutRate)).toBeGreaterThan(0.002);
  });

  it('does not count a retry of the same order as a second timeout', () => {
    const { engine, clock, decisions } = demoEngine(WARM);
    const timeout = (orderId: string) =>
      engine.record({
        channel: 'alipay',
        outcome: 'timeout',
        latencyMs: 3000,
        at: clock.now(),
        source: 'live',
        orderId,
      });
    engine.record({
      channel: 'alipay',
      outcome: 'success',
      latencyMs: 100,
      at: clock.now(),
      source: 'live',
      orderId: 'o-1',
    });
    clock.advance(3000);
    timeout('o-2');
    clock.advance(3000);
    timeout('o-2');
    expect(decisions).toEqual([]);
    clock.advance(500);
    timeout('o-3');
    expect(decisions[0]).toMatchObject({ channel: 'alipay', to: 'down', reason: 'timeouts' });
  });

  it('switches on a storm of "system busy" codes but not on stray ones in healthy noise', () => {
    const { engine, clock, decisions } = demoEngine();
    const rng = seededRandom(3);
    const busy = () =>
      engine.record({
        channel: 'wechat',
        outcome: 'error',
        code: 'SYSTEMERROR',
        latencyMs: 50,
        at: clock.now(),
        source: 'live',
      });
    for (let s = 0; s < 30; s++) {
      run(engine, clock, rng, [{ channel: WECHAT, ratePerSec: 100, mix: HEALTHY }], 10_000);
      busy();
    }
    expect(decisions).toEqual([]);
    const onset = clock.now();
    for (let i = 0; i < 10 && decisions.length === 0; i++) {
      run(engine, clock, rng, [{ channel: WECHAT, ratePerSec: 100, mix: HEALTHY }], 100);
      busy();
    }
    expect(decisions[0]).toMatchObject({
      to: 'down',
      reason: 'instant_code',
      evidence: { code: 'SYSTEMERROR' },
    });
    expect(Number(decisions[0].evidence.count)).toBeGreaterThanOrEqual(5);
    expect(decisions[0].at - onset).toBeLessThanOrEqual(500);
  });

  it('never counts business declines against a channel', () => {
    const { engine, clock, decisions } = demoEngine();
    run(
      engine,
      clock,
      seededRandom(4),
      [{ channel: WECHAT, ratePerSec: 500, mix: { ...HEALTHY, decline: 0.6 } }],
      120_000,
    );
    expect(decisions).toEqual([]);
  });

  it("raises a risk-rejection spike against the channel's own baseline, as its own reason", () => {
    const { ms, decision } = detectionMs(5, 200, HEALTHY, { ...HEALTHY, risk: 0.25 });
    expect(decision.reason).toBe('risk_spike');
    expect(decision.to).toBe('degraded');
    expect(ms).toBeLessThan(5000);
  });

  it('degrades a channel whose p95 goes over the bound', () => {
    const slow = [{ channel: WECHAT, ratePerSec: 100, mix: HEALTHY, latencyMs: () => 4500 }];
    // The absolute bound alone (the relative one is tested in wayBack.test.ts).
    const { engine, clock, decisions } = demoEngine({
      detectors: { latency: { relativeFactor: 0 } },
    });
    run(
      engine,
      clock,
      seededRandom(6),
      [{ channel: WECHAT, ratePerSec: 100, mix: HEALTHY }],
      30_000,
    );
    run(engine, clock, seededRandom(7), slow, 30_000, () => decisions.length > 0);
    expect(decisions[0]).toMatchObject({
      to: 'degraded',
      reason: 'latency',
      evidence: { threshold: 3000 },
    });
  });

  it('applies detector settings per pool, and per channel over the pool', () => {
    const clock = new ManualClock(1_795_300_000_000);
    const pools = DEMO_POOLS.map((p) =>
      p.id === 'card' ? { ...p, detectors: { latency: { p95Ms: 500 } } } : p,
    );
    const channels = DEMO_CHANNELS.map((c) =>
      c.id === 'bank_b' ? { ...c, detectors: { latency: { p95Ms: 5000 } } } : c,
    );
    const engine = new Engine(engineOptions({ channels, pools }), { clock, epoch: 'e' });
    const decisions: Decision[] = [];
    engine.onDecision((d) => decisions.push(d));
    for (let i = 0; i < 100; i++) {
      clock.advance(50);
      for (const ch of [WECHAT, BANK_A, BANK_B]) engine.recordRaw(ch, SUCCESS, 800, clock.now());
    }
    expect(decisions.map((d) => [d.channel, d.reason])).toEqual([['bank_a', 'latency']]);
  });

  it('takes a channel down after 3 consecutive probe failures', () => {
    const { engine, clock, decisions } = demoEngine();
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      engine.recordRaw(WECHAT, ERROR, 100, clock.now(), true);
    }
    expect(decisions.map((d) => d.reason)).toEqual(['probe_failures']);
  });

  it.each([
    ['500/s over 40 stores', 2, 40],
    ['4/s over 20 stores', 250, 20],
  ])(
    "keeps one store's broken terminals from ejecting the channel, yet ejects on a channel-wide fault (%s)",
    (_, stepMs, stores) => {
      const { engine, clock, decisions } = demoEngine();
      const rng = seededRandom(8);
      const send = (failStore: (store: number) => boolean, ms: number) => {
        const end = clock.now() + ms;
        while (clock.now() < end) {
          clock.advance(stepMs);
          const store = Math.floor(rng() * stores);
          const fail = failStore(store) || rng() < 0.005;
          engine.record({
            channel: 'wechat',
            outcome: fail ? 'error' : 'success',
            latencyMs: 90,
            at: clock.now(),
            source: 'live',
            store: `s-${store}`,
            terminal: `s-${store}-t${store % 3}`,
          });
          if (clock.now() % 100 === 0) engine.tick();
        }
      };
      send(() => false, 60_000);
      send((s) => s === 17, 600_000);
      expect(decisions).toEqual([]);
      send(() => rng() < 0.4, 20_000);
      expect(decisions[0]).toMatchObject({ reason: 'error_rate' });
    },
  );
});

describe('Engine states', () => {
  const downNow = (engine: ReturnType<typeof demoEngine>['engine'], at: number) =>
    engine.record({
      channel: 'wechat',
      outcome: 'maintenance',
      code: 'SERVICE_UNAVAILABLE',
      latencyMs: 10,
      at,
      source: 'probe',
    });

  it('ejects, probes back with trial calls, then ramps to full weight', () => {
    const { engine, clock, decisions } = demoEngine();
    downNow(engine, clock.now());
    expect(engine.pools()[0].weights.wechat).toBe(0);
    clock.advance(10_000);
    engine.tick();
    expect(decisions.at(-1)).toMatchObject({
      from: 'down',
      to: 'probing',
      reason: 'ejection_elapsed',
    });
    expect(decisions.at(-1)!.weights.wechat).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) engine.recordRaw(WECHAT, SUCCESS, 50, clock.now(), true);
    expect(decisions.at(-1)).toMatchObject({ from: 'probing', to: 'healthy', reason: 'recovered' });
    const ramps: number[] = [];
    for (let t = 0; t < 400; t++) {
      clock.advance(100);
      engine.tick();
    }
    for (const d of decisions) if (d.reason === 'ramp') ramps.push(d.weights.wechat);
    expect(ramps.length).toBe(3);
    expect(ramps).toEqual([...ramps].sort((a, b) => a - b));
    expect(engine.pools()[0].weights.wechat).toBeCloseTo(0.7, 9);
  });

  it('doubles the ejection time when a trial call fails', () => {
    const { engine, clock, decisions } = demoEngine();
    downNow(engine, clock.now());
    expect(decisions[0].evidence.ejectionMs).toBe(10_000);
    clock.advance(10_000);
    engine.tick();
    engine.recordRaw(WECHAT, TIMEOUT, 3000, clock.now(), true);
    expect(decisions.at(-1)).toMatchObject({
      from: 'probing',
      to: 'down',
      reason: 'trial_failed',
      evidence: { ejectionMs: 20_000 },
    });
    clock.advance(19_900);
    engine.tick();
    expect(engine.channels()[0].state).toBe('down');
    clock.advance(100);
    engine.tick();
    expect(engine.channels()[0].state).toBe('probing');
  });

  it('holds a manual override until it expires, detectors standing aside', () => {
    const { engine, clock, decisions } = demoEngine();
    const until = clock.now() + 60_000;
    engine.setOverride('alipay', { state: 'down', until, reason: 'bank says so' });
    expect(decisions[0]).toMatchObject({
      channel: 'alipay',
      to: 'down',
      reason: 'manual',
      evidence: { note: 'bank says so', until },
    });
    for (let i = 0; i < 10; i++) engine.recordRaw(ALIPAY, SUCCESS, 10, clock.now(), true);
    expect(engine.channels()[1].state).toBe('down');
    clock.advance(60_000);
    engine.tick();
    expect(decisions.at(-1)).toMatchObject({
      channel: 'alipay',
      from: 'down',
      to: 'probing',
      reason: 'manual_expired',
    });
    expect(() =>
      engine.setOverride('alipay', { state: 'down', until: clock.now() - 1, reason: '' }),
    ).toThrow(/not in the future/);
  });

  it('drains ahead of a planned maintenance window and probes back after it', () => {
    const { engine, clock, decisions } = demoEngine();
    const from = clock.now() + 60_000;
    engine.addMaintenance({
      channel: 'unionpay',
      from,
      to: from + 30_000,
      leadMs: 10_000,
      reason: 'bank upgrade',
    });
    clock.advance(49_900);
    engine.tick();
    expect(decisions).toEqual([]);
    clock.advance(100);
    engine.tick();
    expect(decisions[0]).toMatchObject({
      channel: 'unionpay',
      to: 'maintenance',
      reason: 'maintenance_window',
    });
    expect(decisions[0].weights.unionpay).toBe(0);
    for (let i = 0; i < 5; i++) engine.recordRaw(UNIONPAY, MAINTENANCE, 10, clock.now(), true);
    expect(decisions).toHaveLength(1);
    clock.advance(40_000);
    engine.tick();
    expect(decisions[1]).toMatchObject({
      channel: 'unionpay',
      from: 'maintenance',
      to: 'probing',
      reason: 'maintenance_end',
    });
    expect(engine.maintenance()).toEqual([]);
  });

  it('in a panic keeps the least bad channel serving and says so', () => {
    const { engine, clock, decisions } = demoEngine();
    engine.setOverride('bank_b', {
      state: 'maintenance',
      until: clock.now() + 600_000,
      reason: 'planned',
    });
    engine.record({
      channel: 'bank_a',
      outcome: 'maintenance',
      latencyMs: 10,
      at: clock.now(),
      source: 'live',
    });
    const last = decisions.at(-1)!;
    expect(last.panic).toBe(true);
    expect(last.weights).toEqual({ bank_a: 1, bank_b: 0 });
    expect(engine.pools()[1].panic).toBe(true);
  });

  it('does not flap under stationary noise at any level', () => {
    for (const error of [0.005, 0.01, 0.03, 0.08, 0.2, 0.5]) {
      const { engine, clock, decisions } = demoEngine();
      run(
        engine,
        clock,
        seededRandom(Math.round(error * 1000)),
        [{ channel: WECHAT, ratePerSec: 300, mix: { ...HEALTHY, error } }],
        600_000,
      );
      const changes = decisions.filter((d) => d.channel === 'wechat' && d.from !== d.to);
      if (error <= 0.01) expect(changes).toEqual([]);
      // Ejections double, so a channel that stays sick spends longer and longer out; returns to healthy are few.
      const returns = changes.filter((d) => d.to === 'healthy').length;
      expect(returns).toBeLessThanOrEqual(4);
      for (let i = 1; i < changes.length; i++)
        expect(changes[i].at - changes[i - 1].at).toBeGreaterThan(0);
    }
  });

  it('gives the same decisions for a replay of the same events', () => {
    const once = () => {
      const { engine, clock, decisions } = demoEngine();
      const rng = seededRandom(99);
      run(
        engine,
        clock,
        rng,
        [
          { channel: WECHAT, ratePerSec: 200, mix: HEALTHY },
          { channel: ALIPAY, ratePerSec: 100, mix: HEALTHY },
        ],
        30_000,
      );
      run(
        engine,
        clock,
        rng,
        [
          { channel: WECHAT, ratePerSec: 200, mix: { error: 0.4 } },
          { channel: ALIPAY, ratePerSec: 100, mix: { risk: 0.3 } },
        ],
        60_000,
      );
      run(
        engine,
        clock,
        rng,
        [
          { channel: WECHAT, ratePerSec: 200, mix: HEALTHY },
          { channel: ALIPAY, ratePerSec: 100, mix: HEALTHY },
        ],
        120_000,
      );
      return decisions;
    };
    const a: Decision[] = once();
    expect(a.length).toBeGreaterThan(3);
    expect(once()).toEqual(a);
  });

  it('counts an event stamped in the future as now, so one fast clock cannot blind the windows', () => {
    const { engine, clock, decisions } = demoEngine();
    engine.record({
      channel: 'wechat',
      outcome: 'success',
      latencyMs: 10,
      at: clock.now() + 290_000,
      source: 'live',
    });
    for (let i = 0; i < 200; i++)
      engine.record({
        channel: 'wechat',
        outcome: 'error',
        latencyMs: 10,
        at: clock.now(),
        source: 'live',
      });
    expect(engine.channels()[0].late).toBe(0);
    expect(decisions[0]).toMatchObject({ channel: 'wechat', reason: 'error_rate' });
  });

  it('counts events older than the longest window as late, never silently', () => {
    const { engine, clock } = demoEngine();
    engine.recordRaw(WECHAT, SUCCESS, 10, clock.now());
    engine.recordRaw(WECHAT, DECLINE, 10, clock.now() - 30_000);
    engine.recordRaw(WECHAT, RISK_REJECT, 10, clock.now() - 61_000);
    const w = engine.channels()[0];
    expect(w.late).toBe(1);
    expect(w.windows['60s'].total).toBe(2);
    expect(w.windows['10s'].total).toBe(1);
  });

  it('replays decisions after a seq and says when they are gone', () => {
    const { engine, clock } = demoEngine({ decisionLog: 2 });
    for (let i = 0; i < 6; i++)
      engine.setOverride('wechat', {
        state: i % 2 ? 'healthy' : 'down',
        until: clock.now() + 1000,
        reason: `r${i}`,
      });
    expect(engine.seq).toBe(6);
    expect(engine.decisions(4)!.map((d) => d.seq)).toEqual([5, 6]);
    expect(engine.decisions(5, 1)!.map((d) => d.seq)).toEqual([6]);
    expect(engine.decisions(6)).toEqual([]);
    expect(engine.decisions(0)).toBeNull();
  });
});
