import { beforeEach, describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { ManualClock } from '../src/core/clock.ts';
import type { Decision } from '../src/core/decision.ts';
import { Engine } from '../src/core/Engine.ts';
import { createApp } from '../src/server/createApp.ts';
import { createLogger } from '../src/server/Logger.ts';
import { Metrics } from '../src/server/Metrics.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const ADMIN = 'admin-token-123';
const INGEST = 'ingest-token-456';

function setup(
  extra: Parameters<typeof createApp>[0] extends infer O ? Partial<O> : never = {},
  tokens = true,
) {
  const clock = new ManualClock(T0);
  const config = resolveConfig({
    ...demoConfigInput(),
    ...(tokens && { tokens: { admin: ADMIN, ingest: INGEST } }),
  });
  const engine = new Engine(config.engine, { clock, epoch: 'epoch-1' });
  const metrics = new Metrics({ source: engine, processMetrics: false });
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ clock, stream: { write: (l) => lines.push(JSON.parse(l)) } });
  const decisions: Decision[] = [];
  engine.onDecision((d) => decisions.push(d));
  const app = createApp({
    engine,
    metrics,
    log,
    clock,
    tokens: config.tokens,
    maxBodyBytes: 4096,
    ...extra,
  });
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request('/v1/outcomes', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${INGEST}`,
        ...headers,
      },
    });
  const admin = (method: string, path: string, body?: unknown, token: string | null = ADMIN) =>
    app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const totalRecorded = () =>
    engine
      .totals()
      .reduce((n, t) => n + Object.values(t.counts).reduce((a, c) => a + c.live + c.probe, 0), 0);
  return { clock, engine, metrics, app, lines, decisions, post, admin, totalRecorded };
}

describe('monitor HTTP API', () => {
  let s: ReturnType<typeof setup>;
  beforeEach(() => {
    s = setup();
  });

  it('serves health, channels, pools and the dashboard', async () => {
    const h = await s.app.request('/healthz');
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', epoch: 'epoch-1', seq: 0 });
    const { channels } = await (await s.app.request('/v1/channels')).json();
    expect(channels.map((c: { id: string }) => c.id)).toEqual([
      'wechat',
      'alipay',
      'unionpay',
      'bank_a',
      'bank_b',
    ]);
    expect(channels[0]).toMatchObject({ id: 'wechat', pool: 'qr', state: 'healthy', reason: null });
    expect(Object.keys(channels[0].windows)).toEqual(['10s', '60s']);
    expect(channels[0].windows['10s']).toHaveProperty('errorRate');
    expect(channels[0].windows['10s']).toHaveProperty('p95Ms');
    const { pools } = await (await s.app.request('/v1/pools')).json();
    expect(pools.map((p: { id: string }) => p.id)).toEqual(['qr', 'card']);
    const sum = Object.values(pools[0].weights as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(sum).toBeCloseTo(1, 9);
    const page = await s.app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await s.app.request('/nope')).status).toBe(404);
    expect((await s.app.request('/v1/stream')).status).toBe(426);
  });

  it('ingests one event, an array and NDJSON; counts reach the engine', async () => {
    const one = await s.post(
      JSON.stringify({ channel: 'wechat', outcome: 'success', latencyMs: 120 }),
    );
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ accepted: 1 });
    const arr = await s.post(
      JSON.stringify([
        { channel: 'alipay', code: 'SUCCESS', latencyMs: 80 },
        { channel: 'bank_a', outcome: 'decline', latencyMs: 50, at: T0 - 1000 },
      ]),
    );
    expect(await arr.json()).toEqual({ accepted: 2 });
    const nd = await s.post(
      '{"channel":"unionpay","outcome":"success","latencyMs":1}\n\n{"channel":"unionpay","outcome":"timeout","latencyMs":3000}\n',
      { 'content-type': 'application/x-ndjson' },
    );
    expect(nd.status).toBe(202);
    expect(await nd.json()).toEqual({ accepted: 2 });
    expect(s.totalRecorded()).toBe(5);
    const union = s.engine.totals().find((t) => t.id === 'unionpay')!;
    expect(union.counts.timeout.live).toBe(1);
  });

  it('refuses a batch with one bad event whole, with details, and records nothing', async () => {
    const res = await s.post(
      JSON.stringify([
        { channel: 'wechat', outcome: 'success', latencyMs: 10 },
        { channel: 'wechat', outcome: 'nope', latencyMs: -1 },
      ]),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('invalid_events');
    expect(
      body.details.map((d: { index: number; path: string }) => [d.index, d.path]).sort(),
    ).toEqual([
      [1, 'latencyMs'],
      [1, 'outcome'],
    ]);
    expect(s.totalRecorded()).toBe(0);
    expect(s.lines.filter((l) => l.msg === 'request refused')).toHaveLength(1);
  });

  it('answers 400 for broken JSON and NDJSON, 415 for other types, 413 for large bodies (declared or streamed)', async () => {
    expect((await s.post('{"channel": "wec')).status).toBe(400);
    const nd = await s.post('{"channel":"wechat","outcome":"success","latencyMs":1}\n{oops\n', {
      'content-type': 'application/x-ndjson',
    });
    expect(nd.status).toBe(400);
    expect((await nd.json()).details[0].index).toBe(1);
    expect(
      (await s.post('channel=wechat', { 'content-type': 'application/x-www-form-urlencoded' }))
        .status,
    ).toBe(415);
    const big = JSON.stringify(
      Array.from({ length: 100 }, () => ({ channel: 'wechat', outcome: 'success', latencyMs: 1 })),
    );
    expect(big.length).toBeGreaterThan(4096);
    expect((await s.post(big)).status).toBe(413);
    const enc = new TextEncoder().encode(big);
    const streamed = new ReadableStream({
      start(c) {
        for (let i = 0; i < enc.length; i += 1000) c.enqueue(enc.slice(i, i + 1000));
        c.close();
      },
    });
    const res = await s.app.request('/v1/outcomes', {
      method: 'POST',
      body: streamed,
      duplex: 'half',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST}` },
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(s.totalRecorded()).toBe(0);
  });

  it('needs the ingest token for ingest and the admin token for writes', async () => {
    const ev = JSON.stringify({ channel: 'wechat', outcome: 'success', latencyMs: 1 });
    expect((await s.post(ev, { authorization: '' })).status).toBe(401);
    expect((await s.post(ev, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await s.post(ev, { authorization: `Bearer ${ADMIN}` })).status).toBe(401);
    const override = { state: 'down', forMs: 60_000, reason: 'bank notice' };
    expect((await s.admin('PUT', '/v1/channels/wechat/override', override, null)).status).toBe(401);
    expect((await s.admin('PUT', '/v1/channels/wechat/override', override, INGEST)).status).toBe(
      401,
    );
    expect(
      (
        await s.admin(
          'POST',
          '/v1/maintenance',
          { channel: 'wechat', from: T0 + 1, to: T0 + 2 },
          null,
        )
      ).status,
    ).toBe(401);
    expect((await s.admin('DELETE', '/v1/maintenance/mw-1', undefined, null)).status).toBe(401);
    expect(s.decisions).toEqual([]);
    // reads stay open
    expect((await s.app.request('/v1/channels')).status).toBe(200);
    // without configured tokens, writes are open
    const open = setup({}, false);
    expect((await open.post(ev, { authorization: '' })).status).toBe(202);
  });

  it('drives a channel down with ingested errors and lists the decision', async () => {
    const burst = Array.from({ length: 60 }, (_, i) => ({
      channel: 'wechat',
      outcome: i % 10 ? 'error' : 'success',
      latencyMs: 200,
    }));
    expect((await s.post(JSON.stringify(burst))).status).toBe(202);
    expect(s.decisions.length).toBeGreaterThan(0);
    const d = s.decisions[0];
    expect(d).toMatchObject({
      type: 'decision',
      seq: 1,
      channel: 'wechat',
      pool: 'qr',
      from: 'healthy',
      to: 'down',
    });
    const { channels } = await (await s.app.request('/v1/channels')).json();
    expect(channels.find((c: { id: string }) => c.id === 'wechat').state).toBe('down');
    const { decisions } = await (await s.app.request('/v1/decisions?since=0&limit=10')).json();
    expect(decisions[0]).toEqual(JSON.parse(JSON.stringify(d)));
    expect((await (await s.app.request('/v1/decisions?since=1')).json()).decisions).toEqual([]);
    expect((await s.app.request('/v1/decisions?since=-1')).status).toBe(400);
    expect((await s.app.request('/v1/decisions?limit=abc')).status).toBe(400);
  });

  it('answers with what is retained, marked truncated, when older decisions are gone', async () => {
    const clock = new ManualClock(T0);
    const config = resolveConfig({ ...demoConfigInput(), decisionLog: 5 });
    const engine = new Engine(config.engine, { clock });
    const app = createApp({
      engine,
      metrics: new Metrics({ source: engine, processMetrics: false }),
      clock,
    });
    for (let i = 0; i < 20; i++) {
      if (i % 2) engine.clearOverride('bank_b');
      else engine.setOverride('bank_b', { state: 'down', until: T0 + 60_000, reason: 't' });
    }
    const body = await (await app.request('/v1/decisions?since=0')).json();
    expect(body.truncated).toBe(true);
    // Everything still kept (at least the configured 5), from the oldest retained decision on.
    const seqs = body.decisions.map((d: { seq: number }) => d.seq);
    expect(seqs[0]).toBe(engine.firstRetainedSeq);
    expect(seqs[0]).toBeGreaterThan(1);
    expect(seqs).toEqual(Array.from({ length: 21 - seqs[0] }, (_, i) => seqs[0] + i));
    expect(seqs.length).toBeGreaterThanOrEqual(5);
    const recent = await (await app.request('/v1/decisions?since=18')).json();
    expect(recent.truncated).toBeUndefined();
    expect(recent.decisions.map((d: { seq: number }) => d.seq)).toEqual([19, 20]);
  });

  it('sets and clears overrides', async () => {
    const put = await s.admin('PUT', '/v1/channels/alipay/override', {
      state: 'down',
      until: new Date(T0 + 3_600_000).toISOString(),
      reason: 'bank notice',
    });
    expect(put.status).toBe(200);
    const body = await put.json();
    expect(body.decision).toMatchObject({ channel: 'alipay', to: 'down', reason: 'manual' });
    expect(body.channel.override).toEqual({
      state: 'down',
      until: T0 + 3_600_000,
      reason: 'bank notice',
    });
    const del = await s.admin('DELETE', '/v1/channels/alipay/override');
    expect((await del.json()).decision).toMatchObject({
      channel: 'alipay',
      from: 'down',
      reason: 'manual',
    });
    expect(
      (await (await s.admin('DELETE', '/v1/channels/alipay/override')).json()).decision,
    ).toBeNull();
    expect(
      (await s.admin('PUT', '/v1/channels/alipay/override', { state: 'sideways', forMs: 1000 }))
        .status,
    ).toBe(400);
    expect(
      (await s.admin('PUT', '/v1/channels/alipay/override', { state: 'down', until: T0 - 1 }))
        .status,
    ).toBe(400);
    expect((await s.admin('PUT', '/v1/channels/alipay/override', { state: 'down' })).status).toBe(
      400,
    );
    expect(
      (await s.admin('PUT', '/v1/channels/nope/override', { state: 'down', forMs: 1000 })).status,
    ).toBe(404);
    const notJson = await s.app.request('/v1/channels/alipay/override', {
      method: 'PUT',
      body: '{',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    });
    expect(notJson.status).toBe(400);
    // A body not declared as JSON is refused before it is read (a web form cannot send JSON).
    const plain = await s.app.request('/v1/channels/alipay/override', {
      method: 'PUT',
      body: JSON.stringify({ state: 'down', forMs: 1000 }),
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(plain.status).toBe(415);
    expect(s.engine.channelView('alipay').state).not.toBe('down');
  });

  it('plans maintenance in an IANA time zone: drains before the window, probes back after it', async () => {
    // 2026-11-22 09:00-10:00 in Shanghai is 01:00-02:00 UTC, i.e. T0+1h .. T0+2h
    const res = await s.admin('POST', '/v1/maintenance', {
      channel: 'unionpay',
      start: '2026-11-22 09:00',
      end: '2026-11-22 10:00',
      timeZone: 'Asia/Shanghai',
      leadMs: 600_000,
      reason: 'upgrade',
    });
    expect(res.status).toBe(201);
    const { window } = await res.json();
    expect(window).toMatchObject({
      channel: 'unionpay',
      from: T0 + 3_600_000,
      to: T0 + 7_200_000,
      leadMs: 600_000,
      reason: 'upgrade',
    });
    expect((await (await s.app.request('/v1/maintenance')).json()).maintenance).toEqual([window]);
    s.clock.set(T0 + 3_600_000 - 600_000);
    s.engine.tick();
    expect(s.decisions.at(-1)).toMatchObject({
      channel: 'unionpay',
      to: 'maintenance',
      reason: 'maintenance_window',
    });
    s.clock.set(T0 + 7_200_000);
    s.engine.tick();
    expect(s.decisions.at(-1)).toMatchObject({
      channel: 'unionpay',
      from: 'maintenance',
      to: 'probing',
      reason: 'maintenance_end',
    });

    const w2 = (
      await (
        await s.admin('POST', '/v1/maintenance', {
          channel: 'bank_a',
          from: '2026-11-23T02:00:00+08:00',
          to: '2026-11-23T04:00:00+08:00',
        })
      ).json()
    ).window;
    expect(w2.leadMs).toBe(60_000);
    expect((await s.admin('DELETE', `/v1/maintenance/${w2.id}`)).status).toBe(200);
    expect((await s.admin('DELETE', `/v1/maintenance/${w2.id}`)).status).toBe(404);
    expect(
      (
        await s.admin('POST', '/v1/maintenance', {
          channel: 'bank_a',
          start: '2026-11-23 02:00',
          end: '2026-11-23 04:00',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await s.admin('POST', '/v1/maintenance', {
          channel: 'bank_a',
          start: '2026-11-23 04:00',
          end: '2026-11-23 02:00',
          timeZone: 'UTC',
        })
      ).status,
    ).toBe(400);
    expect(
      (await s.admin('POST', '/v1/maintenance', { channel: 'nope', from: T0 + 1, to: T0 + 2 }))
        .status,
    ).toBe(400);
  });

  it('relays the simulator fault timeline, or none without a simulator', async () => {
    expect(await (await s.app.request('/v1/faults')).json()).toEqual({ faults: [] });
    // The timeline says which faults are coming: with an admin token configured, the relay needs it.
    const read = { headers: { authorization: `Bearer ${ADMIN}` } };
    const asked: string[] = [];
    const fake = (async (url: string) => {
      asked.push(url);
      return Response.json({
        faults: [{ id: 'f1', channel: 'wechat', kind: 'error', from: 1, to: 2 }],
      });
    }) as unknown as typeof fetch;
    const withSim = setup({ simulatorUrl: 'http://sim:8081', fetch: fake });
    expect((await withSim.app.request('/v1/faults')).status).toBe(401);
    expect(asked).toEqual([]);
    expect(await (await withSim.app.request('/v1/faults', read)).json()).toEqual({
      faults: [{ id: 'f1', channel: 'wechat', kind: 'error', from: 1, to: 2 }],
    });
    expect(asked).toEqual(['http://sim:8081/_chaos/timeline']);
    // the simulator's own shape: each fault's final window under `windows`, with its token
    let auth = '';
    const real = (async (_url: string, init: RequestInit) => {
      auth = new Headers(init.headers).get('authorization') ?? '';
      return Response.json({
        now: 5,
        scenario: null,
        events: [],
        windows: [{ id: 'f2', channel: 'alipay', kind: 'timeout', from: 3, to: 4 }],
      });
    }) as unknown as typeof fetch;
    const sim = setup({
      simulatorUrl: 'http://sim:8081',
      simulatorToken: 'chaos-token',
      fetch: real,
    });
    expect(await (await sim.app.request('/v1/faults', read)).json()).toEqual({
      faults: [{ id: 'f2', channel: 'alipay', kind: 'timeout', from: 3, to: 4 }],
    });
    expect(auth).toBe('Bearer chaos-token');
    const down = setup({
      simulatorUrl: 'http://sim:8081',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as unknown as typeof fetch,
    });
    expect((await down.app.request('/v1/faults', read)).status).toBe(502);
  });

  it('exposes every metric of DEVELOPERS.md with counts that match what was ingested', async () => {
    await s.post(
      JSON.stringify([
        { channel: 'wechat', outcome: 'success', latencyMs: 120 },
        { channel: 'wechat', outcome: 'timeout', latencyMs: 3000 },
        { channel: 'bank_b', code: 'NO_SUCH_CODE_X', latencyMs: 5 },
      ]),
    );
    await s.post('{"bad', {});
    const res = await s.app.request('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'switchyard_outcomes_total',
      'switchyard_unknown_codes_total',
      'switchyard_late_events_total',
      'switchyard_latency_seconds',
      'switchyard_channel_state',
      'switchyard_channel_weight',
      'switchyard_channel_error_rate',
      'switchyard_channel_p95_seconds',
      'switchyard_pool_panic',
      'switchyard_decisions_total',
      'switchyard_ingest_events_total',
      'switchyard_ingest_requests_total',
      'switchyard_ws_clients',
      'switchyard_probe_results_total',
      'switchyard_decision_seq',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain(
      'switchyard_outcomes_total{channel="wechat",pool="qr",outcome="timeout",source="live"} 1',
    );
    expect(text).toContain(
      'switchyard_outcomes_total{channel="wechat",pool="qr",outcome="success",source="live"} 1',
    );
    expect(text).toContain('switchyard_unknown_codes_total{channel="bank_b"} 1');
    expect(text).toContain('switchyard_ingest_events_total{result="accepted"} 3');
    expect(text).toContain('switchyard_ingest_requests_total{status="202"} 1');
    expect(text).toContain('switchyard_ingest_requests_total{status="400"} 1');
    expect(text).toContain('switchyard_latency_seconds_count{channel="wechat",pool="qr"} 2');
    expect(text).toMatch(
      /switchyard_latency_seconds_bucket\{channel="wechat",pool="qr",le="\+Inf"\} 2/,
    );
    expect(text).toContain(
      'switchyard_channel_state{channel="wechat",pool="qr",state="healthy"} 1',
    );
    expect(text).toContain('switchyard_channel_state{channel="wechat",pool="qr",state="down"} 0');
    expect(text).toContain('switchyard_decision_seq 0');
  });
});
