import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/time/VirtualScheduler.ts';
import type { ChannelProfile } from '../channels/ChannelProfile.ts';
import { DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { createSimulation } from '../createSimulation.ts';
import { createCheckout } from './createCheckout.ts';
import type { Order, OrderResult } from './types.ts';

const CHANNELS: ChannelProfile[] = [
  { id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...DEFAULT_BASELINE, errorRate: 0 },
  { id: 'alipay', flavour: 'alipay', pool: 'qr', priority: 2, ...DEFAULT_BASELINE, errorRate: 0 },
];
const order: Order = {
  id: 'o-1',
  amount: 3980,
  pool: 'qr',
  method: 'qr',
  store: 's-001',
  terminal: 's-001-t1',
  segment: 'regular',
  createdAt: 0,
};

/**
 * On the simulator itself: the pay is charged and its answer lost, and the channel hangs every
 * query for 20 s (a charged-then-timeout outage). The retry meets the paid trade (ORDERPAID), so
 * the checkout queries: three queries hang, 2 s each.
 */
function chargedWhileQueriesHang() {
  const s = new VirtualScheduler(0);
  const sim = createSimulation({ scheduler: s, seed: 1, channels: CHANNELS });
  sim.faults.add({ channel: 'wechat', kind: 'charged_timeout', from: 0, to: 20_000 });
  const settled: string[] = [];
  const checkout = createCheckout({
    strategy: 'staticPriority',
    channels: sim.api,
    scheduler: s,
    routes: CHANNELS.map(({ id, pool, priority, flavour }) => ({ id, pool, priority, flavour })),
    onSettled: (o, x) => settled.push(`${o.id} ${x.status} at ${x.at}`),
  });
  return { s, sim, checkout, settled };
}

describe('the checkout never tells a charged customer "failed"', () => {
  it('a charged order whose queries hang stays pending, and the reconciler finds it paid', async () => {
    const { s, sim, checkout, settled } = chargedWhileQueriesHang();
    let result: OrderResult | undefined;
    void checkout.pay({ ...order }).then((r) => {
      result = r;
    });
    await s.advance(15_000);
    expect(sim.book.chargedOn(order.id)).toEqual(['wechat']);
    // Before the fix: { status: 'failed' } after ~9 s (3 s pay timeout, 3 × 2 s of hanging queries).
    expect(result).toMatchObject({ status: 'pending', channels: ['wechat'] });
    expect(result!.latencyMs).toBeGreaterThanOrEqual(9_000);
    expect(result!.latencyMs).toBeLessThan(10_000);
    expect(checkout.stats()).toMatchObject({ attempts: 1, pending: 1, failed: 0 });
    // A reconciler pass (every 10 s) starts while queries still hang; once they answer (20 s) it finds the money.
    await s.advance(30_000);
    expect(settled).toEqual(['o-1 paid at 21726']);
    expect(checkout.settled()).toEqual([
      { orderId: 'o-1', channel: 'wechat', status: 'paid', at: 21_726 },
    ]);
    expect(checkout.stats()).toMatchObject({ attempts: 1, pending: 0, succeeded: 1, failed: 0 });
    // No other channel was asked: the customer was charged once.
    expect(sim.book.summary().doubleCharges).toBe(0);
    checkout.close();
  });

  it('an order the channel never charged is settled failed only once a close confirms it', async () => {
    const s = new VirtualScheduler(0);
    const sim = createSimulation({ scheduler: s, seed: 1, channels: CHANNELS.slice(0, 1) });
    // pays hang without charging; queries and closes hang too for 20 s
    sim.faults.add({ channel: 'wechat', kind: 'timeout', from: 0, to: 20_000 });
    const checkout = createCheckout({
      strategy: 'staticSingle',
      channels: sim.api,
      scheduler: s,
      routes: [{ id: 'wechat', pool: 'qr', priority: 1, flavour: 'wechat' }],
    });
    const r = checkout.pay({ ...order, id: 'o-2' });
    await s.advance(15_000);
    expect(await r).toMatchObject({ status: 'pending' });
    await s.advance(30_000);
    expect(checkout.settled()).toMatchObject([
      { orderId: 'o-2', channel: 'wechat', status: 'failed' },
    ]);
    expect(checkout.settled()[0].at).toBeGreaterThan(20_000);
    expect(sim.book.status('wechat', 'o-2')).toBe('CLOSED');
    checkout.close();
  });
});
