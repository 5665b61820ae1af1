import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { Clock } from '../../src/core/clock.ts';
import { closeServer, listen } from '../../src/server/listen.ts';
import { createCheckoutApp } from './createCheckoutApp.ts';
import type { CarefulCheckout } from './createCheckout.ts';
import type { Strategy } from './types.ts';

export interface CheckoutServerOptions {
  checkouts: Partial<Record<Strategy, CarefulCheckout>>;
  clock: Clock;
  /** Default 8082; 0 for any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningCheckout {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listens with the checkout app (default 127.0.0.1:8082). */
export async function startCheckoutServer(o: CheckoutServerOptions): Promise<RunningCheckout> {
  const app = createCheckoutApp({ checkouts: o.checkouts, clock: o.clock });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const host = o.host ?? '127.0.0.1';
  const port = await listen(server, o.port ?? 8082, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close() {
      if (!closing) {
        for (const c of Object.values(o.checkouts)) c?.close();
        closing = closeServer(server);
      }
      return closing;
    },
  };
}
