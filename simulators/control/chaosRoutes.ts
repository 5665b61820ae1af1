import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../src/core/clock.ts';
import { bearerOf, tokenMatches } from '../../src/server/bearerToken.ts';
import { HttpError } from '../../src/server/HttpError.ts';
import { writeGuard } from '../../src/server/writeGuard.ts';
import type { FaultEngine } from '../faults/FaultEngine.ts';
import {
  durationSchema,
  type FaultSpec,
  faultSpecSchema,
  toFaultInput,
} from '../faults/faultSpec.ts';
import { parseDuration } from '../scenario/duration.ts';
import { SimulatorError } from '../SimulatorError.ts';

export interface ChaosOptions {
  faults: FaultEngine;
  clock: Clock;
  /** When set, every call needs `Authorization: Bearer <token>` (or `x-chaos-token`). */
  token?: string;
  /** Fault timelines `POST /_chaos/scenario/start` can start, by name. */
  scenarios?: Readonly<Record<string, readonly FaultSpec[]>>;
  /** One line per change. */
  log?: (line: Record<string, unknown>) => void;
  /** Browser origins besides the simulator's own whose pages may write; default none. */
  allowedOrigins?: readonly string[];
  /** Listening on loopback only: the own origin must be a loopback name (no DNS rebinding). */
  loopbackOnly?: boolean;
}

const patchSchema = z
  .object({
    probability: z.number().min(0).max(1).optional(),
    ttl: durationSchema.optional().describe('New TTL from now'),
    ramp: durationSchema.optional(),
    code: z.string().optional(),
    latency: durationSchema.optional(),
    note: z.string().optional(),
  })
  .strict();

/**
 * `/_chaos`: list, add, change and remove faults, start and stop a scenario's fault timeline,
 * read the injected-fault timeline (the ground truth). Mounted on the simulator app.
 */
export function chaosRoutes({
  faults,
  clock,
  token,
  scenarios = {},
  log = () => {},
  allowedOrigins = [],
  loopbackOnly = false,
}: ChaosOptions): Hono {
  const app = new Hono();
  const guard = writeGuard({ allowedOrigins, loopbackOnly });
  let running: { name: string; startedAt: number; ids: string[] } | null = null;

  app.onError((err, c) => {
    if (err instanceof SimulatorError)
      return c.json(
        { error: err.message, code: err.code, details: err.details },
        err.status as 400 | 404,
      );
    if (err instanceof HttpError) return c.json({ error: err.message, code: err.code }, err.status);
    if (err instanceof SyntaxError)
      return c.json({ error: 'body is not JSON', code: 'bad_json' }, 400);
    throw err;
  });

  // A web page must not inject faults: writes need JSON and no foreign Origin (reads stay open).
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      guard.origin(c.req.raw);
      guard.body(c.req.raw);
    }
    await next();
  });

  if (token) {
    app.use('*', async (c, next) => {
      const given = c.req.header('x-chaos-token') ?? bearerOf(c.req.header('authorization'));
      if (given === null || given === undefined || !tokenMatches(given, token))
        return c.json({ error: 'missing or wrong chaos token', code: 'unauthorized' }, 401);
      await next();
    });
  }

  const view = (at = clock.now()) =>
    faults.list().map((f) => ({ ...f, active: f.from <= at && at < f.to }));

  app.get('/faults', (c) => c.json({ now: clock.now(), faults: view() }));

  app.post('/faults', async (c) => {
    const spec = parse(faultSpecSchema, await c.req.json());
    const fault = faults.add(toFaultInput(spec, clock.now(), 'api'));
    log({ msg: 'fault added', fault });
    return c.json({ fault }, 201);
  });

  app.patch('/faults/:id', async (c) => {
    const p = parse(patchSchema, await c.req.json());
    const fault = faults.change(c.req.param('id'), {
      ...(p.probability !== undefined && { probability: p.probability }),
      ...(p.ttl !== undefined && { ttlMs: parseDuration(p.ttl, 'ttl') }),
      ...(p.ramp !== undefined && { rampMs: parseDuration(p.ramp, 'ramp') }),
      ...(p.code !== undefined && { code: p.code }),
      ...(p.latency !== undefined && { latencyMs: parseDuration(p.latency, 'latency') }),
      ...(p.note !== undefined && { note: p.note }),
    });
    log({ msg: 'fault changed', fault });
    return c.json({ fault });
  });

  app.delete('/faults/:id', (c) => {
    const fault = faults.remove(c.req.param('id'));
    log({ msg: 'fault removed', fault });
    return c.json({ fault });
  });

  app.delete('/faults', (c) => {
    const removed = faults.list().map((f) => faults.remove(f.id));
    log({ msg: 'faults cleared', count: removed.length });
    return c.json({ removed: removed.length });
  });

  app.get('/timeline', (c) =>
    c.json({
      now: clock.now(),
      scenario: running,
      events: faults.timeline(),
      windows: faults.windows(),
    }),
  );

  app.get('/scenarios', (c) => c.json({ scenarios: Object.keys(scenarios), running }));

  app.post('/scenario/start', async (c) => {
    const { name } = parse(z.object({ name: z.string() }).strict(), await c.req.json());
    // Own keys only: "constructor" or "__proto__" is no scenario, whatever Object.prototype holds.
    const specs = Object.hasOwn(scenarios, name) ? scenarios[name] : undefined;
    if (!specs)
      throw new SimulatorError(
        'scenario_not_found',
        `no scenario "${name}" (have ${Object.keys(scenarios).join(', ') || 'none'})`,
      );
    if (running)
      return c.json(
        { error: `scenario ${running.name} is running; stop it first`, code: 'scenario_running' },
        409,
      );
    const startedAt = clock.now();
    const ids = specs.map(
      (s) =>
        faults.add({
          ...toFaultInput(s, startedAt, 'scenario'),
          id: `${name}/${s.id ?? faults.list().length + 1}`,
        }).id,
    );
    running = { name, startedAt, ids };
    log({ msg: 'scenario started', name, faults: ids.length });
    return c.json({ scenario: running }, 201);
  });

  app.post('/scenario/stop', (c) => {
    if (!running) return c.json({ stopped: null });
    const live = new Set(faults.list().map((f) => f.id));
    for (const id of running.ids) if (live.has(id)) faults.remove(id);
    const stopped = running;
    running = null;
    log({ msg: 'scenario stopped', name: stopped.name });
    return c.json({ stopped });
  });

  return app;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({
    path: i.path.join('.') || '(body)',
    message: i.message,
  }));
  throw new SimulatorError(
    'fault_invalid',
    details.map((d) => `${d.path}: ${d.message}`).join('; '),
    details,
  );
}
