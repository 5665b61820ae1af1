// An attacker's page on another origin, in real Chromium, against a tokenless monitor and
// simulator on loopback (the default commands): form posts (text/plain and urlencoded), no-cors
// fetches with Blob and string bodies, a beacon, a CORS fetch, and a cross-origin WebSocket.
// Every request reaches the servers (they are counted) and none writes or reads a thing; and with
// the attacker's origin allowed (the Origin check out of the way), the media-type check alone holds.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createAdaptorServer } from '@hono/node-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { createLogger } from '../src/server/Logger.ts';
import { closeServer } from '../src/server/listen.ts';
import { startMonitor } from '../src/server/startMonitor.ts';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import { DEFAULT_BASELINE } from '../simulators/channels/ChannelProfile.ts';
import { createSimulation } from '../simulators/createSimulation.ts';
import { createSimulatorApp } from '../simulators/http/createSimulatorApp.ts';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core') as typeof import('playwright-core');
const CHROMIUM = '/usr/bin/chromium';

/** The attacker's page: every trick a page has for writing to another origin without its consent. */
const ATTACK = `<!doctype html><meta charset="utf-8"><body><script>
const q = new URLSearchParams(location.search);
const MON = q.get('monitor'), SIM = q.get('sim');
const now = Date.now();
const events = JSON.stringify(Array.from({ length: 31 }, (_, i) =>
  ({ channel: i % 2 ? 'unionpay' : 'bank_a', outcome: 'error', code: 'SYSTEMERROR', latencyMs: 5 })));
const win = JSON.stringify({ channel: 'wechat', from: now + 1000, to: now + 3600000, leadMs: 0 });
const fault = { channel: 'wechat', kind: 'error', for: '30m', probability: 1 };
const results = { forms: 0, fetches: [], ws: [] };
function textPlainForm(url, json) {
  // A text/plain form sends name=value: the name carries the JSON up to a string the value closes.
  return form(url, 'text/plain', json.slice(0, -1) + ',"note":"', '"}');
}
function form(url, enctype, name, value) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'f' + Math.random().toString(36).slice(2);
    document.body.append(frame);
    const f = document.createElement('form');
    f.method = 'POST'; f.action = url; f.enctype = enctype; f.target = frame.name;
    const input = document.createElement('input');
    input.name = name; input.value = value; f.append(input);
    document.body.append(f);
    const t = setTimeout(resolve, 3000);
    frame.onload = () => { clearTimeout(t); results.forms++; resolve(); };
    f.submit();
  });
}
async function tryFetch(url, init) {
  try { const r = await fetch(url, init); results.fetches.push([url, r.type, r.status]); }
  catch (e) { results.fetches.push([url, 'error', String(e)]); }
}
function socket(url) {
  return new Promise((resolve) => {
    const got = { url, messages: 0, opened: false };
    let ws;
    try { ws = new WebSocket(url); } catch (e) { got.error = String(e); results.ws.push(got); return resolve(); }
    ws.onopen = () => { got.opened = true; };
    ws.onmessage = () => { got.messages++; };
    const done = () => { results.ws.push(got); resolve(); };
    ws.onclose = done;
    setTimeout(() => { try { ws.close(); } catch {} }, 1500);
  });
}
(async () => {
  await Promise.all([
    textPlainForm(MON + '/v1/maintenance', win),
    textPlainForm(MON + '/v1/outcomes', JSON.stringify({ channel: 'wechat', outcome: 'error', latencyMs: 5 })),
    textPlainForm(SIM + '/_chaos/faults', JSON.stringify(fault)),
    form(SIM + '/_chaos/faults', 'application/x-www-form-urlencoded', 'channel', 'wechat'),
    form(SIM + '/_chaos/scenario/stop', 'application/x-www-form-urlencoded', 'x', '1'),
  ]);
  const noCors = (body) => ({ method: 'POST', mode: 'no-cors', body });
  await tryFetch(MON + '/v1/outcomes', noCors(new Blob([events])));
  await tryFetch(MON + '/v1/outcomes', noCors(events));
  await tryFetch(MON + '/v1/maintenance', noCors(new Blob([win])));
  await tryFetch(MON + '/v1/channels/wechat/override', { method: 'PUT', mode: 'no-cors', body: '{"state":"down","forMs":600000}' });
  await tryFetch(SIM + '/_chaos/faults', noCors(new Blob([JSON.stringify(fault)])));
  await tryFetch(SIM + '/_chaos/scenario/start', noCors(new Blob(['{"name":"storm"}'])));
  await tryFetch(MON + '/v1/outcomes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: events });
  await tryFetch(SIM + '/_chaos/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  try {
    results.beacon = navigator.sendBeacon(MON + '/v1/outcomes', new Blob([events], { type: 'application/json' }));
  } catch (e) { results.beacon = String(e); }
  try { navigator.sendBeacon(MON + '/v1/outcomes', new Blob([events])); } catch {}
  await socket(MON.replace('http', 'ws') + '/v1/stream');
  await socket(MON.replace('http', 'ws') + '/v1/stream?stats=0');
  await new Promise((r) => setTimeout(r, 300));
  window.results = results;
})();
</script>`;

/** A tokenless monitor and simulator on loopback, counting what reaches them. */
async function targets(allowedOrigins: string[]) {
  const refused: Record<string, unknown>[] = [];
  const simHits: string[] = [];
  const log = createLogger({
    stream: {
      write: (l) => {
        const line = JSON.parse(l);
        if (line.msg === 'request refused' || line.msg === 'stream refused') refused.push(line);
      },
    },
  });
  const monitor = await startMonitor({
    config: resolveConfig({ ...demoConfigInput(), allowedOrigins }),
    port: 0,
    host: '127.0.0.1',
    log,
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
      allowedOrigins,
      scenarios: { storm: [{ channel: 'wechat', kind: 'error', for: '30m' }] },
    },
  });
  const sim = createAdaptorServer({
    fetch: (req, env) => {
      if (req.method !== 'GET') simHits.push(`${req.method} ${new URL(req.url).pathname}`);
      return app.fetch(req, env);
    },
  }) as Server;
  await new Promise<void>((r) => sim.listen(0, '127.0.0.1', r));
  return {
    monitor,
    simUrl: `http://127.0.0.1:${(sim.address() as AddressInfo).port}`,
    refused,
    simHits,
    faults: () => s.sim.faults.list(),
    running: async () =>
      ((await (await app.request('/_chaos/scenarios')).json()) as { running: unknown }).running,
    async close() {
      await monitor.close();
      await closeServer(sim);
    },
  };
}

type Targets = Awaited<ReturnType<typeof targets>>;

interface Results {
  forms: number;
  fetches: [string, string, number | string][];
  ws: { messages: number; opened: boolean }[];
}

describe.skipIf(!existsSync(CHROMIUM))('an attacker page in chromium', () => {
  let browser: Browser;
  let attacker: Server;
  let attackerOrigin: string;
  const open: Targets[] = [];

  beforeAll(async () => {
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(ATTACK);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    // Another origin: the same host, the attacker's own port.
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const t of open) await t.close();
    if (attacker) await closeServer(attacker);
  });

  async function attack(t: Targets): Promise<Results> {
    const page = await browser.newPage();
    await page.goto(
      `${attackerOrigin}/?monitor=${encodeURIComponent(t.monitor.url)}&sim=${encodeURIComponent(t.simUrl)}`,
    );
    await page.waitForFunction(
      () => (window as { results?: unknown }).results !== undefined,
      null,
      {
        timeout: 20_000,
      },
    );
    const results = (await page.evaluate(
      () => (window as { results?: unknown }).results,
    )) as Results;
    await page.close();
    return results;
  }

  async function expectNothingWritten(t: Targets, results: Results) {
    const { engine } = t.monitor;
    const counts = engine.totals().flatMap((x) => Object.values(x.counts));
    expect(counts.some((c) => c.live > 0 || c.probe > 0)).toBe(false);
    expect(engine.maintenance()).toEqual([]);
    expect(engine.channels().every((c) => c.state === 'healthy')).toBe(true);
    expect(t.faults()).toEqual([]);
    expect(await t.running()).toBeNull();
    expect(results.forms).toBe(5);
    // The attacks did reach both servers: each was refused there, not lost on the way.
    expect(t.simHits.filter((h) => h.startsWith('POST /_chaos')).length).toBeGreaterThanOrEqual(5);
    expect(t.refused.filter((l) => l.method === 'POST').length).toBeGreaterThanOrEqual(5);
  }

  it('gets no write through to the monitor or the simulator, and reads no stream', async () => {
    const t = await targets([]);
    open.push(t);
    const results = await attack(t);
    await expectNothingWritten(t, results);
    // A foreign Origin is refused before anything else; the socket never opens.
    expect(t.refused.filter((l) => l.method === 'POST').every((l) => l.status === 403)).toBe(true);
    expect(results.ws).toHaveLength(2);
    for (const w of results.ws) expect(w).toMatchObject({ messages: 0, opened: false });
    expect(t.refused.filter((l) => l.msg === 'stream refused')).toHaveLength(2);
  }, 40_000);

  it('with the Origin check out of the way, the JSON media type alone still refuses every write', async () => {
    const t = await targets([attackerOrigin]);
    open.push(t);
    const results = await attack(t);
    await expectNothingWritten(t, results);
    const posts = t.refused.filter((l) => l.method === 'POST');
    expect(posts.every((l) => l.status === 415)).toBe(true);
  }, 40_000);
});
