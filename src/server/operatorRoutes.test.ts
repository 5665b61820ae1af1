import { describe, expect, it } from 'vitest';
import { demoConfigInput } from '../config/demoConfig.ts';
import { resolveConfig } from '../config/loadConfig.ts';
import { ManualClock } from '../core/clock.ts';
import { Engine } from '../core/Engine.ts';
import { createApp } from './createApp.ts';
import { Metrics } from './Metrics.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');
const ADMIN = 'admin-token-op';

function setup() {
  const clock = new ManualClock(T0);
  const config = resolveConfig({ ...demoConfigInput(), tokens: { admin: ADMIN } });
  const engine = new Engine(config.engine, { clock, epoch: 'epoch-op' });
  const app = createApp({
    engine,
    metrics: new Metrics({ source: engine, processMetrics: false }),
    clock,
    tokens: config.tokens,
  });
  /** Sends `body` as raw text, so non-JSON numbers such as 1e999 reach the server as written. */
  const send = (method: string, path: string, body: string, token: string | null = ADMIN) =>
    app.request(path, {
      method,
      body,
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
    });
  return { clock, engine, app, send };
}

type Problem = { path: string; message: string };

/** The 400 answer's details, checked for the shape every invalid_request has. */
async function refused(res: Response): Promise<Problem[]> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { error: string; message: string; details: Problem[] };
  expect(body.error).toBe('invalid_request');
  for (const d of body.details) {
    expect(body.message).toContain(`${d.path || 'body'}: ${d.message}`);
    expect(d.message.length).toBeGreaterThan(10);
  }
  return body.details;
}

const OVERRIDE = '/v1/channels/alipay/override';

describe('PUT /v1/channels/:id/override body', () => {
  const bad: [string, string, string, RegExp][] = [
    ['state unknown', '{"state":"sideways","forMs":1000}', 'state', /one of healthy, degraded/],
    ['state missing', '{"forMs":1000}', 'state', /one of healthy/],
    ['forMs zero', '{"state":"down","forMs":0}', 'forMs', /> 0/],
    ['forMs a string', '{"state":"down","forMs":"1000"}', 'forMs', /number of milliseconds/],
    ['forMs 1e999 (Infinity)', '{"state":"down","forMs":1e999}', 'forMs', /finite/],
    ['forMs past year 9999', '{"state":"down","forMs":1e300}', 'forMs', /after year 9999.*at most/],
    ['until missing', '{"state":"down"}', 'until', /required unless forMs/],
    ['until in the past', `{"state":"down","until":${T0 - 1}}`, 'until', /in the future/],
    ['until 1e300', '{"state":"down","until":1e300}', 'until', /between 1970 and 9999/],
    ['until 1e999', '{"state":"down","until":1e999}', 'until', /must be a time.*finite/],
    ['until digits overflow', `{"state":"down","until":"1${'0'.repeat(400)}"}`, 'until', /1970/],
    ['until an object', '{"state":"down","until":{}}', 'until', /must be a time/],
    [
      'until wall time, no zone',
      '{"state":"down","until":"2026-11-23 02:00"}',
      'until',
      /timeZone/,
    ],
    ['timeZone a number', '{"state":"down","until":"x","timeZone":8}', 'timeZone', /IANA/],
    ['reason a number', '{"state":"down","forMs":1000,"reason":7}', 'reason', /string/],
    [
      'reason too long',
      `{"state":"down","forMs":1,"reason":"${'r'.repeat(201)}"}`,
      'reason',
      /200/,
    ],
    ['body an array', '[{"state":"down","forMs":1000}]', '', /JSON object/],
    ['body null', 'null', '', /JSON object/],
  ];
  it.each(bad)('refuses %s, naming the field', async (_, body, path, message) => {
    const s = setup();
    const details = await refused(await s.send('PUT', OVERRIDE, body));
    expect(details.map((d) => d.path)).toContain(path);
    expect(details.find((d) => d.path === path)!.message).toMatch(message);
    expect(s.engine.channelView('alipay').override).toBeUndefined();
  });

  it('names every bad field at once', async () => {
    const s = setup();
    const details = await refused(
      await s.send('PUT', OVERRIDE, '{"state":"x","forMs":-1,"reason":null}'),
    );
    expect(details.map((d) => d.path).sort()).toEqual(['forMs', 'reason', 'state']);
  });

  it('accepts what it accepted before: forMs, until in each form, extra fields ignored', async () => {
    const s = setup();
    const ok = async (body: string) => {
      const res = await s.send('PUT', OVERRIDE, body);
      expect(res.status, body).toBe(200);
      return ((await res.json()) as { channel: { override: unknown } }).channel.override;
    };
    expect(await ok('{"state":"down","forMs":1.5}')).toEqual({
      state: 'down',
      until: T0 + 1.5,
      reason: 'manual override',
    });
    expect(await ok(`{"state":"degraded","until":${T0 + 60_000},"reason":""}`)).toEqual({
      state: 'degraded',
      until: T0 + 60_000,
      reason: '',
    });
    expect(
      await ok('{"state":"down","until":"2026-11-22 09:00","timeZone":"Asia/Shanghai","x":1}'),
    ).toMatchObject({ until: T0 + 3_600_000 });
    expect(await ok(`{"state":"down","until":"${T0 + 5000}"}`)).toMatchObject({ until: T0 + 5000 });
    // forMs wins over until, as before
    expect(await ok('{"state":"down","forMs":1000,"until":"whenever"}')).toMatchObject({
      until: T0 + 1000,
    });
    expect(await ok('{"state":"healthy","until":"9999-12-31T23:59:59.999Z"}')).toMatchObject({
      until: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    });
  });

  it('checks the token, then the channel, then the body', async () => {
    const s = setup();
    expect((await s.send('PUT', OVERRIDE, '{"state":"x"}', null)).status).toBe(401);
    expect((await s.send('PUT', '/v1/channels/nope/override', '{"state":"x"}')).status).toBe(404);
    expect((await s.send('PUT', OVERRIDE, '{"state":"x"}')).status).toBe(400);
  });
});

describe('POST /v1/maintenance body', () => {
  const from = T0 + 3_600_000;
  const to = T0 + 7_200_000;
  const bad: [string, Record<string, unknown> | string, string, RegExp][] = [
    ['channel unknown', { channel: 'nope', from, to }, 'channel', /configured channel id.*wechat/],
    ['channel missing', { from, to }, 'channel', /configured channel id/],
    ['channel a number', { channel: 5, from, to }, 'channel', /configured channel id/],
    ['from missing', { channel: 'wechat', to }, 'from', /required \(or start\)/],
    ['to missing', { channel: 'wechat', from }, 'to', /required \(or end\)/],
    ['from unreadable', { channel: 'wechat', from: 'soon', to }, 'from', /neither epoch ms/],
    ['start null', { channel: 'wechat', start: null, from, to }, 'start', /must be a time/],
    ['to before from', { channel: 'wechat', from: to, to: from }, 'to', /after from/],
    ['end before start', { channel: 'wechat', start: to, end: from }, 'end', /after start/],
    ['to 1e300', `{"channel":"wechat","from":${from},"to":1e300}`, 'to', /between 1970 and 9999/],
    ['to 1e999', `{"channel":"wechat","from":${from},"to":1e999}`, 'to', /finite/],
    ['end past 9999', { channel: 'wechat', from, end: '+275760-09-13T00:00:00Z' }, 'end', /9999/],
    ['from before 1970', { channel: 'wechat', from: -5, to }, 'from', /between 1970 and 9999/],
    [
      'wall time, no zone',
      { channel: 'wechat', start: '2026-11-23 02:00', to },
      'start',
      /timeZone/,
    ],
    ['timeZone a number', { channel: 'wechat', from, to, timeZone: 8 }, 'timeZone', /IANA/],
    ['leadMs negative', { channel: 'wechat', from, to, leadMs: -1 }, 'leadMs', /≥ 0/],
    ['leadMs a string', { channel: 'wechat', from, to, leadMs: '600000' }, 'leadMs', /finite/],
    [
      'leadMs 1e999',
      `{"channel":"wechat","from":${from},"to":${to},"leadMs":1e999}`,
      'leadMs',
      /finite/,
    ],
    ['reason a number', { channel: 'wechat', from, to, reason: 1 }, 'reason', /string/],
    ['reason too long', { channel: 'wechat', from, to, reason: 'r'.repeat(201) }, 'reason', /200/],
    ['body a string', '"wechat"', '', /JSON object/],
  ];
  it.each(bad)('refuses %s, naming the field', async (_, body, path, message) => {
    const s = setup();
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const details = await refused(await s.send('POST', '/v1/maintenance', text));
    expect(details.map((d) => d.path)).toContain(path);
    expect(details.find((d) => d.path === path)!.message).toMatch(message);
    expect(s.engine.maintenance()).toEqual([]);
  });

  it('accepts what it accepted before: aliases, zones, the default lead, extra fields ignored', async () => {
    const s = setup();
    const plan = async (body: Record<string, unknown>) => {
      const res = await s.send('POST', '/v1/maintenance', JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(201);
      return ((await res.json()) as { window: Record<string, unknown> }).window;
    };
    expect(await plan({ channel: 'bank_a', from, to })).toMatchObject({
      channel: 'bank_a',
      from,
      to,
      leadMs: 60_000,
      reason: 'planned maintenance',
    });
    expect(
      await plan({
        channel: 'unionpay',
        start: '2026-11-22 09:00',
        end: '2026-11-22 10:00',
        timeZone: 'Asia/Shanghai',
        leadMs: 0,
        reason: 'upgrade',
        note: 'ignored',
      }),
    ).toMatchObject({ from, to, leadMs: 0, reason: 'upgrade' });
    // start wins over from, end over to, as before
    expect(
      await plan({ channel: 'wechat', start: from, from: 'junk', end: to, to: 'junk' }),
    ).toMatchObject({ from, to });
    expect(await plan({ channel: 'wechat', from: String(from), to: `${to}` })).toMatchObject({
      from,
      to,
    });
  });

  it('needs the admin token before it reads the body', async () => {
    const s = setup();
    expect((await s.send('POST', '/v1/maintenance', '{}', null)).status).toBe(401);
    expect((await s.send('POST', '/v1/maintenance', '{}', 'wrong')).status).toBe(401);
  });
});
