import type { Context, Hono } from 'hono';
import type { Flavour } from '../../../src/core/codes/index.ts';
import type { PayRequest, TradeStatus } from '../../channels/ChannelApi.ts';
import type { CallFate, ChannelSimulator, StatusFate } from '../../channels/ChannelSimulator.ts';

/** What a flavour's routes need from the server: the simulator, and a way to answer after a fate's latency. */
export interface WireContext {
  sim: ChannelSimulator;
  /**
   * Waits out the fate's latency (or hang) on the server's scheduler, then renders; a hang answers
   * 504 if the caller is still there. Takes the request, not its signal: on @hono/node-server
   * reading `signal` builds a full Request, a cost only worth paying when there is a wait.
   */
  deliver<F extends CallFate | StatusFate>(
    fate: F,
    req: Request,
    render: (fate: F & { kind: 'answer' }) => Response,
  ): Response | Promise<Response>;
}

/** One HTTP request as fetch takes it. */
export interface WireRequest {
  path: string;
  init: RequestInit;
}

/**
 * One channel flavour's API, both sides: the server routes the simulator mounts under
 * `/<channel>`, and the client codec the HTTP ChannelApi uses to call them and read the answers.
 */
export interface Wire {
  flavour: Flavour;
  mount(app: Hono, channel: string, ctx: WireContext): void;
  payRequest(req: PayRequest): WireRequest;
  /** The raw code of a pay answer. */
  readPay(res: Response): Promise<string>;
  queryRequest(orderId: string): WireRequest;
  readQuery(res: Response): Promise<TradeStatus>;
  closeRequest(orderId: string): WireRequest;
  readClose(res: Response): Promise<{ closed: boolean; status: TradeStatus }>;
}

/** Read-only, so one object serves every response (on @hono/node-server it goes to `writeHead` as it is). */
const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json' });

export function json(body: unknown, status = 200): Response {
  return jsonText(JSON.stringify(body), status);
}

/** A JSON body already serialised (the hot routes render theirs from templates). */
export function jsonText(text: string, status = 200): Response {
  return new Response(text, { status, headers: JSON_HEADERS });
}

export function form(fields: Record<string, string>, status = 200): Response {
  return new Response(new URLSearchParams(fields).toString(), {
    status,
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
  });
}

/**
 * A request a channel cannot read: the app answers it with `status` and `{ code, message }`
 * (createSimulatorApp's onError), never with a 500.
 */
export class WireError extends Error {
  constructor(
    readonly status: 400 | 415,
    readonly code: 'PARAM_ERROR' | 'UNSUPPORTED_MEDIA_TYPE',
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** `text` parsed as a JSON object, or a WireError 400 naming what is wrong. */
export function jsonObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new WireError(400, 'PARAM_ERROR', 'the body is not JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new WireError(400, 'PARAM_ERROR', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

/** The body of a JSON API call: `application/json` (415 otherwise: a web form cannot send it), an object. */
export async function readJson(req: Request): Promise<Record<string, unknown>> {
  const type = (req.headers.get('content-type') ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new WireError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  return jsonObject(await req.text());
}

/** `value` if it is a non-empty string, else a WireError 400 naming `field`. */
export function text(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new WireError(400, 'PARAM_ERROR', `${field}: required, a non-empty string`);
}

/** `value` if it is an integer amount ≥ 0 in minor units, else a WireError 400 naming `field`. */
export function amount(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new WireError(400, 'PARAM_ERROR', `${field}: required, an integer ≥ 0 in minor units`);
}

/** Reads a body as JSON or as a form, whichever it is (a JSON body that is no object reads as no fields). */
export async function readFields(req: Request): Promise<Record<string, string>> {
  const type = req.headers.get('content-type') ?? '';
  const body = await req.text();
  if (type.includes('json')) return jsonObject(body || '{}') as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(body));
}

/**
 * The caller's timeout (x-timeout-ms, default 3 s), which decides whether a slow answer was lost
 * to it. On @hono/node-server it is read from the raw Node headers: building a fetch Headers
 * object for one header would cost as much as the rest of a simulated call.
 */
export function callerTimeoutMs(c: Context): number {
  const incoming = (
    c.env as { incoming?: { headers: Record<string, string | string[] | undefined> } } | undefined
  )?.incoming;
  const raw = incoming ? incoming.headers['x-timeout-ms'] : c.req.header('x-timeout-ms');
  const ms = Number(Array.isArray(raw) ? raw[0] : (raw ?? 3000));
  return Number.isFinite(ms) && ms > 0 ? ms : 3000;
}
