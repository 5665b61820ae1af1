import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Clock } from '../../src/core/clock.ts';
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8082, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const c of Object.values(o.checkouts)) c?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
