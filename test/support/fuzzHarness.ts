// What every fuzz suite asserts of an answer, and a raw HTTP/1.1 client that sends exactly the
// bytes it is given (chunked or not, lying lengths, any header) with a deadline on each request.
import { connect } from 'node:net';
import { expect } from 'vitest';
import { demoConfigInput } from '../../src/config/demoConfig.ts';
import { resolveConfig } from '../../src/config/loadConfig.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import type { Engine } from '../../src/core/Engine.ts';
import { createLogger, type Logger } from '../../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../../src/server/startMonitor.ts';

/** Fixed seeds: a failure found once is found again. */
export const FUZZ_SEED = 20261122;

/** A request answered later than this is a hang. */
export const DEADLINE_MS = 1000;

/** The tokens of the fuzzed monitor: every guard is on. */
export const TOKENS = {
  ingest: 'ingest-token-fuzz',
  admin: 'admin-token-fuzz',
  probe: 'probe-token-fuzz',
};

/** The one origin besides its own whose pages may write to the fuzzed monitor. */
export const ALLOWED_ORIGIN = 'https://ops.example.com';

/**
 * A monitor on 127.0.0.1 with tokens, an allowed origin and short request timeouts (a half-sent
 * request is a 408 well within the deadline), logging every line into `lines`.
 */
export async function fuzzMonitor(
  extra: Partial<ConfigInput> = {},
): Promise<{ m: RunningMonitor; lines: string[] }> {
  const { log, lines } = capturedLog();
  const m = await startMonitor({
    config: resolveConfig({
      ...demoConfigInput(),
      tokens: TOKENS,
      allowedOrigins: [ALLOWED_ORIGIN],
      http: { headersTimeoutMs: 300, requestTimeoutMs: 600 },
      ...extra,
    }),
    port: 0,
    host: '127.0.0.1',
    log,
    processMetrics: false,
  });
  return { m, lines };
}

/** A stack frame, raw or JSON-escaped ("\n    at f (/src/x.ts:1:2)"), or a Node internal path. */
const STACK = /(\n|\\n)\s*at \S|\(?\/[\w./@+-]+\.(ts|js|mjs|cjs):\d+:\d+\)?|node:internal/;

export function hasStackTrace(text: string): boolean {
  return STACK.test(text);
}

/** A logger that keeps every line (debug and up), to look for stack traces and errors afterwards. */
export function capturedLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({ stream: { write: (l: string) => lines.push(l) }, level: 'debug' });
  return { log, lines };
}

/** No line with a stack trace, none at level error (a 500 logs one). */
export function expectCleanLog(lines: readonly string[]): void {
  const bad = lines.filter((l) => hasStackTrace(l) || l.includes('"level":"error"'));
  expect(bad.slice(0, 3)).toEqual([]);
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  ms: number;
}

/**
 * The fields a 400's JSON body names: `details[].path` (the monitor's and /_chaos's shape; "" or
 * "(body)" for the body as a whole). Null when the body is not such an error.
 */
export function namedFields(body: string): string[] | null {
  let j: unknown;
  try {
    j = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null) return null;
  const { error, details } = j as { error?: unknown; details?: unknown };
  if (typeof error !== 'string' || !Array.isArray(details) || details.length === 0) return null;
  const paths = details.map((d) => (d as { path?: unknown })?.path);
  return paths.every((p) => typeof p === 'string') ? (paths as string[]) : null;
}

/**
 * What every answer must be: 2xx or 4xx, no stack trace, within the deadline, and a 400 a JSON
 * error naming its fields. `label` says which input it was, for the failure message.
 */
export function expectSane(a: Answer, label: string): void {
  const ok = (a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500);
  expect(ok, `${label}: status ${a.status} ${a.body.slice(0, 200)}`).toBe(true);
  expect(hasStackTrace(a.body), `${label}: stack trace in ${a.body.slice(0, 300)}`).toBe(false);
  expect(a.ms, `${label}: answered after ${Math.round(a.ms)} ms`).toBeLessThan(DEADLINE_MS);
  if (a.status === 400)
    expect(namedFields(a.body), `${label}: 400 without fields: ${a.body.slice(0, 200)}`).not.toBe(
      null,
    );
}

export interface RawRequest {
  method: string;
  path: string;
  /** Sent in order, as given (duplicates, odd case and all). Host and Connection: close are added. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
  /** `length`: Content-Length; `chunked`: chunks of `chunkSize` bytes (splitting UTF-8 anywhere); `none`: neither. */
  framing?: 'length' | 'chunked' | 'none';
  chunkSize?: number;
}

/** Sends one request on a fresh connection and reads the answer until the server closes it. */
export function rawRequest(port: number, r: RawRequest, deadlineMs = DEADLINE_MS): Promise<Answer> {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : (r.body ?? Buffer.alloc(0));
  const framing = r.framing ?? (r.body === undefined ? 'none' : 'length');
  let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n`;
  for (const [k, v] of r.headers ?? []) head += `${k}: ${v}\r\n`;
  if (framing === 'length') head += `content-length: ${body.length}\r\n`;
  if (framing === 'chunked') head += 'transfer-encoding: chunked\r\n';
  const parts: Buffer[] = [Buffer.from(`${head}\r\n`, 'latin1')];
  if (framing === 'chunked') {
    const size = Math.max(1, r.chunkSize ?? 16);
    for (let i = 0; i < body.length; i += size) {
      const chunk = body.subarray(i, i + size);
      parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
  } else {
    parts.push(body);
  }
  return exchange(port, Buffer.concat(parts), deadlineMs);
}

/** Writes `bytes` to a fresh connection; resolves with the parsed answer once the server closes. */
export function exchange(port: number, bytes: Buffer, deadlineMs = DEADLINE_MS): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`hang: no answer within ${deadlineMs} ms to ${bytes.subarray(0, 80)}`));
    }, deadlineMs);
    s.on('data', (d: Buffer) => chunks.push(d));
    // A server that answers before reading everything may reset: what arrived is the answer.
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks);
      resolve({ ...parseAnswer(text), ms: performance.now() - t0 });
    });
  });
}

function parseAnswer(raw: Buffer): Omit<Answer, 'ms'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split === -1 ? raw.length : split).toString('latin1');
  let rest = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') rest = unchunk(rest);
  return { status, headers, body: rest.toString('utf8') };
}

function unchunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol === -1) break;
    const n = Number.parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!(n > 0)) break;
    out.push(b.subarray(eol + 2, eol + 2 + n));
    i = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
}

/** GET /healthz answers 200 within the deadline: the server survived. */
export async function expectAlive(port: number): Promise<void> {
  const a = await rawRequest(port, { method: 'GET', path: '/healthz' });
  expect(a.status).toBe(200);
}

/** Every outcome the engine holds, live and probe: what was accepted, never less. */
export function recorded(engine: Engine): number {
  return engine
    .totals()
    .reduce((n, t) => n + Object.values(t.counts).reduce((a, x) => a + x.live + x.probe, 0), 0);
}
