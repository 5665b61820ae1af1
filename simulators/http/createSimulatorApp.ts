import { Hono } from 'hono';
import type { Scheduler } from '../../src/core/scheduler.ts';
import type { CallFate, ChannelSimulator, StatusFate } from '../channels/ChannelSimulator.ts';
import { type ChaosOptions, chaosRoutes } from '../control/chaosRoutes.ts';
import { json, type WireContext, WireError } from './wire/Wire.ts';
import { wires } from './wire/wires.ts';

export interface SimulatorAppOptions {
  sim: ChannelSimulator;
  /** Latencies are waited out on this (RealScheduler live). */
  scheduler: Scheduler;
  /** `/_chaos` control; left out, there is no control API. */
  chaos?: Omit<ChaosOptions, 'faults' | 'clock'>;
}

/**
 * The simulator as a hono app (routes only, no listen): every channel under `/<channel>/…` in its
 * flavour's API, `GET /<channel>/health` for probes, `/_chaos` for control.
 */
export function createSimulatorApp({ sim, scheduler, chaos }: SimulatorAppOptions): Hono {
  const app = new Hono();
  const ctx: WireContext = {
    sim,
    deliver<F extends CallFate | StatusFate>(
      fate: F,
      req: Request,
      render: (f: F & { kind: 'answer' }) => Response,
    ): Response | Promise<Response> {
      // no latency (load tests at latencyScale 0): answer in the same tick, with no closure made
      if (!(fate.latencyMs > 0)) return respond(fate, render);
      return wait(scheduler, fate.latencyMs, req.signal).then((ok) =>
        ok ? respond(fate, render) : new Response(null, { status: 499 }),
      );
    },
  };

  // A request a channel cannot read is the caller's mistake: 400/415 in the channel's words, never a 500.
  app.onError((err) => {
    if (err instanceof WireError) return json({ code: err.code, message: err.message }, err.status);
    throw err;
  });
  if (chaos)
    app.route('/_chaos', chaosRoutes({ ...chaos, faults: sim.faults, clock: scheduler.clock }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/channels', (c) =>
    c.json({
      channels: sim
        .channels()
        .map(({ id, flavour, pool, priority }) => ({ id, flavour, pool, priority })),
    }),
  );

  for (const p of sim.channels()) {
    app.get(`/${p.id}/health`, (c) =>
      ctx.deliver(sim.probe(p.id), c.req.raw, (f) =>
        json(
          { channel: p.id, status: f.outcome === 'success' ? 'UP' : 'DOWN', code: f.code },
          f.outcome === 'success' ? 200 : f.outcome === 'maintenance' ? 503 : 500,
        ),
      ),
    );
    wires[p.flavour].mount(app, p.id, ctx);
  }
  return app;
}

/** The fate's answer rendered, or the gateway's 504 for a hang. */
function respond<F extends CallFate | StatusFate>(
  fate: F,
  render: (f: F & { kind: 'answer' }) => Response,
): Response {
  return fate.kind === 'hang'
    ? json({ code: 'GATEWAY_TIMEOUT', message: 'upstream did not answer' }, 504)
    : render(fate as F & { kind: 'answer' });
}

/** Resolves true after `ms` on the scheduler, false if the caller hung up first. */
function wait(scheduler: Scheduler, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = scheduler.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
