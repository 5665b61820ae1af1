import { Hono } from 'hono';
import type { Clock } from '../core/clock.ts';
import { CHANNEL_STATES, type ChannelStateName } from '../core/decision.ts';
import type { Engine } from '../core/Engine.ts';
import { parseZonedTime, TimeParseError } from '../config/zonedTime.ts';
import { requireBearer } from './bearerToken.ts';
import { HttpError } from './HttpError.ts';
import type { Logger } from './Logger.ts';
import { readJson } from './readBody.ts';

export interface OperatorDeps {
  engine: Engine;
  clock: Clock;
  log: Logger;
  /** Bearer token every write needs; unset: open. */
  token?: string;
  /** Drain lead time of maintenance windows that do not give one. */
  maintenanceLeadMs: number;
}

const BODY_BYTES = 64 * 1024;

/** The operator's writes: manual overrides and planned maintenance windows. */
export function operatorRoutes({
  engine,
  clock,
  log,
  token,
  maintenanceLeadMs,
}: OperatorDeps): Hono {
  const app = new Hono();
  const admin = requireBearer(
    token,
    'this write needs the admin token: Authorization: Bearer <token>',
  );
  const knownChannel = (id: string) => {
    if (!engine.hasChannel(id))
      throw new HttpError(404, 'unknown_channel', `no channel ${JSON.stringify(id)}`);
    return id;
  };

  app.put('/v1/channels/:id/override', admin, async (c) => {
    const id = knownChannel(c.req.param('id'));
    const body = objectBody(await readJson(c.req.raw, BODY_BYTES));
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

  app.delete('/v1/channels/:id/override', admin, (c) => {
    const id = knownChannel(c.req.param('id'));
    return c.json({ decision: engine.clearOverride(id) });
  });

  app.post('/v1/maintenance', admin, async (c) => {
    const body = objectBody(await readJson(c.req.raw, BODY_BYTES));
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

  app.delete('/v1/maintenance/:id', admin, (c) => {
    const window = engine.removeMaintenance(c.req.param('id'));
    log.info('maintenance removed', { id: window.id, channel: window.channel });
    return c.json({ window });
  });

  return app;
}

function objectBody(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw invalid('', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

function invalid(path: string, message: string): HttpError {
  return HttpError.invalid([{ path, message }]);
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
