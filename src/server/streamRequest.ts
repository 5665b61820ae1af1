import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type FieldProblem, HttpError } from './HttpError.ts';

/** What a stream upgrade asks for. */
export interface StreamQuery {
  /** Replay decisions after this seq; undefined: none. */
  since: number | undefined;
  /** `stats` messages wanted (`?stats=0`: decisions and heartbeats only). */
  stats: boolean;
}

/** Sec-WebSocket-Key: 16 bytes in base64 (RFC 6455 §4.1). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * The upgrade's query and handshake headers, or the 400 that names the bad one. The handshake is
 * checked here, as `ws` would, so that its refusal is a JSON error like every other one.
 */
export function streamQuery(req: IncomingMessage, url: URL): StreamQuery | HttpError {
  const problems: FieldProblem[] = [];
  const h = req.headers;
  if (req.method !== 'GET') problems.push({ path: 'method', message: 'a stream is opened by GET' });
  if (h.upgrade?.toLowerCase() !== 'websocket')
    problems.push({ path: 'upgrade', message: 'the Upgrade header must be "websocket"' });
  if (h['sec-websocket-key'] === undefined || !KEY.test(h['sec-websocket-key']))
    problems.push({
      path: 'sec-websocket-key',
      message: 'must be 16 random bytes in base64 (24 characters ending in "==")',
    });
  const version = h['sec-websocket-version'];
  if (version !== '13' && version !== '8')
    problems.push({ path: 'sec-websocket-version', message: 'must be 13' });
  const raw = url.searchParams.get('since');
  let since: number | undefined;
  if (raw !== null && raw !== '') {
    since = Number(raw);
    if (!Number.isSafeInteger(since) || since < 0)
      problems.push({ path: 'since', message: 'must be a non-negative integer seq' });
  }
  if (problems.length > 0) return HttpError.invalid(problems);
  return { since, stats: url.searchParams.get('stats') !== '0' };
}

/** An HTTP answer to an upgrade that will not be made, the error as JSON, then the socket closed. */
export function refuseUpgrade(socket: Duplex, e: HttpError): void {
  const body = JSON.stringify(e.body());
  socket.end(
    `HTTP/1.1 ${e.status} ${REASONS[e.status] ?? 'Refused'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden' };
