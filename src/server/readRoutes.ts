import { Hono } from 'hono';
import type { Engine } from '../core/Engine.ts';
import { HttpError, JSON_HEADERS } from './HttpError.ts';
import type { Metrics } from './Metrics.ts';

export interface ReadDeps {
  engine: Engine;
  metrics: Metrics;
}

/** What anyone may read, no token needed: health, channels, pools, decisions, maintenance, metrics. */
export function readRoutes({ engine, metrics }: ReadDeps): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok', epoch: engine.epoch, seq: engine.seq }));

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

  app.get('/v1/maintenance', (c) => c.json({ maintenance: engine.maintenance() }));

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

  return app;
}

function intParam(raw: string | undefined, name: string, dflt: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw HttpError.invalid([{ path: name, message: 'must be an integer ≥ 0' }]);
  return n;
}
