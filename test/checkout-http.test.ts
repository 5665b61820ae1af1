import { describe, expect, it } from 'vitest';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';
import { createCheckout } from '../simulators/checkout/createCheckout.ts';
import { createCheckoutApp, quantile, rates } from '../simulators/checkout/createCheckoutApp.ts';
import type { CheckoutRoute } from '../simulators/checkout/CheckoutRoute.ts';
import { startCheckoutServer } from '../simulators/checkout/startCheckoutServer.ts';
import { FakeChannels } from './checkout-fakeChannels.ts';

const routes: CheckoutRoute[] = [
  { id: 'wechat', pool: 'qr', priority: 1, flavour: 'wechat' },
  { id: 'alipay', pool: 'qr', priority: 2, flavour: 'wechat' },
];

function build(scheduler: VirtualScheduler | RealScheduler) {
  const fake = new FakeChannels(scheduler, (ch, _call, id) =>
    id.endsWith('decline') ? 'decline' : ch === 'wechat' ? 'maintenance' : 'ok',
  );
  const checkouts = {
    staticPriority: createCheckout({
      strategy: 'staticPriority',
      channels: fake,
      scheduler,
      routes,
    }),
    staticSingle: createCheckout({ strategy: 'staticSingle', channels: fake, scheduler, routes }),
  };
  return { fake, checkouts };
}

describe('checkout HTTP app', () => {
  it('POST /checkout pays through the chosen strategy: 200 paid or declined, 503 failed; GET /stats sums up', async () => {
    const s = new VirtualScheduler();
    const { fake, checkouts } = build(s);
    const app = createCheckoutApp({ checkouts, clock: s.clock });
    const post = async (q: string, body: unknown) => {
      const p = app.request(`/checkout${q}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      await s.advance(10_000);
      return p;
    };
    const paid = await post('', { id: 'a1', amount: 3980 });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({
      orderId: 'staticPriority-a1',
      status: 'paid',
      channels: ['wechat', 'alipay'],
    });
    const failed = await post('?strategy=staticSingle', { id: 'a1', amount: 3980 });
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ orderId: 'staticSingle-a1', status: 'failed' });
    const declined = await post('?strategy=staticPriority', { id: 'x-decline', amount: 100 });
    expect(declined.status).toBe(200);
    expect(await declined.json()).toMatchObject({ status: 'declined' });
    // The two strategies' orders never met on the simulator's books.
    expect(fake.book.summary().doubleCharges).toBe(0);

    expect((await post('?strategy=oracle', { amount: 1 })).status).toBe(400);
    const bad = await post('', { amount: -5 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'invalid_order',
      details: [{ path: 'amount' }],
    });

    const stats = (await (await app.request('/stats')).json()) as {
      strategies: Record<string, Record<string, number>>;
    };
    expect(stats.strategies.staticPriority).toMatchObject({
      attempts: 2,
      succeeded: 1,
      declined: 1,
      successRate: 1,
      rawSuccessRate: 0.5,
    });
    expect(stats.strategies.staticSingle).toMatchObject({
      attempts: 1,
      succeeded: 0,
      failed: 1,
      successRate: 0,
    });
  });

  it('listens on 127.0.0.1 (port 0 here) and closes cleanly', async () => {
    const s = new RealScheduler();
    const { checkouts } = build(s);
    const srv = await startCheckoutServer({ checkouts, clock: s.clock, port: 0 });
    try {
      expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${srv.url}/checkout`, {
        method: 'POST',
        body: JSON.stringify({ amount: 500 }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'paid', finalChannel: 'alipay' });
    } finally {
      await srv.close();
    }
  });

  it('rates leave customer-side declines out of the success rate; quantiles are nearest-rank', () => {
    expect(rates({ attempts: 100, succeeded: 90, declined: 5 })).toEqual({
      rawSuccessRate: 0.9,
      successRate: 90 / 95,
    });
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.99)).toBe(10);
    expect(quantile([], 0.5)).toBe(0);
  });
});
