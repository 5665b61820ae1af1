// Events and operator writes that lie or overflow: latencies past an hour, `source: "probe"` from
// anyone but a prober holding the probe token, times and durations out of range. Each is refused
// with the field named, and nothing of the request is recorded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { ManualClock } from '../src/core/clock.ts';
import { Engine } from '../src/core/Engine.ts';
import { describeIssues, MAX_LATENCY_MS, parseOutcomes } from '../src/core/parse.ts';
import { createApp } from '../src/server/createApp.ts';
import { Metrics } from '../src/server/Metrics.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const INGEST = 'ingest-token-456';
const PROBE = 'probe-token-789';
const ADMIN = 'admin-token-123';

function setup(tokens: { ingest?: string; probe?: string; admin?: string } = {}) {
  const clock = new ManualClock(T0);
  const engine = new Engine(resolveConfig(demoConfigInput()).engine, { clock, epoch: 'e' });
  const metrics = new Metrics({ source: engine, processMetrics: false });
  const app = createApp({ engine, metrics, clock, tokens, dashboard: false });
  const send = (method: string, path: string, body: unknown, token?: string) =>
    app.request(path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const recorded = () =>
    engine
      .totals()
      .reduce((n, t) => n + Object.values(t.counts).reduce((a, c) => a + c.live + c.probe, 0), 0);
  return { engine, metrics, send, recorded, clock };
}

const detailPaths = async (r: Response) =>
  ((await r.json()) as { details: { path: string }[] }).details.map((d) => d.path);

describe('ingest refuses events that lie', () => {
  it('refuses latencies past an hour, naming latencyMs; the histogram sum stays finite', async () => {
    const s = setup();
    for (const latencyMs of [1e308, MAX_LATENCY_MS + 1]) {
      const r = await s.send('POST', '/v1/outcomes', {
        channel: 'wechat',
        outcome: 'success',
        latencyMs,
      });
      expect(r.status).toBe(400);
      expect(await detailPaths(r)).toEqual(['latencyMs']);
    }
    // `1e999` is Infinity once parsed.
    const inf = await s.send(
      'POST',
      '/v1/outcomes',
      '{"channel":"wechat","outcome":"success","latencyMs":1e999}',
    );
    expect(inf.status).toBe(400);
    expect(s.recorded()).toBe(0);
    const ok = await s.send('POST', '/v1/outcomes', {
      channel: 'wechat',
      outcome: 'success',
      latencyMs: MAX_LATENCY_MS,
    });
    expect(ok.status).toBe(202);
    const text = await s.metrics.text();
    const sum = /switchyard_latency_seconds_sum\{[^}]*channel="wechat"[^}]*\} (\S+)/.exec(text)![1];
    expect(Number(sum)).toBe(3600);
  });

  it('refuses source "probe" from anyone without the probe token, the batch whole', async () => {
    const s = setup({ ingest: INGEST });
    const probe = { channel: 'unionpay', outcome: 'error', latencyMs: 5, source: 'probe' };
    const live = { channel: 'unionpay', outcome: 'success', latencyMs: 5 };
    const r = await s.send('POST', '/v1/outcomes', [live, probe, probe, probe], INGEST);
    expect(r.status).toBe(400);
    const body = (await r.json()) as {
      details: { index: number; path: string; message: string }[];
    };
    expect(body.details.map((d) => [d.index, d.path])).toEqual([
      [1, 'source'],
      [2, 'source'],
      [3, 'source'],
    ]);
    expect(body.details[0].message).toContain('tokens.probe');
    expect(s.recorded()).toBe(0);
    expect(s.engine.channelView('unionpay').state).toBe('healthy');
  });

  it('takes probe events from the holder of the probe token, and only probe-token or ingest-token holders ingest', async () => {
    const s = setup({ ingest: INGEST, probe: PROBE });
    const probe = { channel: 'unionpay', outcome: 'error', latencyMs: 5, source: 'probe' };
    expect((await s.send('POST', '/v1/outcomes', probe, INGEST)).status).toBe(400);
    expect((await s.send('POST', '/v1/outcomes', probe, 'not-a-token')).status).toBe(401);
    expect((await s.send('POST', '/v1/outcomes', probe)).status).toBe(401);
    expect((await s.send('POST', '/v1/outcomes', [probe, probe, probe], PROBE)).status).toBe(202);
    expect(s.engine.totals().find((t) => t.id === 'unionpay')!.counts.error.probe).toBe(3);
    expect(s.engine.channelView('unionpay').state).toBe('down');
  });

  it('holds the fast and the field-by-field paths to one verdict on latency and source', () => {
    const { engine } = setup();
    const ctx = { now: T0, engine, probe: false };
    const event = fc.record({
      channel: fc.constant('wechat'),
      outcome: fc.constant('success'),
      latencyMs: fc.oneof(
        fc.integer({ min: 0, max: 2 * MAX_LATENCY_MS }),
        fc.constantFrom(MAX_LATENCY_MS, MAX_LATENCY_MS + 0.5, 1e308, Number.POSITIVE_INFINITY),
      ),
      source: fc.constantFrom(undefined, 'live', 'probe'),
    });
    fc.assert(
      fc.property(event, (e) => {
        const fast = parseOutcomes(e, ctx);
        const issues: Parameters<typeof describeIssues>[3] = [];
        describeIssues(e, 0, ctx, issues);
        expect(fast.ok).toBe(issues.length === 0);
        expect(fast.ok).toBe(e.latencyMs <= MAX_LATENCY_MS && e.source !== 'probe');
      }),
      { numRuns: 500 },
    );
  });
});

describe('operator writes out of range', () => {
  it('refuses forMs, until, to and leadMs that no plan has, naming each', async () => {
    const s = setup({ admin: ADMIN });
    const put = (body: string) => s.send('PUT', '/v1/channels/wechat/override', body, ADMIN);
    const maint = (body: object) => s.send('POST', '/v1/maintenance', body, ADMIN);
    const forever = await put('{"state":"down","forMs":1e999}');
    expect(forever.status).toBe(400);
    expect(await detailPaths(forever)).toEqual(['forMs']);
    expect(await detailPaths(await put('{"state":"down","forMs":1e300}'))).toEqual(['forMs']);
    expect(await detailPaths(await put('{"state":"down","until":1e300}'))).toEqual(['until']);
    expect(
      await detailPaths(await maint({ channel: 'wechat', from: T0 + 1000, to: 1e300 })),
    ).toEqual(['to']);
    expect(
      await detailPaths(
        await maint({ channel: 'wechat', from: T0 + 1000, to: T0 + 2000, leadMs: 1e300 }),
      ),
    ).toEqual(['leadMs']);
    expect(s.engine.maintenance()).toEqual([]);
    expect(s.engine.channelView('wechat').state).toBe('healthy');
  });
});
