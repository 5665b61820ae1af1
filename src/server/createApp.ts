import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { type Clock, systemClock } from '../core/clock.ts';
import { CHANNEL_STATES, type ChannelStateName } from '../core/decision.ts';
import type { Engine } from '../core/Engine.ts';
import { EngineError } from '../core/errors.ts';
import { parseOutcomes } from '../core/parse.ts';
import { parseZonedTime, TimeParseError } from '../config/zonedTime.ts';
import { dashboardRoutes } from './dashboard/index.ts';
import { HttpError } from './HttpError.ts';
import { type Logger, silentLogger } from './Logger.ts';
import type { Metrics } from './Metrics.ts';
import { readBody } from './readBody.ts';

export interface AppOptions {
  engine: Engine;
  metrics: Metrics;
  log?: Logger;
  /** Receipt time of events without `at`, and "now" for overrides; default the system clock. */
  clock?: Clock;
  /** Bearer tokens; a route whose token is unset is open. */
  tokens?: { admin?: string; ingest?: string };
  /** POST bodies larger than this are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Simulator base URL for GET /v1/faults; unset: no faults. */
  simulatorUrl?: string;
  /** Sent as a bearer token to the simulator's /_chaos API when set. */
  simulatorToken?: string;
  /** Used to reach the simulator; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Drain lead time of maintenance windows that do not give one. Default 60 s. */
  maintenanceLeadMs?: number;
  /** Serve the dashboard at GET /; default true. */
  dashboard?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const ADMIN_BODY_BYTES = 64 * 1024;

/** The monitor's HTTP API (routes only: no listen). CONTRACT.md "HTTP and WebSocket". */
export function createApp({
  engine,
  metrics,
  log = silentLogger,
  clock = systemClock,
  tokens = {},
  maxBodyBytes = 1_048_576,
  simulatorUrl,
  simulatorToken,
  fetch = globalThis.fetch,
  maintenanceLeadMs = 60_000,
  dashboard = true,
}: AppOptions): Hono {
  const app = new Hono();
  const adminToken = tokens.admin ? Buffer.from(tokens.admin) : null;
  const ingestToken = tokens.ingest ? Buffer.from(tokens.ingest) : null;

  const refuse = (c: Context, e: HttpError) => {
    log.warn('request refused', {
      method: c.req.method,
      path: c.req.path,
      status: e.status,
      error: e.code,
      message: e.message.slice(0, 200),
    });
    return new Response(JSON.stringify(e.body()), { status: e.status, headers: JSON_HEADERS });
  };

  const requireAdmin = (c: Context) => {
    if (adminToken && !bearerMatches(c.req.header('authorization'), adminToken))
      throw new HttpError(
        401,
        'unauthorized',
        'this write needs the admin token: Authorization: Bearer <token>',
      );
  };

  app.onError((err, c) => {
    if (err instanceof HttpError) return refuse(c, err);
    if (err instanceof EngineError) return refuse(c, fromEngineError(err));
    log.error('request failed', {
      method: c.req.method,
      path: c.req.path,
      error: String((err as Error)?.stack ?? err),
    });
    return new Response(JSON.stringify({ error: 'internal', message: 'internal error' }), {
      status: 500,
      headers: JSON_HEADERS,
    });
  });
  app.notFound((c) =>
    refuse(c, new HttpError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`)),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok', epoch: engine.epoch, seq: engine.seq }));

  // ---- ingest: the hot path; no middleware, one JSON.parse, hand-written validation -----------
  app.post('/v1/outcomes', async (c) => {
    let events = 0;
    try {
      if (ingestToken && !bearerMatches(c.req.header('authorization'), ingestToken))
        throw new HttpError(
          401,
          'unauthorized',
          'ingest needs the ingest token: Authorization: Bearer <token>',
        );
      const ndjson = bodyKind(c.req.header('content-type'));
      const text = await readBody(c.req.raw, maxBodyBytes);
      const input = ndjson ? parseNdjson(text) : parseJson(text);
      events = Array.isArray(input) ? input.length : 1;
      const parsed = parseOutcomes(input, { now: clock.now(), engine });
      if (!parsed.ok) throw new HttpError(400, 'invalid_events', parsed.error, parsed.details);
      // Validated whole before the first record: all or nothing.
      for (const e of parsed.events) engine.record(e);
      metrics.ingest(202, parsed.events.length, 0);
      return new Response(`{"accepted":${parsed.events.length}}`, {
        status: 202,
        headers: JSON_HEADERS,
      });
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      metrics.ingest(e.status, 0, events);
      return refuse(c, e);
    }
  });

  // ---- reading --------------------------------------------------------------------------------
  app.get('/v1/channels', (c) => c.json({ channels: engine.channels() }));
  app.get('/v1/channels/:id', (c) => {
    const id = c.req.param('id');
    if (!engine.hasChannel(id))
      throw new HttpError(404, 'unknown_channel', `no channel ${JSON.stringify(id)}`);
    return c.json({ channel: engine.channelView(id) });
  });
  app.get('/v1/pools', (c) => c.json({ pools: engine.pools() }));
  app.get('/v1/decisions', (c) => {
    const since = intParam(c.req.query('since'), 'since', 0);
    const limit = Math.min(intParam(c.req.query('limit'), 'limit', 1000), 10_000);
    const got = engine.decisions(since, limit);
    if (got) return c.json({ decisions: got, seq: engine.seq, epoch: engine.epoch });
    // Part of what was asked for is gone: answer with what is kept and say so.
    const kept = engine.decisions(engine.firstRetainedSeq - 1, limit) ?? [];
    return c.json({ decisions: kept, seq: engine.seq, epoch: engine.epoch, truncated: true });
  });
  // The stream is served on the http server's upgrade event; a plain GET gets told so.
  app.get(
    '/v1/stream',
    () =>
      new Response(
        JSON.stringify({
          error: 'upgrade_required',
          message: 'WS /v1/stream: connect with a WebSocket client',
        }),
        { status: 426, headers: { ...JSON_HEADERS, upgrade: 'websocket' } },
      ),
  );
  app.get(
    '/metrics',
    async () =>
      new Response(await metrics.text(), { headers: { 'content-type': metrics.contentType } }),
  );

  // ---- operator writes --------------------------------------------------------------------------
  app.put('/v1/channels/:id/override', async (c) => {
    requireAdmin(c);
    const id = c.req.param('id');
    if (!engine.hasChannel(id))
      throw new HttpError(404, 'unknown_channel', `no channel ${JSON.stringify(id)}`);
    const body = objectBody(await readJson(c.req.raw));
    const state = body.state;
    if (typeof state !== 'string' || !(CHANNEL_STATES as readonly string[]).includes(state)) {
      throw invalid('state', `must be one of ${CHANNEL_STATES.join(', ')}`);
    }
    const now = clock.now();
    let until: number;
    if (body.forMs !== undefined) {
      if (typeof body.forMs !== 'number' || !(body.forMs > 0))
        throw invalid('forMs', 'must be a number of milliseconds > 0');
      until = now + body.forMs;
    } else {
      until = timeField(body, 'until', true)!;
    }
    if (!(until > now)) throw invalid('until', 'must be in the future');
    const reason = body.reason === undefined ? 'manual override' : body.reason;
    if (typeof reason !== 'string' || reason.length > 200)
      throw invalid('reason', 'must be a string of at most 200 characters');
    const decision = engine.setOverride(id, { state: state as ChannelStateName, until, reason });
    return c.json({ decision, channel: engine.channelView(id) });
  });
  app.delete('/v1/channels/:id/override', (c) => {
    requireAdmin(c);
    const id = c.req.param('id');
    if (!engine.hasChannel(id))
      throw new HttpError(404, 'unknown_channel', `no channel ${JSON.stringify(id)}`);
    return c.json({ decision: engine.clearOverride(id) });
  });

  app.get('/v1/maintenance', (c) => c.json({ maintenance: engine.maintenance() }));
  app.post('/v1/maintenance', async (c) => {
    requireAdmin(c);
    const body = objectBody(await readJson(c.req.raw));
    if (typeof body.channel !== 'string' || !engine.hasChannel(body.channel))
      throw invalid('channel', 'must be a configured channel id');
    const from = timeField(body, body.start !== undefined ? 'start' : 'from', true)!;
    const to = timeField(body, body.end !== undefined ? 'end' : 'to', true)!;
    if (!(to > from)) throw invalid('end', 'the window must end after it starts');
    const leadMs = body.leadMs === undefined ? maintenanceLeadMs : body.leadMs;
    if (typeof leadMs !== 'number' || !(leadMs >= 0) || !Number.isFinite(leadMs))
      throw invalid('leadMs', 'must be a number of milliseconds ≥ 0');
    if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 200))
      throw invalid('reason', 'must be a string of at most 200 characters');
    const window = engine.addMaintenance({
      channel: body.channel,
      from,
      to,
      leadMs,
      reason: body.reason as string | undefined,
    });
    log.info('maintenance planned', { ...window });
    return c.json({ window }, 201);
  });
  app.delete('/v1/maintenance/:id', (c) => {
    requireAdmin(c);
    const window = engine.removeMaintenance(c.req.param('id'));
    log.info('maintenance removed', { id: window.id, channel: window.channel });
    return c.json({ window });
  });

  // ---- the simulator's injected faults, for the dashboard's timeline --------------------------
  app.get('/v1/faults', async (c) => {
    if (!simulatorUrl) return c.json({ faults: [] });
    try {
      const res = await fetch(`${simulatorUrl}/_chaos/timeline`, {
        signal: AbortSignal.timeout(2000),
        ...(simulatorToken && { headers: { authorization: `Bearer ${simulatorToken}` } }),
      });
      if (!res.ok) throw new Error(`status ${res.status}`);
      // The simulator names each fault's final window `windows` (its change log is `events`).
      const body = (await res.json()) as { faults?: unknown; windows?: unknown };
      const faults = Array.isArray(body?.faults)
        ? body.faults
        : Array.isArray(body?.windows)
          ? body.windows
          : [];
      return c.json({ faults });
    } catch (e) {
      throw new HttpError(
        502,
        'upstream_unavailable',
        `simulator timeline unavailable: ${(e as Error).message}`,
      );
    }
  });

  if (dashboard) app.route('/', dashboardRoutes());
  return app;
}

function bearerMatches(header: string | undefined, token: Buffer): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  return given.length === token.length && timingSafeEqual(given, token);
}

/** True for NDJSON, false for JSON (or no type: curl's default form type is refused, a bare body is read as JSON). */
function bodyKind(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/json' || type === '') return false;
  if (
    type === 'application/x-ndjson' ||
    type === 'application/ndjson' ||
    type === 'application/jsonl'
  )
    return true;
  throw new HttpError(
    415,
    'unsupported_media_type',
    `content-type ${JSON.stringify(type.slice(0, 80))}: send application/json or application/x-ndjson`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(
      400,
      'invalid_json',
      `body is not JSON: ${(e as Error).message.slice(0, 200)}`,
      [{ index: 0, path: '', message: 'not JSON' }],
    );
  }
}

function parseNdjson(text: string): unknown[] {
  const out: unknown[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      throw new HttpError(
        400,
        'invalid_json',
        `NDJSON line for event ${out.length} is not JSON: ${(e as Error).message.slice(0, 200)}`,
        [{ index: out.length, path: '', message: 'not JSON' }],
      );
    }
  }
  return out;
}

async function readJson(req: Request): Promise<unknown> {
  return parseJson(await readBody(req, ADMIN_BODY_BYTES));
}

function objectBody(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw invalid('', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

function invalid(path: string, message: string): HttpError {
  return new HttpError(400, 'invalid_request', `${path || 'body'}: ${message}`, [
    { path, message },
  ]);
}

function intParam(raw: string | undefined, name: string, dflt: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(name, 'must be an integer ≥ 0');
  return n;
}

/** A time field: epoch ms, ISO with offset, or wall time read in the body's `timeZone`. */
function timeField(
  body: Record<string, unknown>,
  key: string,
  required: boolean,
): number | undefined {
  const v = body[key];
  if (v === undefined) {
    if (required)
      throw invalid(
        key,
        'required: epoch ms, ISO-8601 with offset, or "YYYY-MM-DD HH:mm" with timeZone',
      );
    return undefined;
  }
  if (typeof v !== 'number' && typeof v !== 'string')
    throw invalid(key, 'must be epoch ms or a time string');
  const tz = body.timeZone;
  if (tz !== undefined && typeof tz !== 'string')
    throw invalid('timeZone', 'must be an IANA time zone name such as Asia/Shanghai');
  try {
    return parseZonedTime(v, tz);
  } catch (e) {
    if (e instanceof TimeParseError) throw invalid(key, e.message);
    throw e;
  }
}

function fromEngineError(e: EngineError): HttpError {
  switch (e.code) {
    case 'unknown_channel':
      return new HttpError(404, 'unknown_channel', e.message);
    case 'unknown_maintenance':
      return new HttpError(404, 'unknown_maintenance', e.message);
    case 'bad_override':
    case 'bad_maintenance':
    case 'bad_option':
    case 'unknown_pool':
      return new HttpError(400, 'invalid_request', e.message);
  }
}
