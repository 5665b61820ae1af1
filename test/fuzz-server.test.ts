import { connect } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { ManualClock } from '../src/core/clock.ts';
import { Engine } from '../src/core/Engine.ts';
import { createApp } from '../src/server/createApp.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { Metrics } from '../src/server/Metrics.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const TOKEN = 'ingest-token-fuzz';
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank_a', 'bank_b'];
const MAX_BODY = 8192;

const validEvent = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    outcome: fc.constantFrom(
      'success',
      'decline',
      'risk_reject',
      'error',
      'timeout',
      'maintenance',
    ),
    latencyMs: fc.integer({ min: 0, max: 60_000 }),
    at: fc.integer({ min: T0 - 30_000, max: T0 }),
    store: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  },
  { requiredKeys: ['channel', 'outcome', 'latencyMs'] },
);

/** A request and, when it is a well-formed authorised ingest, the number of events it must be accepted with. */
type Case = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect?: number;
};

const wellFormed: fc.Arbitrary<Case> = fc
  .tuple(
    fc.array(validEvent, { minLength: 1, maxLength: 40 }),
    fc.constantFrom('array', 'single', 'ndjson'),
  )
  .map(([events, form]) => {
    const evs = form === 'single' ? events.slice(0, 1) : events;
    const body =
      form === 'ndjson'
        ? evs.map((e) => JSON.stringify(e)).join('\n')
        : JSON.stringify(form === 'single' ? evs[0] : evs);
    return {
      method: 'POST',
      path: '/v1/outcomes',
      body,
      headers: {
        'content-type': form === 'ndjson' ? 'application/x-ndjson' : 'application/json',
        authorization: `Bearer ${TOKEN}`,
      },
      expect: body.length <= MAX_BODY ? evs.length : undefined,
    };
  });

const garbageBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc
    .array(validEvent, { minLength: 1, maxLength: 10 })
    .chain((evs) => fc.nat({ max: 50 }).map((cut) => JSON.stringify(evs).slice(0, -1 - cut))),
  fc
    .tuple(fc.array(validEvent, { minLength: 1, maxLength: 10 }), fc.jsonValue(), fc.nat())
    .map(([evs, junk, i]) => {
      const at = i % (evs.length + 1);
      return JSON.stringify([...evs.slice(0, at), junk, ...evs.slice(at)]);
    }),
  fc
    .array(
      fc.record(
        {
          channel: fc.string(),
          latencyMs: fc.double(),
          outcome: fc.string(),
          at: fc.oneof(fc.string(), fc.double()),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 5 },
    )
    .map((x) => JSON.stringify(x)),
  fc.constant('x'.repeat(MAX_BODY + 1)),
);

const hostile: fc.Arbitrary<Case> = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
  path: fc.oneof(
    fc.constant('/v1/outcomes'),
    fc.constantFrom(
      '/v1/channels/wechat/override',
      '/v1/maintenance',
      '/v1/maintenance/mw-1',
      '/v1/decisions?since=-5',
      '/v1/decisions?since=1e999',
      '/v1/stream',
      '/%00',
      '/v1/channels/%2e%2e',
    ),
    fc.webPath(),
  ),
  headers: fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'application/x-ndjson',
        'text/plain',
        '',
        'application/json; charset=latin1',
        'x/x',
      ),
      authorization: fc.constantFrom(
        `Bearer ${TOKEN}`,
        'Bearer wrong',
        '',
        'Basic abc',
        `Bearer ${TOKEN} `,
        `bearer ${TOKEN}`,
      ),
    },
    { requiredKeys: [] },
  ),
  body: fc.option(garbageBody, { nil: undefined }),
});

describe('fuzz: HTTP', () => {
  it('answers thousands of random and malformed requests with 2xx/4xx only, accepting exactly the valid events', async () => {
    const clock = new ManualClock(T0);
    const config = resolveConfig({
      ...demoConfigInput(),
      tokens: { ingest: TOKEN, admin: 'admin-token-fuzz' },
    });
    const engine = new Engine(config.engine, { clock });
    const app = createApp({
      engine,
      metrics: new Metrics({ source: engine, processMetrics: false }),
      log: silentLogger,
      clock,
      tokens: config.tokens,
      maxBodyBytes: MAX_BODY,
    });
    let accepted = 0;
    let wellFormedSeen = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: wellFormed, weight: 1 }, { arbitrary: hostile, weight: 2 }),
        async (c) => {
          const headers = Object.fromEntries(Object.entries(c.headers).filter(([, v]) => v !== ''));
          const canHaveBody = c.method !== 'GET';
          const res = await app.request(c.path, {
            method: c.method,
            headers,
            ...(canHaveBody && c.body !== undefined && { body: c.body }),
          });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status).toBeLessThan(500);
          const text = await res.text();
          if (res.status === 202) accepted += JSON.parse(text).accepted;
          if (c.expect !== undefined) {
            wellFormedSeen++;
            expect(res.status).toBe(202);
            expect(JSON.parse(text)).toEqual({ accepted: c.expect });
          }
          if (res.status >= 400 && res.headers.get('content-type')?.includes('json'))
            expect(typeof JSON.parse(text).error).toBe('string');
        },
      ),
      { numRuns: 3000, seed: 20261122 },
    );
    const recorded = engine
      .totals()
      .reduce((n, t) => n + Object.values(t.counts).reduce((a, x) => a + x.live + x.probe, 0), 0);
    expect(wellFormedSeen).toBeGreaterThan(500);
    expect(recorded).toBe(accepted);
    expect([...statuses.keys()].sort()).toEqual(
      expect.arrayContaining([202, 400, 401, 404, 413, 415]),
    );
  });
});

describe('fuzz: WebSocket and raw sockets', () => {
  let m: RunningMonitor | undefined;
  afterEach(async () => {
    await m?.close();
  });

  it('survives random frames, oversized and invalid frames and garbage on the socket; the stream keeps serving', async () => {
    const vs = new VirtualScheduler(T0);
    m = await startMonitor({
      config: resolveConfig({ ...demoConfigInput(), port: 0 }),
      scheduler: vs,
      log: silentLogger,
      processMetrics: false,
    });
    const wsUrl = `${m.url.replace('http', 'ws')}/v1/stream`;
    const frames = fc.sample(
      fc.oneof(
        fc
          .string({ unit: 'binary', maxLength: 200 })
          .map((s) => ({ data: s as string | Buffer, binary: false })),
        fc.uint8Array({ maxLength: 200 }).map((b) => ({ data: Buffer.from(b), binary: true })),
        fc.json().map((s) => ({ data: s as string | Buffer, binary: false })),
        fc.constant({ data: Buffer.alloc(10_000, 1), binary: true }),
        fc.constant({ data: Buffer.from([0xff, 0xfe, 0xc3]), binary: false }),
      ),
      { numRuns: 400, seed: 7 },
    );
    const closes: number[] = [];
    for (let k = 0; k < 8; k++) {
      const ws = new WebSocket(wsUrl);
      ws.on('error', () => {});
      await new Promise<void>((resolve) => ws.once('message', () => resolve()));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      for (const f of frames.slice(k * 50, k * 50 + 50))
        if (ws.readyState === WebSocket.OPEN) ws.send(f.data, { binary: f.binary });
      ws.close();
      closes.push(await closed);
    }
    expect(closes.some((c) => c === 1009 || c === 1007)).toBe(true);

    const rawGarbage = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 500 }), {
      numRuns: 40,
      seed: 11,
    });
    const port = m.port;
    const exchange = (payload: Buffer | string, afterUpgrade?: Buffer) =>
      new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        let got = '';
        let upgraded = false;
        s.on('data', (d) => {
          got += d.toString('latin1');
          if (afterUpgrade && !upgraded && got.includes('\r\n\r\n')) {
            upgraded = true;
            s.write(afterUpgrade);
          }
        });
        s.on('error', () => {});
        s.on('close', () => resolve(got));
        s.write(payload);
        setTimeout(() => s.destroy(), 2000).unref();
      });
    const handshake = `GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const answers = await Promise.all([
      ...rawGarbage.slice(0, 20).map((g) => exchange(Buffer.from(g))),
      // a valid upgrade followed by bytes that are not a masked client frame
      ...rawGarbage
        .slice(20)
        .map((g) =>
          exchange(handshake, Buffer.concat([Buffer.from([0x81, 0x05]), Buffer.from(g)])),
        ),
      exchange(
        'GET /v1/stream?since=-1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
      exchange(
        'GET /elsewhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    ]);
    expect(answers.at(-2)).toMatch(/^HTTP\/1\.1 400/);
    expect(answers.at(-1)).toMatch(/^HTTP\/1\.1 404/);
    expect(answers.slice(20, 40).every((a) => a.startsWith('HTTP/1.1 101'))).toBe(true);

    // still serving, and every fuzzing client is gone
    expect((await fetch(`${m.url}/healthz`)).status).toBe(200);
    const ok = new WebSocket(wsUrl);
    const first = await new Promise<{ type: string }>((resolve) =>
      ok.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    expect(first.type).toBe('snapshot');
    ok.close();
    await new Promise((r) => ok.once('close', r));
    expect(m.stream.clientCount).toBe(0);
  });
});
