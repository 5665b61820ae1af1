import { Hono } from 'hono';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Engine } from '../core/Engine.ts';
import { EngineError } from '../core/errors.ts';
import { dashboardRoutes } from './dashboard/index.ts';
import { faultsRoutes } from './faultsRoutes.ts';
import { HttpError } from './HttpError.ts';
import { ingestRoutes } from './ingestRoutes.ts';
import { type Logger, silentLogger } from './Logger.ts';
import type { Metrics } from './Metrics.ts';
import { operatorRoutes } from './operatorRoutes.ts';
import { readRoutes } from './readRoutes.ts';
import { refuser } from './refuse.ts';
import { writeGuard } from './writeGuard.ts';

export interface AppOptions {
  engine: Engine;
  metrics: Metrics;
  log?: Logger;
  /** Receipt time of events without `at`, and "now" for overrides; default the system clock. */
  clock?: Clock;
  /** Bearer tokens; a route whose token is unset is open. `probe`: the only sender of `source: "probe"` events. */
  tokens?: { admin?: string; ingest?: string; probe?: string };
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
  /** Browser origins besides the monitor's own whose pages may write; default none. */
  allowedOrigins?: readonly string[];
  /** Listening on loopback only: the own origin must be a loopback name (no DNS rebinding). */
  loopbackOnly?: boolean;
}

/**
 * The monitor's HTTP API (routes only: no listen). CONTRACT.md "HTTP and WebSocket".
 * Each group of routes is a sub-app taking its dependencies; this composes them and owns the
 * error answers (sub-apps set no `onError`, so hono flattens their routes into this router).
 */
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
  allowedOrigins = [],
  loopbackOnly = false,
}: AppOptions): Hono {
  const app = new Hono();
  const refuse = refuser(log);
  const guard = writeGuard({ allowedOrigins, loopbackOnly });

  app.onError((err, c) => {
    if (err instanceof HttpError) return refuse(c, err);
    if (err instanceof EngineError) return refuse(c, HttpError.fromEngineError(err));
    log.error('request failed', {
      method: c.req.method,
      path: c.req.path,
      error: String((err as Error)?.stack ?? err),
    });
    return new HttpError(500, 'internal', 'internal error').toResponse();
  });
  app.notFound((c) =>
    refuse(c, new HttpError(404, 'not_found', `no route ${c.req.method} ${c.req.path}`)),
  );

  app.route(
    '/',
    ingestRoutes({
      engine,
      metrics,
      clock,
      refuse,
      token: tokens.ingest,
      probeToken: tokens.probe,
      maxBodyBytes,
      guard,
    }),
  );
  app.route('/', readRoutes({ engine, metrics }));
  app.route(
    '/',
    operatorRoutes({ engine, clock, log, token: tokens.admin, maintenanceLeadMs, guard }),
  );
  app.route('/', faultsRoutes({ simulatorUrl, simulatorToken, fetch, token: tokens.admin }));
  if (dashboard) app.route('/', dashboardRoutes());
  return app;
}
