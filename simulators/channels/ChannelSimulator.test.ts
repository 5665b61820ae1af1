import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/time/VirtualScheduler.ts';
import { createSimulation } from '../createSimulation.ts';
import type { Notification } from './CallbackDispatcher.ts';
import type { PayResult } from './ChannelApi.ts';
import { type ChannelProfile, DEFAULT_BASELINE } from './ChannelProfile.ts';

const CHANNELS: ChannelProfile[] = [
  { id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...DEFAULT_BASELINE },
  { id: 'alipay', flavour: 'alipay', pool: 'qr', priority: 2, ...DEFAULT_BASELINE },
  { id: 'unionpay', flavour: 'unionpay', pool: 'qr', priority: 3, ...DEFAULT_BASELINE },
  {
    id: 'bank_a',
    flavour: 'bank',
    pool: 'card',
    priority: 1,
    ...DEFAULT_BASELINE,
    maxAmount: 100_000,
  },
];

function world(seed = 1, sink?: (n: Notification) => boolean) {
  const scheduler = new VirtualScheduler(0);
  return createSimulation({ scheduler, seed, channels: CHANNELS, callbackSink: sink });
}

async function pay(
  w: ReturnType<typeof world>,
  channel: string,
  orderId: string,
  extra: Partial<{ store: string; amount: number; timeoutMs: number }> = {},
) {
  let out: PayResult | undefined;
  void w.api
    .pay(channel, {
      orderId,
      amount: extra.amount ?? 1000,
      store: extra.store,
      timeoutMs: extra.timeoutMs ?? 3000,
    })
    .then((r) => (out = r));
  await (w.scheduler as VirtualScheduler).advance(31_000);
  return out!;
}

describe('ChannelSimulator', () => {
  it('gives the same fates for the same seed, byte for byte', async () => {
    const run = async (seed: number) => {
      const w = world(seed);
      w.faults.add({ channel: 'wechat', kind: 'error', from: 0, to: 10_000_000, probability: 0.3 });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        const f = w.sim.pay('wechat', { orderId: `o-${i}`, amount: 500, timeoutMs: 3000 });
        out.push(f.kind === 'answer' ? `${f.code}:${f.latencyMs}` : 'hang');
      }
      return out.join(',');
    };
    expect(await run(5)).toBe(await run(5));
    expect(await run(5)).not.toBe(await run(6));
    expect(await run(5)).toContain('SYSTEM_ERROR');
  });

  it("answers each flavour's maintenance code", () => {
    const w = world();
    for (const c of CHANNELS)
      w.faults.add({ channel: c.id, kind: 'maintenance', from: 0, to: 60_000 });
    const codes = CHANNELS.map((c) => {
      const f = w.sim.pay(c.id, { orderId: 'o-1', amount: 500, timeoutMs: 3000 });
      return f.kind === 'answer' ? [f.code, f.outcome, f.httpStatus] : null;
    });
    expect(codes).toEqual([
      ['SERVICE_UNAVAILABLE', 'maintenance', 503],
      ['20000', 'maintenance', 200],
      ['02', 'maintenance', 200],
      ['0002', 'maintenance', 200],
    ]);
  });

  it('charged-then-timeout: the caller times out, a query finds the money; with the callback lost it is a dropped order', async () => {
    const w = world();
    w.faults.add({ channel: 'wechat', kind: 'charged_timeout', from: 0, to: 60_000 });
    w.faults.add({ channel: 'wechat', kind: 'callback_lost', from: 0, to: 60_000 });
    expect(await pay(w, 'wechat', 'o-1')).toEqual({ kind: 'timeout', latencyMs: 3000 });
    expect(w.book.status('wechat', 'o-1')).toBe('SUCCESS');
    expect(w.book.summary()).toEqual({ paidOrders: 1, doubleCharges: 0, droppedOrders: 1 });
    // the checkout retrying the same order elsewhere without asking first charges it twice
    w.faults.remove('f-1');
    w.faults.remove('f-2');
    const again = await pay(w, 'alipay', 'o-1');
    expect(again).toMatchObject({ kind: 'answer', code: '10000', outcome: 'success' });
    expect(w.book.summary().doubleCharges).toBe(1);
    // the same channel knows the order is paid
    expect(await pay(w, 'wechat', 'o-1')).toMatchObject({ code: 'ORDERPAID', outcome: 'neutral' });
  });

  it('USERPAYING: pending, only a later query tells; a close before the payer confirms stops the money', async () => {
    const w = world();
    w.faults.add({ channel: 'wechat', kind: 'userpaying', from: 0, to: 1_000_000 });
    expect(await pay(w, 'wechat', 'o-1')).toMatchObject({
      kind: 'answer',
      code: 'USERPAYING',
      pending: true,
      httpStatus: 202,
    });
    await (w.scheduler as VirtualScheduler).advance(200_000);
    expect(['SUCCESS', 'PAYERROR']).toContain(w.book.status('wechat', 'o-1'));
    void w.api.pay('wechat', { orderId: 'o-2', amount: 1, timeoutMs: 3000 });
    await (w.scheduler as VirtualScheduler).advance(1000);
    expect(w.book.status('wechat', 'o-2')).toBe('USERPAYING');
    void w.api.close('wechat', 'o-2', 3000);
    await (w.scheduler as VirtualScheduler).advance(200_000);
    expect(w.book.status('wechat', 'o-2')).toBe('CLOSED');
    expect(w.book.chargedOn('o-2')).toEqual([]);
    // paying a closed order again on the same channel is refused as such
    expect(w.sim.pay('wechat', { orderId: 'o-2', amount: 1, timeoutMs: 3000 })).toMatchObject({
      code: 'ORDER_CLOSED',
      outcome: 'neutral',
      httpStatus: 400,
    });
  });

  it('a store-scoped fault hits only that store', () => {
    const w = world();
    w.faults.add({
      channel: 'alipay',
      kind: 'error',
      from: 0,
      to: 60_000,
      scope: { store: 's-3' },
    });
    const code = (store: string, i: number) => {
      const f = w.sim.pay('alipay', {
        orderId: `o-${store}-${i}`,
        amount: 500,
        store,
        timeoutMs: 3000,
      });
      return f.kind === 'answer' ? f.code : 'hang';
    };
    expect(code('s-3', 1)).toBe('ACQ.SYSTEM_ERROR');
    const others = Array.from({ length: 50 }, (_, i) => code('s-4', i));
    expect(others.filter((c) => c === 'ACQ.SYSTEM_ERROR').length).toBeLessThan(3);
    const probe = w.sim.probe('alipay');
    expect(probe.kind === 'answer' && probe.code).toBe('10000');
  });

  it("declines over the amount limit with the flavour's code", () => {
    const w = world();
    const f = w.sim.pay('bank_a', { orderId: 'o-1', amount: 200_000, timeoutMs: 3000 });
    expect(f).toMatchObject({ kind: 'answer', code: '0008', outcome: 'decline' });
  });

  it('retries callbacks on the flavour schedule, duplicates and loses them on demand', async () => {
    const seen: string[] = [];
    let fail = 2;
    const w = world(1, (n) => {
      seen.push(`${n.orderId}#${n.delivery}@${w.scheduler.clock.now()}`);
      return fail-- <= 0;
    });
    w.faults.add({ channel: 'wechat', kind: 'latency', from: 0, to: 1, latencyMs: 0 });
    w.sim.pay('wechat', { orderId: 'o-1', amount: 500, timeoutMs: 3000 });
    await (w.scheduler as VirtualScheduler).advance(60_000);
    // first at 200 ms, then 15 s and 15 s later (WeChat's schedule), acknowledged on the third
    expect(seen).toEqual(['o-1#1@200', 'o-1#2@15200', 'o-1#3@30200']);
    seen.length = 0;
    w.faults.add({ channel: 'wechat', kind: 'callback_duplicate', from: 60_000, to: 61_000 });
    w.sim.pay('wechat', { orderId: 'o-2', amount: 500, timeoutMs: 3000 });
    await (w.scheduler as VirtualScheduler).advance(60_000);
    expect(seen).toEqual(['o-2#1@60200', 'o-2#2@61200']);
    seen.length = 0;
    w.faults.add({ channel: 'wechat', kind: 'callback_lost', from: 120_000, to: 121_000 });
    w.sim.pay('wechat', { orderId: 'o-3', amount: 500, timeoutMs: 3000 });
    await (w.scheduler as VirtualScheduler).advance(60_000);
    expect(seen).toEqual([]);
    expect(w.book.get('wechat', 'o-3')?.callbackLost).toBe(true);
  });

  it('a fault on query alone hangs queries and slows closes, while pays and probes go on', async () => {
    const w = world(3);
    w.faults.add({
      channel: 'wechat',
      kind: 'timeout',
      from: 0,
      to: 60_000,
      scope: { operation: ['query'] },
    });
    w.faults.add({
      channel: 'wechat',
      kind: 'latency',
      from: 0,
      to: 60_000,
      latencyMs: 5000,
      scope: { operation: ['close'] },
    });
    const fates = Array.from({ length: 20 }, (_, i) =>
      w.sim.pay('wechat', { orderId: `q-${i}`, amount: 500, timeoutMs: 3000 }),
    );
    expect(fates.every((f) => f.kind === 'answer')).toBe(true);
    expect(w.sim.probe('wechat').kind).toBe('answer');
    expect(w.sim.query('wechat', 'q-0').kind).toBe('hang');
    const close = w.sim.close('wechat', 'q-1');
    expect(close.kind === 'answer' && close.latencyMs).toBeGreaterThan(5000);
  });

  it("resolves USERPAYING by the channel's payer confirmation rate", async () => {
    const confirmed = async (payerConfirms: number) => {
      const scheduler = new VirtualScheduler(0);
      const w = createSimulation({
        scheduler,
        seed: 9,
        channels: [
          {
            ...CHANNELS[0],
            declineRate: 0,
            riskRate: 0,
            errorRate: 0,
            pendingRate: 1,
            payerConfirms,
          },
        ],
      });
      for (let i = 0; i < 200; i++)
        w.sim.pay('wechat', { orderId: `u-${i}`, amount: 500, timeoutMs: 3000 });
      await scheduler.advance(600_000);
      return Array.from({ length: 200 }, (_, i) => w.book.status('wechat', `u-${i}`)).filter(
        (s) => s === 'SUCCESS',
      ).length;
    };
    expect(await confirmed(1)).toBe(200);
    expect(await confirmed(0)).toBe(0);
    const half = await confirmed(0.5);
    expect(half).toBeGreaterThan(80);
    expect(half).toBeLessThan(120);
  });
});
