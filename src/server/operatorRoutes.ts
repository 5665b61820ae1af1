import { Hono } from 'hono';
import type { Clock } from '../core/clock.ts';
import type { Engine } from '../core/Engine.ts';
import { requireBearer } from './bearerToken.ts';
import { HttpError } from './HttpError.ts';
import type { Logger } from './Logger.ts';
import { maintenanceBody } from './maintenanceBody.ts';
import { overrideBody } from './overrideBody.ts';
import { readJson } from './readBody.ts';
import { validBody } from './validBody.ts';
import type { WriteGuard } from './writeGuard.ts';

export interface OperatorDeps {
  engine: Engine;
  clock: Clock;
  log: Logger;
  /** Bearer token every write needs; unset: open. */
  token?: string;
  /** Drain lead time of maintenance windows that do not give one. */
  maintenanceLeadMs: number;
  /** Origin and media-type checks of writes. */
  guard: WriteGuard;
}

/** Operator bodies are a few fields: anything larger is not one. */
const BODY_BYTES = 64 * 1024;

/** The operator's writes: manual overrides and planned maintenance windows, bodies checked by zod. */
export function operatorRoutes({
  engine,
  clock,
  log,
  token,
  maintenanceLeadMs,
  guard,
}: OperatorDeps): Hono {
  const app = new Hono();
  const admin = requireBearer(
    token,
    'this write needs the admin token: Authorization: Bearer <token>',
  );
  const override = overrideBody(clock);
  const maintenance = maintenanceBody({
    channels: engine.channels().map((c) => c.id),
    defaultLeadMs: maintenanceLeadMs,
  });
  const knownChannel = (id: string) => {
    if (!engine.hasChannel(id))
      throw new HttpError(404, 'unknown_channel', `no channel ${JSON.stringify(id)}`);
    return id;
  };

  app.put('/v1/channels/:id/override', guard.middleware, admin, async (c) => {
    const id = knownChannel(c.req.param('id'));
    const body = validBody(override, await readJson(c.req.raw, BODY_BYTES));
    const decision = engine.setOverride(id, body);
    return c.json({ decision, channel: engine.channelView(id) });
  });

  app.delete('/v1/channels/:id/override', guard.middleware, admin, (c) => {
    const id = knownChannel(c.req.param('id'));
    return c.json({ decision: engine.clearOverride(id) });
  });

  app.post('/v1/maintenance', guard.middleware, admin, async (c) => {
    const body = validBody(maintenance, await readJson(c.req.raw, BODY_BYTES));
    const window = engine.addMaintenance(body);
    log.info('maintenance planned', { ...window });
    return c.json({ window }, 201);
  });

  app.delete('/v1/maintenance/:id', guard.middleware, admin, (c) => {
    const window = engine.removeMaintenance(c.req.param('id'));
    log.info('maintenance removed', { id: window.id, channel: window.channel });
    return c.json({ window });
  });

  return app;
}
