import { serve } from '@hono/node-server';
import { setupServer } from 'msw/node';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealScheduler } from '../../src/time/RealScheduler.ts';
import type { ChannelApi, PayResult } from '../channels/ChannelApi.ts';
import { type ChannelProfile, DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { createSimulation, type Simulation } from '../createSimulation.ts';
import { simulatorHandlers } from '../msw/simulatorHandlers.ts';
import { createSimulatorApp } from './createSimulatorApp.ts';
import { HttpChannels } from './HttpChannels.ts';

const quiet = { ...DEFAULT_BASELINE, declineRate: 0, riskRate: 0, errorRate: 0 };
const CHANNELS: ChannelProfile[] = [
  { id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...quiet },
  { id: 'alipay', flavour: 'alipay', pool: 'qr', priority: 2, ...quiet },
  { id: 'unionpay', flavour: 'unionpay', pool: 'qr', priority: 3, ...quiet },
  { id: 'bank_a', flavour: 'bank', pool: 'card', priority: 1, ...quiet },
];
const EXPECT = {
  wechat: {
    success: 'SUCCESS',
    maintenance: 'SERVICE_UNAVAILABLE',
    risk: 'ACCOUNT_ERROR',
    pending: 'USERPAYING',
  },
  alipay: {
    success: '10000',
    maintenance: '20000',
    risk: 'ACQ.PAYMENT_REQUEST_HAS_RISK',
    pending: '10003',
  },
  unionpay: { success: '00', maintenance: '02', risk: '38', pending: '05' },
  bank_a: { success: '0000', maintenance: '0002', risk: '0010', pending: '0004' },
} as const;

interface Impl {
  name: string;
  setup(): Promise<{
    api: ChannelApi & { probe(ch: string, t: number): Promise<PayResult> };
    sim: Simulation;
    teardown(): Promise<void>;
  }>;
}

const scheduler = new RealScheduler();
// latencyScale 0: no waiting, hangs answer at once as 504 (a timeout to the caller)
const world = () => createSimulation({ scheduler, seed: 9, channels: CHANNELS, latencyScale: 0 });

const impls: Impl[] = [
  {
    name: 'in-process',
    async setup() {
      const sim = world();
      return { api: sim.api, sim, teardown: async () => {} };
    },
  },
  {
    name: 'HTTP via msw',
    async setup() {
      const sim = world();
      const server = setupServer(
        ...simulatorHandlers(createSimulatorApp({ sim: sim.sim, scheduler }), 'http://sim.test'),
      );
      server.listen({ onUnhandledRequest: 'error' });
      return {
        api: new HttpChannels({ baseUrl: 'http://sim.test', channels: CHANNELS, scheduler }),
        sim,
        teardown: async () => server.close(),
      };
    },
  },
  {
    name: 'HTTP on a port',
    async setup() {
      const sim = world();
      const app = createSimulatorApp({ sim: sim.sim, scheduler });
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const { port } = server.address() as AddressInfo;
      return {
        api: new HttpChannels({
          baseUrl: `http://127.0.0.1:${port}`,
          channels: CHANNELS,
          scheduler,
        }),
        sim,
        teardown: () => new Promise<void>((r) => server.close(() => r())),
      };
    },
  },
];

for (const impl of impls) {
  describe(`ChannelApi contract: ${impl.name}`, () => {
    let ctx: Awaited<ReturnType<Impl['setup']>>;
    beforeAll(async () => {
      ctx = await impl.setup();
    });
    afterAll(() => ctx.teardown());

    for (const c of CHANNELS) {
      it(`${c.id}: pays, and a query tells the truth`, async () => {
        const r = await ctx.api.pay(c.id, {
          orderId: `ok-${c.id}`,
          amount: 1234,
          store: 's-1',
          terminal: 't-1',
          timeoutMs: 500,
        });
        expect(r).toMatchObject({
          kind: 'answer',
          code: EXPECT[c.id as keyof typeof EXPECT].success,
          outcome: 'success',
          pending: false,
        });
        expect(await ctx.api.query(c.id, `ok-${c.id}`, 500)).toMatchObject({
          kind: 'answer',
          status: 'SUCCESS',
        });
        expect(await ctx.api.query(c.id, `nope-${c.id}`, 500)).toMatchObject({
          kind: 'answer',
          status: 'NOT_EXIST',
        });
        expect(ctx.sim.book.get(c.id, `ok-${c.id}`)?.amount).toBe(1234);
      });

      it(`${c.id}: maintenance, risk and pending answer the flavour's codes`, async () => {
        const f = ctx.sim.faults.add({
          channel: c.id,
          kind: 'maintenance',
          scope: { store: 's-m' },
        });
        const g = ctx.sim.faults.add({ channel: c.id, kind: 'risk', scope: { store: 's-r' } });
        const h = ctx.sim.faults.add({
          channel: c.id,
          kind: 'userpaying',
          scope: { store: 's-p' },
        });
        const want = EXPECT[c.id as keyof typeof EXPECT];
        expect(
          await ctx.api.pay(c.id, {
            orderId: `m-${c.id}`,
            amount: 1,
            store: 's-m',
            timeoutMs: 500,
          }),
        ).toMatchObject({ code: want.maintenance, outcome: 'maintenance' });
        expect(
          await ctx.api.pay(c.id, {
            orderId: `r-${c.id}`,
            amount: 1,
            store: 's-r',
            timeoutMs: 500,
          }),
        ).toMatchObject({ code: want.risk, outcome: 'risk_reject' });
        expect(
          await ctx.api.pay(c.id, {
            orderId: `p-${c.id}`,
            amount: 1,
            store: 's-p',
            timeoutMs: 500,
          }),
        ).toMatchObject({ code: want.pending, pending: true, outcome: 'neutral' });
        expect(await ctx.api.query(c.id, `p-${c.id}`, 500)).toMatchObject({ status: 'USERPAYING' });
        expect(await ctx.api.close(c.id, `p-${c.id}`, 500)).toMatchObject({
          kind: 'answer',
          closed: true,
        });
        expect(await ctx.api.query(c.id, `p-${c.id}`, 500)).toMatchObject({ status: 'CLOSED' });
        for (const x of [f, g, h]) ctx.sim.faults.remove(x.id);
      });

      it(`${c.id}: charged-then-timeout times out, the money is found by query, a close cannot undo it`, async () => {
        const f = ctx.sim.faults.add({
          channel: c.id,
          kind: 'charged_timeout',
          scope: { store: 's-t' },
        });
        expect(
          await ctx.api.pay(c.id, { orderId: `t-${c.id}`, amount: 1, store: 's-t', timeoutMs: 50 }),
        ).toMatchObject({ kind: 'timeout' });
        expect(await ctx.api.query(c.id, `t-${c.id}`, 500)).toMatchObject({ status: 'SUCCESS' });
        expect(await ctx.api.close(c.id, `t-${c.id}`, 500)).toMatchObject({
          kind: 'answer',
          closed: false,
        });
        ctx.sim.faults.remove(f.id);
      });

      it(`${c.id}: probes see channel-wide faults only`, async () => {
        expect(await ctx.api.probe(c.id, 500)).toMatchObject({
          kind: 'answer',
          outcome: 'success',
        });
        const f = ctx.sim.faults.add({ channel: c.id, kind: 'maintenance' });
        expect(await ctx.api.probe(c.id, 500)).toMatchObject({
          kind: 'answer',
          outcome: 'maintenance',
        });
        ctx.sim.faults.remove(f.id);
        const g = ctx.sim.faults.add({ channel: c.id, kind: 'timeout' });
        expect(await ctx.api.probe(c.id, 50)).toMatchObject({ kind: 'timeout' });
        ctx.sim.faults.remove(g.id);
      });
    }
  });
}
