import { describe, expect, it } from 'vitest';
import { createEngineClient } from '../src/client/createEngineClient.ts';
import { seededRandom } from '../src/core/random.ts';
import { Engine } from '../src/core/Engine.ts';
import { engineOptions } from '../src/core/options.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';
import { DEFAULT_BASELINE, type ChannelProfile } from '../simulators/channels/ChannelProfile.ts';
import { checkoutRoutes } from '../simulators/checkout/checkoutRoutes.ts';
import { createCheckout } from '../simulators/checkout/createCheckout.ts';
import type { Order, Strategy } from '../simulators/checkout/types.ts';
import { createSimulation } from '../simulators/createSimulation.ts';
import type { FaultInput } from '../simulators/faults/FaultEngine.ts';

const profiles: ChannelProfile[] = [
  { id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...DEFAULT_BASELINE },
  { id: 'alipay', flavour: 'alipay', pool: 'qr', priority: 2, ...DEFAULT_BASELINE },
  { id: 'unionpay', flavour: 'unionpay', pool: 'qr', priority: 3, ...DEFAULT_BASELINE },
];
const routes = checkoutRoutes(profiles);
const STRATEGIES: Strategy[] = ['switchyard', 'staticSingle', 'staticPriority', 'oracle'];

/**
 * The four strategies in virtual time against the real Engine and simulator, each on its own
 * simulation with the same seed and fault timeline (so one order meets the same fate wherever it
 * goes): switching must pay off, and no strategy may charge an order twice.
 */
describe('checkout strategies in virtual time (real Engine, real simulator)', () => {
  it('switchyard beats static routing through error, maintenance and charged-timeout faults, with no double charge', async () => {
    const t0 = 1_000_000;
    const s = new VirtualScheduler(t0);
    const engine = new Engine(
      engineOptions({
        channels: profiles.map(({ id, flavour, pool, priority }) => ({
          id,
          flavour,
          pool,
          priority,
        })),
        pools: [{ id: 'qr', split: [0.7, 0.2, 0.1] }],
      }),
      { clock: s.clock, epoch: 'virtual' },
    );
    s.setInterval(() => engine.tick(), 100);
    const client = createEngineClient({
      engine,
      clock: s.clock,
      channels: routes,
      rng: seededRandom(11),
    });
    const faults: Omit<FaultInput, 'from' | 'to'>[] & { at: number; for: number }[] = [
      { channel: 'wechat', kind: 'error', probability: 0.6, at: 20_000, for: 40_000 },
      { channel: 'alipay', kind: 'maintenance', probability: 1, at: 70_000, for: 20_000 },
      { channel: 'wechat', kind: 'charged_timeout', probability: 0.05, at: 100_000, for: 20_000 },
    ] as never;
    const sims = new Map(
      STRATEGIES.map((st) => {
        const sim = createSimulation({
          scheduler: s,
          seed: 7,
          channels: profiles,
          customerDeclines: (id) => id.endsWith('7'),
        });
        for (const f of faults as unknown as (FaultInput & { at: number; for: number })[]) {
          const { at, for: dur, ...rest } = f;
          sim.faults.add({ ...rest, from: t0 + at, to: t0 + at + dur });
        }
        return [st, sim] as const;
      }),
    );
    const checkouts = new Map(
      STRATEGIES.map((st) => [
        st,
        createCheckout({
          strategy: st,
          channels: sims.get(st)!.api,
          scheduler: s,
          routes,
          client,
          oracle: sims.get(st)!.faults,
          payTimeoutMs: 2_000,
          queryTimeoutMs: 1_000,
        }),
      ]),
    );
    const rate = 40; // orders per second
    const durationMs = 130_000;
    let n = 0;
    const pending: Promise<unknown>[] = [];
    s.setInterval(() => {
      if (s.clock.now() - t0 >= durationMs) return;
      const order: Omit<Order, 'id'> = {
        amount: 1_000 + ((n * 7919) % 90_000),
        pool: 'qr',
        method: 'qr',
        store: `s-${n % 20}`,
        terminal: 't-1',
        segment: 'regular',
        createdAt: s.clock.now(),
      };
      n++;
      for (const st of STRATEGIES) pending.push(checkouts.get(st)!.pay({ ...order, id: `o-${n}` }));
    }, 1000 / rate);
    await s.run(t0 + durationMs + 60_000);
    await Promise.all(pending);
    const rates: Record<string, number> = {};
    for (const st of STRATEGIES) {
      const c = checkouts.get(st)!.stats();
      rates[st] = c.succeeded / (c.attempts - c.declined);
      expect(sims.get(st)!.book.summary().doubleCharges).toBe(0);
      checkouts.get(st)!.close();
    }
    console.log('virtual success rates', rates, 'orders per strategy', n, 'decisions', engine.seq);
    expect(rates.switchyard).toBeGreaterThan(rates.staticSingle + 0.05);
    expect(rates.switchyard).toBeGreaterThan(rates.staticPriority - 0.002);
    expect(rates.oracle).toBeGreaterThanOrEqual(rates.switchyard - 0.01);
    // Every dropped order (charged, answer and callback lost) was found by the switchyard checkout's queries.
    const book = sims.get('switchyard')!.book;
    const dropped = [...book.all()].filter((t) => t.status === 'SUCCESS' && t.answerLost);
    const found = checkouts.get('switchyard')!.foundOrderIds();
    expect(dropped.every((t) => found.has(t.orderId))).toBe(true);
  }, 60_000);
});
