import { Hono } from 'hono';
import { requireBearer } from './bearerToken.ts';
import { HttpError } from './HttpError.ts';

export interface FaultsDeps {
  /** Simulator base URL; unset: no faults. */
  simulatorUrl?: string;
  /** Sent as a bearer token to the simulator's /_chaos API when set. */
  simulatorToken?: string;
  fetch: typeof globalThis.fetch;
  /** The admin token: where one is set, the relay needs it (the timeline says which faults are coming). */
  token?: string;
}

/** `GET /v1/faults`: the simulator's injected faults (`/_chaos/timeline`), for the dashboard's timeline. */
export function faultsRoutes({ simulatorUrl, simulatorToken, fetch, token }: FaultsDeps): Hono {
  const app = new Hono();
  const admin = requireBearer(
    token,
    'the fault timeline needs the admin token: Authorization: Bearer <token> (the dashboard sends the one entered in its admin form)',
  );

  // Without a simulator there is nothing to guard: an empty list for everyone.
  if (!simulatorUrl) {
    app.get('/v1/faults', (c) => c.json({ faults: [] }));
    return app;
  }

  app.get('/v1/faults', admin, async (c) => {
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

  return app;
}
