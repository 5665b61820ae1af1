// Ingest fuzzed over real sockets: bodies (valid batches, BOMs, huge numbers, nested junk, cut
// JSON) under every content type, chunked or with Content-Length, with and without the right
// token and Origin. Each answer is checked against what the request deserved; nothing refused is
// recorded, nothing accepted is lost, no answer takes a second, and the monitor serves afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMonitor } from '../src/server/startMonitor.ts';
import {
  ALLOWED_ORIGIN,
  type Answer,
  expectAlive,
  expectCleanLog,
  expectSane,
  FUZZ_SEED,
  fuzzMonitor,
  rawRequest,
  recorded,
  TOKENS,
} from './support/fuzzHarness.ts';

const INGEST = TOKENS.ingest;
const PROBE = TOKENS.probe;
const MAX_BODY = 16_384;
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank_a', 'bank_b'];
const BOM = '\uFEFF';

let m: RunningMonitor;
let lines: string[];
beforeAll(async () => {
  ({ m, lines } = await fuzzMonitor({ ingest: { maxBodyBytes: MAX_BODY } }));
});
afterAll(() => m?.close());

const event = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    outcome: fc.constantFrom('success', 'decline', 'risk_reject', 'error', 'timeout'),
    latencyMs: fc.integer({ min: 0, max: 60_000 }),
    store: fc.constantFrom('s-001', '店-ü-😀', 'a'.repeat(128)),
    source: fc.constantFrom('live', 'probe'),
  },
  { requiredKeys: ['channel', 'outcome', 'latencyMs'] },
);

/** A body and the events it holds when it is valid (undefined: not a valid batch). */
type Body = { text: string; events?: number; probe?: boolean; form?: string };

const validBody: fc.Arbitrary<Body> = fc
  .tuple(
    fc.array(event, { minLength: 1, maxLength: 60 }),
    fc.constantFrom('array', 'single', 'ndjson'),
    fc.boolean(),
  )
  .map(([evs, form, bom]) => {
    const list = form === 'single' ? evs.slice(0, 1) : evs;
    const text =
      form === 'ndjson'
        ? list.map((e) => JSON.stringify(e)).join('\n')
        : JSON.stringify(form === 'single' ? list[0] : list);
    return {
      text: (bom ? BOM : '') + text,
      events: list.length,
      probe: list.some((e) => e.source === 'probe'),
      form,
    };
  });

const hugeNumber = fc.constantFrom(
  '1e308',
  '1e999',
  '-1e999',
  '-0',
  '123456789012345678901234567890',
  '0.' + '0'.repeat(400) + '1',
  '1E400',
  '3600000.0000001',
  '9'.repeat(5000),
);

const junkBody: fc.Arbitrary<Body> = fc.oneof(
  hugeNumber.map((n) => ({ text: `{"channel":"wechat","outcome":"error","latencyMs":${n}}` })),
  hugeNumber.map((n) => ({ text: `[{"channel":"wechat","latencyMs":5,"at":${n}}]` })),
  fc.integer({ min: 1, max: 5000 }).map((d) => ({ text: '['.repeat(d) + ']'.repeat(d) })),
  fc.integer({ min: 1, max: 2000 }).map((d) => ({ text: '{"a":'.repeat(d) + '1' + '}'.repeat(d) })),
  fc
    .constantFrom(
      '{"__proto__":{"channel":"wechat"},"latencyMs":5}',
      '{"channel":"constructor","latencyMs":5}',
      '{"channel":"__proto__","latencyMs":5,"outcome":"error"}',
      '[{"channel":"wechat","latencyMs":5,"outcome":"toString"}]',
      `${BOM}${BOM}{"channel":"wechat","latencyMs":5}`,
      '{"channel":"wechat","latencyMs":5}\u0000',
      '{"channel":"wechat\\ud800","latencyMs":5}',
      'null',
      '[]',
      '""',
      '{}',
      '[null]',
      '[[]]',
    )
    .map((text) => ({ text })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: JSON.stringify(v) ?? 'null' })),
  fc
    .tuple(validBody, fc.nat())
    .map(([b, cut]) => ({ text: b.text.slice(0, Math.max(1, b.text.length - 1 - (cut % 40))) })),
  fc.string({ unit: 'binary', maxLength: 400 }).map((text) => ({ text })),
  fc.constant({ text: `[${'{"channel":"wechat","latencyMs":1},'.repeat(500)}1]` }),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json, text/plain',
  'application/json;;;',
  'application/jsonx',
  '',
];

const anyRequest = fc.record({
  body: fc.oneof({ arbitrary: validBody, weight: 3 }, { arbitrary: junkBody, weight: 2 }),
  contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
  authorization: fc.option(
    fc.constantFrom(
      `Bearer ${INGEST}`,
      `bearer ${INGEST}`,
      `BEARER ${INGEST}`,
      `Bearer ${PROBE}`,
      'Bearer wrong',
      `Bearer ${INGEST}x`,
      `Basic ${INGEST}`,
      INGEST,
      '',
    ),
    { nil: undefined },
  ),
  origin: fc.option(
    fc.constantFrom('own', ALLOWED_ORIGIN, 'http://evil.example', 'null', 'not a url'),
    { nil: undefined },
  ),
  framing: fc.constantFrom('length', 'chunked'),
  chunkSize: fc.integer({ min: 1, max: 64 }),
  junkHeader: fc.option(fc.string({ unit: 'grapheme-ascii', maxLength: 2000 }), {
    nil: undefined,
  }),
  path: fc.constantFrom('/v1/outcomes', '/v1/outcomes', '/v1/outcomes?x=1'),
});
type Req = typeof anyRequest extends fc.Arbitrary<infer T> ? T : never;

/** Half the requests carry what a gateway sends (type, token, no Origin or the own one), so that bodies are judged too. */
const request = fc.tuple(anyRequest, fc.boolean()).map(([r, proper]): Req => {
  if (!proper) return r;
  const ndjson = r.body.form === 'ndjson';
  return {
    ...r,
    contentType: ndjson ? 'application/x-ndjson' : 'application/json',
    authorization: r.body.probe ? `Bearer ${PROBE}` : `Bearer ${INGEST}`,
    origin: r.origin === 'own' ? 'own' : undefined,
  };
});

/** The status a request deserves, from its headers and size; undefined when only its body decides. */
function deserved(r: Req, port: number): number | undefined {
  const own = `http://127.0.0.1:${port}`;
  const origin = r.origin === 'own' ? own : r.origin;
  if (origin !== undefined && origin !== own && origin !== ALLOWED_ORIGIN) return 403;
  const token = /^bearer (.*)$/i.exec(r.authorization ?? '')?.[1].trim();
  const prober = token === PROBE;
  if (!prober && token !== INGEST) return 401;
  const type = (r.contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  const ndjson = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'].includes(type);
  if (type !== 'application/json' && !ndjson) return 415;
  if (Buffer.byteLength(r.body.text) > MAX_BODY) return 413;
  if (r.body.events === undefined) return undefined;
  // Several NDJSON lines are not one JSON value; an array on one NDJSON line is one event that is no object.
  if (r.body.form === 'ndjson' && !ndjson && r.body.events > 1) return 400;
  if (r.body.form === 'array' && ndjson) return 400;
  if (r.body.probe && !prober) return 400;
  return 202;
}

function send(r: Req, port: number): Promise<Answer> {
  const headers: [string, string][] = [];
  if (r.contentType !== undefined) headers.push(['content-type', r.contentType]);
  if (r.authorization !== undefined) headers.push(['authorization', r.authorization]);
  if (r.origin !== undefined)
    headers.push(['origin', r.origin === 'own' ? `http://127.0.0.1:${port}` : r.origin]);
  if (r.junkHeader !== undefined) headers.push(['x-junk', r.junkHeader.trim()]);
  return rawRequest(port, {
    method: 'POST',
    path: r.path,
    headers,
    body: r.body.text,
    framing: r.framing,
    chunkSize: r.chunkSize,
  });
}

describe('fuzz: ingest over sockets', () => {
  it('answers each request as it deserves, records exactly what it accepts, within a second each', async () => {
    const statuses = new Map<number, number>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = recorded(m.engine);
        const a = await send(r, m.port);
        const label = `${r.framing} ${r.contentType} ${r.body.text.slice(0, 80)}`;
        expectSane(a, label);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        const want = deserved(r, m.port);
        if (want !== undefined) expect(a.status, label).toBe(want);
        else expect([202, 400], label).toContain(a.status);
        const n = a.status === 202 ? (JSON.parse(a.body) as { accepted: number }).accepted : 0;
        if (want === 202) expect(n, label).toBe(r.body.events);
        accepted += n;
        expect(recorded(m.engine), label).toBe(before + n);
      }),
      { numRuns: 1500, seed: FUZZ_SEED },
    );
    expect(accepted).toBeGreaterThan(1000);
    expect([...statuses.keys()].sort()).toEqual([202, 400, 401, 403, 413, 415]);
    await expectAlive(m.port);
    expectCleanLog(lines);
  }, 60_000);
});
