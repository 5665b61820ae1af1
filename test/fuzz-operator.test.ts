// The operator's writes and the reads that take parameters, fuzzed over real sockets: override
// and maintenance bodies built from hostile fragments (huge numbers, wall times at DST edges,
// unknown zones, Object.prototype names as ids and keys), with and without the admin token.
// A refused write changes nothing; no answer is a 5xx, carries a stack or takes a second.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMonitor } from '../src/server/startMonitor.ts';
import {
  ALLOWED_ORIGIN,
  expectAlive,
  expectCleanLog,
  expectSane,
  FUZZ_SEED,
  fuzzMonitor,
  rawRequest,
  recorded,
  TOKENS,
} from './support/fuzzHarness.ts';

let m: RunningMonitor;
let lines: string[];
beforeAll(async () => {
  ({ m, lines } = await fuzzMonitor());
});
afterAll(() => m?.close());

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const channelId = fc.constantFrom(
  'wechat',
  'alipay',
  'bank_b',
  'nope',
  ...PROTO_NAMES,
  '%2e%2e',
  '%00',
  'wechat%2Foverride',
  '%F0%9F%98%80',
  'a'.repeat(3000),
);

/** JSON fragments a field may hold: sane values, edges, and what is not JSON at all. */
const number = fc.constantFrom(
  '0',
  '-1',
  '1',
  '60000',
  '3600000',
  '1e999',
  '1e300',
  '-0',
  '1.5',
  '9007199254740993',
  '604800001',
  'NaN',
  'Infinity',
);
const time = fc.oneof(
  fc.integer({ min: -3_600_000, max: 30 * 86_400_000 }).map((d) => String(Date.now() + d)),
  fc.constantFrom(
    '"2026-03-08 02:30"',
    '"2026-10-25 02:30"',
    '"2030-01-01T00:00:00Z"',
    '"2030-01-01T00:00:00"',
    '"9999-12-31T23:59:59.999Z"',
    '"10000-01-01T00:00:00Z"',
    '"tomorrow"',
    `"${'1'.repeat(30)}x"`,
    '""',
    '"\\u0000"',
    '1' + '0'.repeat(400),
  ),
  number,
);
const text = fc.constantFrom(
  '"planned"',
  '""',
  `"${'x'.repeat(201)}"`,
  '"\\ud800"',
  '"<script>alert(1)</script>"',
  'null',
  '[]',
  '{}',
  '{"__proto__":{"polluted":true}}',
  '42',
);
const zone = fc.constantFrom(
  '"America/New_York"',
  '"Europe/Berlin"',
  '"Australia/Lord_Howe"',
  '"Asia/Shanghai"',
  '"UTC"',
  '"Etc/GMT+14"',
  '"Mars/Olympus"',
  '"../../etc/passwd"',
  `"${'A'.repeat(300)}"`,
  '7',
);
const state = fc.constantFrom('"down"', '"healthy"', '"degraded"', '"maintenance"', '"nope"', '1');

/** An object of optional fields, in random order, with stray keys; or something that is no object. */
function objectOf(fields: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const entries = Object.entries(fields).map(([k, v]) =>
    fc.option(
      v.map((x) => `"${k}":${x}`),
      { nil: undefined, freq: 3 },
    ),
  );
  const stray = fc.option(
    fc.constantFrom(...PROTO_NAMES, 'x', 'forms').map((k) => `"${k}":1`),
    { nil: undefined, freq: 2 },
  );
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(fc.tuple(...entries, stray), fc.nat()).map(([kv, seed]) => {
        const present = kv.filter((x): x is string => x !== undefined);
        // A seeded shuffle: key order must not matter.
        for (let i = present.length - 1; i > 0; i--) {
          const j = (seed + i * 7919) % (i + 1);
          [present[i], present[j]] = [present[j], present[i]];
        }
        return `{${present.join(',')}}`;
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom('null', '[]', '"x"', '{', '{"state":"down",}', '') },
  );
}

const overrideBody = objectOf({
  state,
  forMs: number,
  until: time,
  timeZone: zone,
  reason: text,
});
const maintenanceBody = objectOf({
  channel: fc.constantFrom('"wechat"', '"bank_a"', '"nope"', '"__proto__"', '1'),
  start: time,
  from: time,
  end: time,
  to: time,
  timeZone: zone,
  leadMs: number,
  reason: text,
});

/** A window that may well be taken: from a minute to a month ahead, an hour or so long. */
const plausibleWindow = fc
  .tuple(
    fc.constantFrom('wechat', 'alipay', 'bank_a'),
    fc.integer({ min: 60_000, max: 30 * 86_400_000 }),
    fc.integer({ min: 1, max: 86_400_000 }),
    fc.option(fc.integer({ min: 0, max: 7 * 86_400_000 }), { nil: undefined }),
  )
  .map(([channel, ahead, long, leadMs]) => {
    const from = Date.now() + ahead;
    return JSON.stringify({ channel, from, to: from + long, leadMs, reason: 'fuzz' });
  });

const request = fc.oneof(
  fc.record({
    method: fc.constantFrom('PUT', 'PUT', 'PUT', 'DELETE', 'POST', 'PATCH'),
    path: channelId.map((id) => `/v1/channels/${id}/override`),
    body: fc.option(overrideBody, { nil: undefined, freq: 8 }),
  }),
  fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'PUT'),
    path: fc.constant('/v1/maintenance'),
    body: fc.option(fc.oneof(maintenanceBody, plausibleWindow), { nil: undefined, freq: 8 }),
  }),
  fc.record({
    method: fc.constantFrom('DELETE', 'GET'),
    path: fc
      .constantFrom('mw-1', 'mw-2', 'mw-999', ...PROTO_NAMES)
      .map((id) => `/v1/maintenance/${id}`),
    body: fc.constant(undefined),
  }),
  fc.record({
    method: fc.constant('GET'),
    path: fc.oneof(
      fc
        .tuple(fc.option(number), fc.option(number))
        .map(([s, l]) => `/v1/decisions?since=${s ?? ''}&limit=${l ?? ''}`),
      channelId.map((id) => `/v1/channels/${id}`),
      fc.constantFrom('/v1/decisions?since=-5', '/v1/decisions?since[]=1', '/v1/maintenance?x=%ZZ'),
    ),
    body: fc.constant(undefined),
  }),
);

const headers = fc.record({
  authorization: fc.constantFrom(
    `Bearer ${TOKENS.admin}`,
    `Bearer ${TOKENS.admin}`,
    `bearer ${TOKENS.admin}`,
    `Bearer ${TOKENS.ingest}`,
    '',
  ),
  contentType: fc.constantFrom('application/json', 'application/json', 'text/plain', ''),
  origin: fc.constantFrom('', '', 'own', ALLOWED_ORIGIN, 'http://evil.example'),
});

/** What a write can change: each channel's override, the planned windows. */
function writable(): string {
  return JSON.stringify({
    overrides: m.engine.channels().map((c) => [c.id, c.override ?? null]),
    maintenance: m.engine.maintenance().map((w) => w.id),
  });
}

describe('fuzz: operator writes and parameterised reads', () => {
  it('refuses without a trace or a change, and never answers 5xx or late', async () => {
    const seeded = await rawRequest(m.port, {
      method: 'POST',
      path: '/v1/outcomes',
      headers: [
        ['content-type', 'application/json'],
        ['authorization', `Bearer ${TOKENS.ingest}`],
      ],
      body: JSON.stringify([{ channel: 'wechat', outcome: 'success', latencyMs: 50 }]),
    });
    expect(seeded.status).toBe(202);
    const total = recorded(m.engine);
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, headers, async (r, h) => {
        const before = writable();
        const list: [string, string][] = [];
        if (h.authorization) list.push(['authorization', h.authorization]);
        if (h.contentType && r.body !== undefined) list.push(['content-type', h.contentType]);
        if (h.origin)
          list.push(['origin', h.origin === 'own' ? `http://127.0.0.1:${m.port}` : h.origin]);
        const a = await rawRequest(m.port, {
          method: r.method,
          path: r.path,
          headers: list,
          body: r.body,
        });
        const label = `${r.method} ${r.path.slice(0, 60)} ${r.body?.slice(0, 160)}`;
        expectSane(a, label);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status >= 400 || r.method === 'GET') expect(writable(), label).toBe(before);
      }),
      { numRuns: 1200, seed: FUZZ_SEED },
    );
    expect(recorded(m.engine)).toBe(total);
    expect([...statuses.keys()].sort()).toEqual(
      expect.arrayContaining([200, 201, 400, 401, 403, 404, 415]),
    );
    await expectAlive(m.port);
    expectCleanLog(lines);
  }, 60_000);
});
