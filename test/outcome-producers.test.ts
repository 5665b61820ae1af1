import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../src/client/createEngineClient.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Decision } from '../src/core/decision.ts';
import { Engine } from '../src/core/Engine.ts';
import { DEMO_CHANNELS, DEMO_POOLS, engineOptions } from '../src/core/options.ts';
import { parseOutcomes } from '../src/core/parse.ts';
import { seededRandom } from '../src/core/random.ts';
import { probeOutcome } from '../src/probe/probeOutcome.ts';
import { createApp } from '../src/server/createApp.ts';
import { Metrics } from '../src/server/Metrics.ts';

/** One event as a gateway reports it, or (source probe) as a probe saw it. */
interface Event {
  channel: string;
  outcome?: 'success' | 'error' | 'timeout' | 'decline';
  code?: string;
  latencyMs: number;
  at: number;
  source?: 'probe';
  store?: string;
  orderId?: string;
}

const START = 1_795_300_000_000;
// wechat: SYSTEMERROR is an instant code; NOTENOUGH a decline; a code no table knows. alipay's
// override below turns a decline code into a risk rejection, which only the channel's own
// classifier knows (the flavour's table alone would not).
const CODES: Record<string, (string | undefined)[]> = {
  wechat: ['SUCCESS', 'SYSTEMERROR', 'NOTENOUGH', 'NEVER_SEEN_CODE', undefined],
  alipay: ['10000', 'ACQ.SYSTEM_ERROR', 'ACQ.BUYER_BALANCE_NOT_ENOUGH', undefined],
  unionpay: ['00', '04', '02', undefined],
};

/** A seeded stream: a healthy stretch, then a fault on each channel, probes throughout. */
function events(seed: number): Event[] {
  const rng = seededRandom(seed);
  const out: Event[] = [];
  for (let t = 0; t < 120_000; t += 20) {
    const channel = ['wechat', 'alipay', 'unionpay'][Math.floor(rng() * 3)];
    const sick = t > 60_000 && t < 90_000;
    const at = START + t;
    if (t % 2_000 === 0) {
      const failed = sick && rng() < 0.6;
      const code = failed ? CODES[channel][channel === 'unionpay' ? 2 : 1] : undefined;
      out.push({
        channel,
        outcome: failed ? 'error' : 'success',
        code,
        latencyMs: 80,
        at,
        source: 'probe',
      });
      continue;
    }
    const u = rng();
    const codes = CODES[channel];
    const code =
      u < (sick ? 0.3 : 0.02) ? codes[1] : u < 0.06 ? codes[2] : u < 0.07 ? codes[3] : codes[0];
    const e: Event = { channel, latencyMs: Math.round(50 + rng() * 400), at };
    if (code === undefined) e.outcome = rng() < (sick ? 0.2 : 0.01) ? 'timeout' : 'success';
    else e.code = code;
    if (rng() < 0.3) e.store = `s-${Math.floor(rng() * 5)}`;
    if (rng() < 0.5) e.orderId = `o-${Math.floor(t / 60)}`;
    out.push(e);
  }
  return out;
}

function engine() {
  const clock = new ManualClock(START);
  const channels = DEMO_CHANNELS.map((c) =>
    c.id === 'alipay'
      ? { ...c, codes: { 'ACQ.BUYER_BALANCE_NOT_ENOUGH': 'risk_reject' as const } }
      : c,
  );
  const e = new Engine(engineOptions({ channels, pools: DEMO_POOLS }), { clock, epoch: 'same' });
  const decisions: Decision[] = [];
  e.onDecision((d) => decisions.push(d));
  return { clock, engine: e, decisions };
}

/** Drives one producer over the events, ticking as the monitor does; returns the decisions and totals. */
async function through(
  stream: Event[],
  feed: (run: ReturnType<typeof engine>, e: Event) => unknown,
) {
  const run = engine();
  let nextTick = START + 100;
  for (const e of stream) {
    while (nextTick <= e.at) {
      run.clock.set(nextTick);
      run.engine.tick();
      nextTick += 100;
    }
    run.clock.set(e.at);
    await feed(run, e);
  }
  return { decisions: run.decisions, totals: run.engine.totals(), channels: run.engine.channels() };
}

const PROBE = 'probe-token-123';

describe('one path from event to outcome', () => {
  it('gives the same decisions and counts whichever producer carries the events', async () => {
    for (const seed of [1, 2, 3]) {
      const stream = events(seed);
      const direct = await through(stream, ({ engine }, e) => engine.record(e));
      const parsed = await through(stream, ({ engine, clock }, e) => {
        const r = parseOutcomes(e, { now: clock.now(), engine });
        if (!r.ok) throw new Error(r.error);
        for (const o of r.events) engine.recordOutcome(o);
      });
      const apps = new WeakMap<Engine, ReturnType<typeof createApp>>();
      const http = await through(stream, async ({ engine, clock }, e) => {
        if (!apps.has(engine)) {
          const metrics = new Metrics({ source: engine, processMetrics: false });
          apps.set(
            engine,
            createApp({ engine, metrics, clock, dashboard: false, tokens: { probe: PROBE } }),
          );
        }
        // Probe evidence over HTTP comes from a prober holding the probe token.
        const res = await apps.get(engine)!.request('/v1/outcomes', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(e.source === 'probe' && { authorization: `Bearer ${PROBE}` }),
          },
          body: JSON.stringify(e),
        });
        expect(res.status).toBe(202);
      });
      const mixed = await through(stream, ({ engine, clock }, e) => {
        // Probes through the prober's path, live events through the in-process client.
        if (e.source === 'probe') {
          const outcome = e.outcome === 'error' ? 'error' : 'success';
          return engine.recordOutcome(probeOutcome(engine, { ...e, outcome }));
        }
        const client = createEngineClient({ engine, clock, rng: seededRandom(1) });
        client.report(e);
        client.close();
      });
      expect(direct.decisions.length).toBeGreaterThan(3);
      expect(direct.decisions.some((d) => d.reason === 'instant_code')).toBe(true);
      expect(direct.totals.find((t) => t.id === 'wechat')!.unknownCodes).toBeGreaterThan(0);
      expect(direct.totals.find((t) => t.id === 'alipay')!.counts.risk_reject.live).toBeGreaterThan(
        0,
      );
      for (const other of [parsed, http, mixed]) {
        expect(other.decisions).toEqual(direct.decisions);
        expect(other.totals).toEqual(direct.totals);
        expect(other.channels).toEqual(direct.channels);
      }
    }
  });
});
