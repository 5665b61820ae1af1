import { flavourClassifiers } from '../src/core/codes/index.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngineClient, type EngineLike } from '../src/client/createEngineClient.ts';
import { seededRandom } from '../src/core/random.ts';
import type { Outcome } from '../src/core/outcome.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';
import type { CheckoutRoute } from '../simulators/checkout/CheckoutRoute.ts';
import { createCheckout, type CheckoutOptions } from '../simulators/checkout/createCheckout.ts';
import type { Order } from '../simulators/checkout/types.ts';
import { type Behaviour, FakeChannels } from './checkout-fakeChannels.ts';

const routes: CheckoutRoute[] = [
  { id: 'wechat', pool: 'qr', priority: 1, flavour: 'wechat' },
  { id: 'alipay', pool: 'qr', priority: 2, flavour: 'wechat' },
  { id: 'unionpay', pool: 'qr', priority: 3, flavour: 'wechat' },
];
let seq = 0;
const order = (over: Partial<Order> = {}): Order => ({
  id: `o-${++seq}`,
  amount: 3_980,
  pool: 'qr',
  method: 'qr',
  store: 's-1',
  terminal: 't-1',
  segment: 'regular',
  createdAt: 0,
  ...over,
});

function setup(
  script: (ch: string, call: number, id: string) => Behaviour,
  over: Partial<CheckoutOptions> = {},
) {
  const s = new VirtualScheduler();
  const fake = new FakeChannels(s, script);
  const checkout = createCheckout({
    strategy: 'staticPriority',
    channels: fake,
    scheduler: s,
    routes,
    ...over,
  });
  /** Pay one order, running virtual time until it settles. */
  const pay = async (o = order()) => {
    const p = checkout.pay(o);
    await s.advance(120_000);
    return p;
  };
  return { s, fake, checkout, pay };
}

describe('careful checkout: one order, one charge', () => {
  it('a plain success is one call on the first channel', async () => {
    const { pay, checkout } = setup(() => 'ok');
    const r = await pay();
    expect(r).toMatchObject({
      status: 'paid',
      attempts: 1,
      channels: ['wechat'],
      finalChannel: 'wechat',
    });
    expect(checkout.stats()).toMatchObject({ attempts: 1, succeeded: 1, queries: 0 });
  });

  it('a transient timeout is retried once on the same channel under the same order number', async () => {
    const { pay, fake } = setup((_ch, call) => (call === 0 ? 'timeout' : 'ok'));
    const r = await pay();
    expect(r).toMatchObject({ status: 'paid', attempts: 2, channels: ['wechat'] });
    expect(fake.calls).toEqual(['pay wechat', 'pay wechat']);
  });

  it('charged-then-timeout: the query finds it paid, no second channel is tried, the dropped order is counted', async () => {
    const { pay, fake, checkout } = setup((ch) => (ch === 'wechat' ? 'charged_timeout' : 'ok'));
    const o = order();
    const r = await pay(o);
    expect(r).toMatchObject({ status: 'paid', channels: ['wechat'], foundByQuery: true });
    // The retry met the paid trade (ORDERPAID): it still went to query rather than elsewhere.
    expect(fake.calls).toEqual(['pay wechat', 'pay wechat', 'query wechat']);
    expect(fake.book.summary()).toMatchObject({ doubleCharges: 0, droppedOrders: 1 });
    expect(checkout.foundOrderIds().has(o.id)).toBe(true);
    expect(checkout.stats().droppedFound).toBe(1);
  });

  it('an unknown-result code (SYSTEMERROR) that did charge is found by query, not paid again elsewhere', async () => {
    const { pay, fake } = setup((ch) => (ch === 'wechat' ? 'systemerror_charged' : 'ok'));
    const r = await pay();
    expect(r).toMatchObject({ status: 'paid', channels: ['wechat'] });
    expect(fake.book.summary().doubleCharges).toBe(0);
  });

  it('timeouts that charged nothing: query says unpaid, the order is closed, then the next channel pays', async () => {
    const { pay, fake } = setup((ch) => (ch === 'wechat' ? 'timeout' : 'ok'));
    const r = await pay();
    expect(r).toMatchObject({
      status: 'paid',
      attempts: 3,
      channels: ['wechat', 'alipay'],
      finalChannel: 'alipay',
    });
    expect(fake.calls).toEqual([
      'pay wechat',
      'pay wechat',
      'query wechat',
      'close wechat',
      'pay alipay',
    ]);
  });

  it('pending (USERPAYING) is polled until paid', async () => {
    const { pay, fake } = setup(() => 'userpaying_then_pays', { pollIntervalMs: 1_000 });
    const r = await pay();
    expect(r).toMatchObject({ status: 'paid', channels: ['wechat'] });
    expect(fake.calls.filter((c) => c === 'query wechat').length).toBeGreaterThanOrEqual(2);
  });

  it('pending that never confirms is closed after a bounded number of polls before switching; a late confirmation cannot land', async () => {
    const { pay, fake } = setup((ch) => (ch === 'wechat' ? 'userpaying' : 'ok'), {
      maxPolls: 3,
      pollIntervalMs: 500,
    });
    const o = order();
    const r = await pay(o);
    expect(r).toMatchObject({ status: 'paid', channels: ['wechat', 'alipay'] });
    expect(fake.calls.filter((c) => c === 'query wechat')).toHaveLength(4);
    expect(fake.book.status('wechat', o.id)).toBe('CLOSED');
    expect(fake.book.charge(fake.book.get('wechat', o.id)!)).toBe(false);
  });

  it('a definite refusal (maintenance) switches at once without a query; a business decline stops', async () => {
    const a = setup((ch) => (ch === 'wechat' ? 'maintenance' : 'ok'));
    expect(await a.pay()).toMatchObject({ status: 'paid', channels: ['wechat', 'alipay'] });
    expect(a.fake.calls).toEqual(['pay wechat', 'pay alipay']);
    const b = setup(() => 'decline');
    expect(await b.pay()).toMatchObject({ status: 'declined', channels: ['wechat'] });
    expect(b.checkout.stats()).toMatchObject({ declined: 1, succeeded: 0 });
  });

  it('when no query can confirm the order unpaid, it is not switched but pending; the reconciler finds it paid later', async () => {
    const { s, pay, fake, checkout } = setup((ch) => (ch === 'wechat' ? 'charged_timeout' : 'ok'), {
      reconcileEveryMs: 5_000,
    });
    fake.queryTimesOut.add('wechat');
    const o = order();
    const r = await pay(o);
    // charged, so never "failed": pending until the reconciler knows
    expect(r).toMatchObject({ status: 'pending', channels: ['wechat'] });
    expect(checkout.stats()).toMatchObject({ unresolved: 1, pending: 1, failed: 0 });
    expect(fake.calls.includes('pay alipay')).toBe(false);
    fake.queryTimesOut.delete('wechat');
    await s.advance(10_000);
    expect(checkout.foundOrderIds().has(o.id)).toBe(true);
    expect(checkout.stats().droppedFound).toBe(1);
    expect(checkout.settled()).toMatchObject([{ orderId: o.id, status: 'paid' }]);
    expect(checkout.stats()).toMatchObject({ pending: 0, succeeded: 1 });
    checkout.close();
    expect(s.pending).toBe(0);
  });
});

describe('strategies', () => {
  const failing = (ch: string): Behaviour => (ch === 'wechat' ? 'maintenance' : 'ok');

  it('staticSingle never leaves the top channel; staticPriority falls back in priority order', async () => {
    const single = setup(failing, { strategy: 'staticSingle' });
    expect(await single.pay()).toMatchObject({ status: 'failed', channels: ['wechat'] });
    const prio = setup((ch) => (ch === 'unionpay' ? 'ok' : 'maintenance'), {
      strategy: 'staticPriority',
    });
    expect(await prio.pay()).toMatchObject({
      status: 'paid',
      channels: ['wechat', 'alipay', 'unionpay'],
    });
  });

  it('oracle goes straight to the channel the faults spare', async () => {
    const oracle = {
      failureProbability: (ch: string) => (ch === 'wechat' ? 0.9 : ch === 'alipay' ? 0.1 : 0),
    };
    const o = setup(failing, { strategy: 'oracle', oracle });
    expect(await o.pay()).toMatchObject({ status: 'paid', channels: ['unionpay'] });
  });

  it("switchyard follows the engine's weights and reports every attempt to it", async () => {
    const recorded: Outcome[] = [];
    const listeners: ((d: never) => void)[] = [];
    const engine: EngineLike = {
      seq: 0,
      epoch: 'e',
      onDecision: (fn) => (listeners.push(fn as never), () => {}),
      pools: () => [
        {
          id: 'qr',
          weights: { wechat: 0.5, alipay: 0.5, unionpay: 0 },
          channels: ['wechat', 'alipay', 'unionpay'],
          panic: false,
        },
      ],
      channels: () => [],
      recordOutcome: (o) => void recorded.push(o),
      classifier: () => flavourClassifiers.wechat,
      hasChannel: () => true,
    };
    const s0 = new VirtualScheduler();
    const client = createEngineClient({
      engine,
      clock: s0.clock,
      channels: routes,
      rng: seededRandom(5),
    });
    const sw = setup(failing, { strategy: 'switchyard', client });
    const results = [];
    for (let i = 0; i < 20; i++) results.push(await sw.pay());
    expect(results.every((r) => r.status === 'paid')).toBe(true);
    expect(
      results.some((r) => r.channels[0] === 'alipay') &&
        results.some((r) => r.channels[0] === 'wechat'),
    ).toBe(true);
    expect(results.every((r) => r.channels.includes('unionpay') === false)).toBe(true); // weight 0, never needed
    const payCalls = sw.checkout.stats().payCalls;
    expect(recorded).toHaveLength(payCalls);
    expect(
      recorded
        .filter((o) => o.channel === 'wechat')
        .every((o) => o.outcome === 'maintenance' && o.code === 'SERVICE_UNAVAILABLE'),
    ).toBe(true);
    // The peers do not feed the monitor.
    const peer = setup(failing, { strategy: 'staticPriority', client });
    await peer.pay();
    expect(recorded).toHaveLength(payCalls);
  });
});

describe('property: whatever the channels do, no order is charged twice', () => {
  const behaviours: Behaviour[] = [
    'ok',
    'timeout',
    'charged_timeout',
    'systemerror',
    'systemerror_charged',
    'maintenance',
    'decline',
    'userpaying',
    'userpaying_then_pays',
  ];
  it('holds over random fates per call, with and without query outages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...behaviours), { minLength: 9, maxLength: 9 }),
        fc.boolean(),
        fc.constantFrom('staticPriority', 'staticSingle') as fc.Arbitrary<
          'staticPriority' | 'staticSingle'
        >,
        async (fates, queryDown, strategy) => {
          const idx = { wechat: 0, alipay: 3, unionpay: 6 } as Record<string, number>;
          const { pay, fake, checkout } = setup((ch, call) => fates[idx[ch] + Math.min(call, 2)], {
            strategy,
            maxPolls: 2,
            pollIntervalMs: 500,
          });
          if (queryDown) fake.queryTimesOut.add('wechat');
          const o = order();
          const r = await pay(o);
          checkout.close();
          const charged = fake.book.chargedOn(o.id);
          expect(charged.length).toBeLessThanOrEqual(1);
          if (r.status === 'paid') expect(charged).toEqual([r.finalChannel]);
          // a charged order is never told "failed": only unresolved ones stay pending (reconciled later)
          if (charged.length === 1 && r.status !== 'paid') expect(r.status).toBe('pending');
          if (r.status === 'failed') expect(charged).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
