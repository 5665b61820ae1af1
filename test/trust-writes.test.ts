// Writes from a web page are refused on the monitor and on the simulator: a body must be declared
// JSON (a form or a text/plain or untyped fetch cannot), and a browser Origin other than the
// server's own is refused. Over real sockets, since what a browser sends (Content-Length with an
// untyped Blob) is not what app.request builds.
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { closeServer } from '../src/server/listen.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import { DEFAULT_BASELINE } from '../simulators/channels/ChannelProfile.ts';
import { createSimulation } from '../simulators/createSimulation.ts';
import { createSimulatorApp } from '../simulators/http/createSimulatorApp.ts';

const EVIL = 'http://evil.example';
const event = JSON.stringify({ channel: 'wechat', outcome: 'error', latencyMs: 5 });
const window = JSON.stringify({
  channel: 'wechat',
  from: Date.now() + 60_000,
  to: Date.now() + 3_600_000,
});
const fault = JSON.stringify({ channel: 'wechat', kind: 'error', for: '30m' });

let m: RunningMonitor;
let sim: Server;
let simUrl: string;

beforeAll(async () => {
  m = await startMonitor({
    config: resolveConfig({ ...demoConfigInput(), allowedOrigins: ['https://ops.example.com'] }),
    port: 0,
    host: '127.0.0.1',
    log: silentLogger,
    processMetrics: false,
  });
  const scheduler = new RealScheduler();
  const s = createSimulation({
    scheduler,
    seed: 1,
    channels: [{ id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...DEFAULT_BASELINE }],
  });
  const app = createSimulatorApp({
    sim: s.sim,
    scheduler,
    chaos: {
      loopbackOnly: true,
      scenarios: { storm: [{ channel: 'wechat', kind: 'error', for: '1m' }] },
    },
  });
  sim = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((r) => sim.listen(0, '127.0.0.1', r));
  simUrl = `http://127.0.0.1:${(sim.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await m?.close();
  if (sim) await closeServer(sim);
});

const send = (url: string, method: string, body?: BodyInit, headers: Record<string, string> = {}) =>
  fetch(url, { method, headers, ...(body !== undefined && { body }) });

describe('monitor writes', () => {
  it('refuses bodies not declared JSON with 415, whatever they hold', async () => {
    for (const [path, body] of [
      ['/v1/outcomes', event],
      ['/v1/maintenance', window],
    ] as const) {
      const url = `${m.url}${path}`;
      expect((await send(url, 'POST', body, { 'content-type': 'text/plain' })).status).toBe(415);
      expect(
        (await send(url, 'POST', body, { 'content-type': 'application/x-www-form-urlencoded' }))
          .status,
      ).toBe(415);
      // What fetch(url, { mode: 'no-cors', body: new Blob([...]) }) sends: a body and no type.
      const untyped = await send(url, 'POST', new Blob([body]));
      expect(untyped.status).toBe(415);
      expect((await untyped.json()).error).toBe('unsupported_media_type');
    }
    expect(
      (
        await send(`${m.url}/v1/channels/wechat/override`, 'PUT', '{"state":"down","forMs":1}', {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(415);
    expect(m.engine.totals().some((t) => t.counts.error.live > 0)).toBe(false);
    expect(m.engine.maintenance()).toEqual([]);
    expect(m.engine.channelView('wechat').state).toBe('healthy');
  });

  it('refuses a foreign Origin with 403, takes its own and the allowed ones', async () => {
    const json = { 'content-type': 'application/json' };
    const ingest = `${m.url}/v1/outcomes`;
    const evil = await send(ingest, 'POST', event, { ...json, origin: EVIL });
    expect(evil.status).toBe(403);
    expect((await evil.json()).error).toBe('forbidden_origin');
    expect((await send(ingest, 'POST', event, { ...json, origin: 'null' })).status).toBe(403);
    expect(
      (await send(`${m.url}/v1/maintenance`, 'POST', window, { ...json, origin: EVIL })).status,
    ).toBe(403);
    expect(
      (await send(`${m.url}/v1/channels/wechat/override`, 'DELETE', undefined, { origin: EVIL }))
        .status,
    ).toBe(403);
    expect(m.engine.totals().some((t) => t.counts.error.live > 0)).toBe(false);
    // The dashboard's own page, a listed origin, and programs (no Origin) write.
    expect((await send(ingest, 'POST', event, { ...json, origin: m.url })).status).toBe(202);
    expect(
      (await send(ingest, 'POST', event, { ...json, origin: 'https://ops.example.com' })).status,
    ).toBe(202);
    expect((await send(ingest, 'POST', event, json)).status).toBe(202);
    // Reads stay open to any page that may read them (no CORS headers: the browser keeps the answer).
    const read = await send(`${m.url}/v1/channels`, 'GET', undefined, { origin: EVIL });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers no CORS preflight', async () => {
    const pre = await send(`${m.url}/v1/outcomes`, 'OPTIONS', undefined, {
      origin: EVIL,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-headers')).toBeNull();
  });
});

/** A raw request with the Host and Origin a DNS-rebinding page sends (fetch will not set Host). */
function rebound(url: string, host: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { host, origin: `http://${host}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('DNS rebinding', () => {
  it('refuses a page whose own name was rebound to loopback; takes one that came by localhost', async () => {
    const port = m.port;
    expect(await rebound(`${m.url}/v1/outcomes`, `evil.example:${port}`, event)).toBe(403);
    expect(await rebound(`${simUrl}/_chaos/faults`, `evil.example:${port}`, fault)).toBe(403);
    expect(await rebound(`${m.url}/v1/outcomes`, `localhost:${port}`, event)).toBe(202);
    expect(await rebound(`${m.url}/v1/outcomes`, `127.0.0.1:${port}`, event)).toBe(202);
    const stream = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream`, {
        headers: { host: `evil.example:${port}` },
        origin: `http://evil.example:${port}`,
      });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', reject);
    });
    expect(stream).toBe(403);
  });
});

describe('simulator /_chaos writes', () => {
  const faults = async () =>
    ((await (await fetch(`${simUrl}/_chaos/faults`)).json()) as { faults: unknown[] }).faults;

  it('refuses forms, text/plain and untyped bodies (415) and foreign Origins (403)', async () => {
    const url = `${simUrl}/_chaos/faults`;
    expect((await send(url, 'POST', fault, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await send(url, 'POST', new Blob([fault]))).status).toBe(415);
    expect(
      (
        await send(`${simUrl}/_chaos/scenario/start`, 'POST', 'name=storm', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(415);
    const evil = await send(url, 'POST', fault, {
      'content-type': 'application/json',
      origin: EVIL,
    });
    expect(evil.status).toBe(403);
    expect((await evil.json()).code).toBe('forbidden_origin');
    expect(
      (await send(`${simUrl}/_chaos/faults`, 'DELETE', undefined, { origin: EVIL })).status,
    ).toBe(403);
    expect(await faults()).toEqual([]);
    const ok = await send(url, 'POST', fault, { 'content-type': 'application/json' });
    expect(ok.status).toBe(201);
    expect(await faults()).toHaveLength(1);
    expect((await send(`${simUrl}/_chaos/faults`, 'DELETE')).status).toBe(200);
  });

  it('refuses JSON pay bodies sent as forms (415) and answers {} or null with 400, not 500', async () => {
    const pay = `${simUrl}/wechat/v3/pay/transactions/codepay`;
    const good = JSON.stringify({ out_trade_no: 'o-1', amount: { total: 100 } });
    expect((await send(pay, 'POST', good, { 'content-type': 'text/plain' })).status).toBe(415);
    for (const body of ['{}', 'null', '[]', '"x"', '{', '{"out_trade_no":"o","amount":null}']) {
      const r = await send(pay, 'POST', body, { 'content-type': 'application/json' });
      expect(r.status, body).toBe(400);
      expect((await r.json()).code).toBe('PARAM_ERROR');
    }
  });
});
