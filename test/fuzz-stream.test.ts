// WS /v1/stream fuzzed below the WebSocket library: upgrade requests with hostile headers and
// queries, then raw frames (any opcode, RSV bits, unmasked, fragmented control frames, lengths
// that lie or claim 2^63 bytes, invalid UTF-8, close codes out of range). Every upgrade is
// answered (101, or a JSON 400 naming the header or parameter, or 403) within a second; every bad
// frame closes only its own socket, with a close code, within a second; the monitor keeps serving.
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningMonitor } from '../src/server/startMonitor.ts';
import {
  ALLOWED_ORIGIN,
  DEADLINE_MS,
  expectAlive,
  expectCleanLog,
  expectSane,
  FUZZ_SEED,
  fuzzMonitor,
} from './support/fuzzHarness.ts';

let m: RunningMonitor;
let lines: string[];
beforeAll(async () => {
  ({ m, lines } = await fuzzMonitor());
});
afterAll(() => m?.close());

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A client frame: masked unless told otherwise, its length field honest unless told otherwise. */
interface Frame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
  /** `exact`; `huge`: claims 2^63 - 1 bytes; `long`: claims more than it sends (the socket then waits). */
  length: 'exact' | 'huge' | 'long';
}

function encode(f: Frame): Buffer {
  const n = f.payload.length;
  const declared = f.length === 'long' ? n + 1000 : n;
  const head: number[] = [(f.fin ? 0x80 : 0) | (f.rsv << 4) | f.opcode];
  const mask = f.masked ? 0x80 : 0;
  if (f.length === 'huge') head.push(mask | 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
  else if (declared < 126) head.push(mask | declared);
  else if (declared < 65536) head.push(mask | 126, declared >> 8, declared & 0xff);
  else
    head.push(
      mask | 127,
      0,
      0,
      0,
      0,
      (declared >>> 24) & 0xff,
      (declared >> 16) & 0xff,
      (declared >> 8) & 0xff,
      declared & 0xff,
    );
  const key = [0x12, 0x34, 0x56, 0x78];
  const body = Buffer.from(f.payload);
  if (f.masked) {
    head.push(...key);
    for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4];
  }
  return Buffer.concat([Buffer.from(head), body]);
}

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ maxLength: 100 }).map((s) => new TextEncoder().encode(s)),
  fc.constantFrom(
    Uint8Array.from([0xff, 0xfe, 0xc3]),
    Uint8Array.from([0xed, 0xa0, 0x80]),
    Uint8Array.from([0x03, 0xe7]),
    Uint8Array.from([0x13, 0x88, 0xc3]),
    Uint8Array.from([0x00]),
    new Uint8Array(126),
    new Uint8Array(5000),
  ),
);

const frame: fc.Arbitrary<Frame> = fc.record({
  fin: fc.boolean(),
  rsv: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 7 })),
  opcode: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) },
    fc.integer({ min: 0, max: 15 }),
  ),
  masked: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, fc.constant(false)),
  payload,
  length: fc.oneof(
    { weight: 12, arbitrary: fc.constant('exact' as const) },
    fc.constantFrom('huge' as const, 'long' as const),
  ),
});

/** Close codes the server's answer may carry (1005: an empty close echoed). */
const CLOSE_CODES = [1000, 1001, 1002, 1005, 1007, 1008, 1009, 1011];

interface Upgraded {
  status: number;
  head: string;
  /** A refusal's body. */
  body: string;
  /** Close code of the server's close frame, null when it closed without one, undefined while open. */
  closed: number | null | undefined;
  ms: number;
}

/** The close code in the first close frame among the server's (unmasked) frames, if any. */
function serverClose(b: Buffer): number | null {
  let i = 0;
  while (i + 2 <= b.length) {
    const op = b[i] & 0x0f;
    let len = b[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = b.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(b.readBigUInt64BE(at));
      at += 8;
    }
    if (op === 8) return len >= 2 ? b.readUInt16BE(at) : 1005;
    i = at + len;
  }
  return null;
}

/** Sends an upgrade request; after a 101, writes `frames` and waits (up to the deadline) for the server to close. */
function upgrade(request: string, frames: Buffer[], wait = DEADLINE_MS): Promise<Upgraded> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = connect(m.port, '127.0.0.1', () => s.write(request));
    let buf = Buffer.alloc(0);
    let status = 0;
    let head = '';
    let done = false;
    const finish = (closed: number | null | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ status, head, body: buf.toString('utf8'), closed, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish(undefined), wait);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (status === 0) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        head = buf.subarray(0, end).toString('latin1');
        status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
        buf = buf.subarray(end + 4);
        if (status === 101) for (const f of frames) s.write(f);
      }
      // A refusal on a kept-alive connection is whole once its Content-Length has arrived.
      const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1];
      if (status !== 101 && length !== undefined && buf.length >= Number(length)) finish(null);
    });
    s.on('close', () => finish(status === 101 ? serverClose(buf) : null));
    s.on('end', () => finish(status === 101 ? serverClose(buf) : null));
  });
}

function handshake(
  path: string,
  headers: Record<string, string | undefined>,
  method = 'GET',
): string {
  let h = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${m.port}\r\nconnection: Upgrade\r\n`;
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) h += `${k}: ${v}\r\n`;
  return `${h}\r\n`;
}

const anyUpgrade = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'POST'),
  path: fc.constantFrom(
    '/v1/stream',
    '/v1/stream?stats=0',
    '/v1/stream?since=3',
    '/v1/stream?since=-1',
    '/v1/stream?since=1e999',
    '/v1/stream?since=0x10',
    '/v1/stream?since=__proto__',
    '/v1/stream?since=1&since=2',
    '/v1/stream?stats=%ZZ',
  ),
  upgrade: fc.constantFrom('websocket', 'websocket', 'WebSocket', 'h2c', undefined),
  'sec-websocket-key': fc.constantFrom(
    KEY,
    KEY,
    KEY,
    'short',
    '',
    undefined,
    `${'A'.repeat(22)}==`,
  ),
  'sec-websocket-version': fc.constantFrom('13', '13', '13', '8', '99', '', undefined),
  'sec-websocket-protocol': fc.constantFrom(undefined, undefined, 'json', 'a,,b', 'a b', '\u00ff'),
  origin: fc.constantFrom(
    undefined,
    undefined,
    'own',
    ALLOWED_ORIGIN,
    'http://evil.example',
    'null',
  ),
});

/** Two in three upgrades are well-formed, so that the frames after them are exercised too. */
const upgradeRequest = fc
  .tuple(
    anyUpgrade,
    fc.nat({ max: 2 }),
    fc.constantFrom('/v1/stream', '/v1/stream?stats=0', '/v1/stream?since=3'),
  )
  .map(([u, k, path]) =>
    k === 0
      ? u
      : {
          ...u,
          method: 'GET',
          path,
          upgrade: 'websocket',
          'sec-websocket-key': KEY,
          'sec-websocket-version': '13',
          'sec-websocket-protocol': undefined,
          origin: u.origin === 'own' || u.origin === ALLOWED_ORIGIN ? u.origin : undefined,
        },
  );

describe('fuzz: stream upgrades and raw frames', () => {
  it('answers every upgrade and closes every bad frame within a second, and keeps serving', async () => {
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        upgradeRequest,
        fc.array(frame, { minLength: 1, maxLength: 4 }),
        async (u, frames) => {
          const { method, path, origin, ...headers } = u;
          const own = `http://127.0.0.1:${m.port}`;
          const request = handshake(
            path,
            { ...headers, origin: origin === 'own' ? own : origin },
            method,
          );
          // A frame that claims more than it sends leaves the socket waiting, as a slow client would: no close is due.
          const waits = frames.some((f) => f.length === 'long');
          const bytes = frames.map(encode);
          // A valid close last: a socket that took every frame must still close when asked.
          bytes.push(
            encode({
              fin: true,
              rsv: 0,
              opcode: 8,
              masked: true,
              payload: Uint8Array.from([0x03, 0xe8]),
              length: 'exact',
            }),
          );
          const a = await upgrade(request, bytes, waits ? 200 : DEADLINE_MS);
          const label = `${request.split('\r\n').join(' | ')} frames ${frames.map((f) => `${f.opcode}/${f.length}/${f.payload.length}`).join(',')}`;
          expect(a.status, label).not.toBe(0);
          if (a.status !== 101) {
            expectSane({ status: a.status, headers: {}, body: a.body, ms: a.ms }, label);
            codes.set(String(a.status), (codes.get(String(a.status)) ?? 0) + 1);
            return;
          }
          if (waits) return;
          expect(a.closed, label).not.toBe(undefined);
          expect(a.ms, label).toBeLessThan(DEADLINE_MS);
          if (a.closed !== null) expect(CLOSE_CODES, label).toContain(a.closed);
          codes.set(`close ${a.closed}`, (codes.get(`close ${a.closed}`) ?? 0) + 1);
        },
      ),
      { numRuns: 600, seed: FUZZ_SEED },
    );
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['400', '403', 'close 1000', 'close 1002', 'close 1009']),
    );
    // Every fuzzing socket is gone, and a new follower is served.
    const end = Date.now() + 3000;
    while (m.stream.clientCount > 0 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 20));
    expect(m.stream.clientCount).toBe(0);
    const ws = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream`);
    const first = await new Promise<{ type: string }>((resolve) =>
      ws.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    expect(first.type).toBe('snapshot');
    ws.terminate();
    await expectAlive(m.port);
    expectCleanLog(lines);
  }, 60_000);
});
