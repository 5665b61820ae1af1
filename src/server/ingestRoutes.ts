import { Hono } from 'hono';
import type { Clock } from '../core/clock.ts';
import type { Engine } from '../core/Engine.ts';
import { parseOutcomes } from '../core/parse.ts';
import { bearerCheck, bearerOf, tokenMatches } from './bearerToken.ts';
import { HttpError, JSON_HEADERS } from './HttpError.ts';
import type { Metrics } from './Metrics.ts';
import { parseJson, readBody } from './readBody.ts';
import type { Refuse } from './refuse.ts';
import type { WriteGuard } from './writeGuard.ts';

export interface IngestDeps {
  engine: Engine;
  metrics: Metrics;
  clock: Clock;
  refuse: Refuse;
  /** Bearer token ingest needs; unset: open. */
  token?: string;
  /** The token of a prober of the operator's own: only it may send `source: "probe"`; unset: nobody may. */
  probeToken?: string;
  maxBodyBytes: number;
  /** Origin and media-type checks of writes. */
  guard: WriteGuard;
}

/**
 * `POST /v1/outcomes`, the hot path: no middleware, one JSON.parse, hand-written validation
 * (`parseOutcomes`), and its own refusals so every answer is counted in the ingest metrics.
 */
export function ingestRoutes({
  engine,
  metrics,
  clock,
  refuse,
  token,
  probeToken,
  maxBodyBytes,
  guard,
}: IngestDeps): Hono {
  const app = new Hono();
  const authorize = bearerCheck(
    token,
    'ingest needs the ingest token: Authorization: Bearer <token>',
  );

  app.post('/v1/outcomes', async (c) => {
    let events = 0;
    try {
      guard.origin(c.req.raw);
      const authorization = c.req.header('authorization');
      // Probe evidence counts more and skips the local-fault filter: only a trusted prober sends it.
      const prober = probeToken !== undefined && isToken(authorization, probeToken);
      if (!prober) authorize(authorization);
      const ndjson = guard.body(c.req.raw, true) === 'ndjson';
      const text = await readBody(c.req.raw, maxBodyBytes);
      const input = ndjson ? parseNdjson(text) : parseJson(text);
      events = Array.isArray(input) ? input.length : 1;
      const parsed = parseOutcomes(input, { now: clock.now(), engine, probe: prober });
      if (!parsed.ok) throw new HttpError(400, 'invalid_events', parsed.error, parsed.details);
      // Validated whole before the first record: all or nothing.
      for (const e of parsed.events) engine.recordOutcome(e);
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

  return app;
}

function isToken(authorization: string | undefined, token: string): boolean {
  const given = bearerOf(authorization);
  return given !== null && tokenMatches(given, token);
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
