import type { Server, ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a request may take to arrive: past these, Node drops the connection (408). */
export interface HttpLimits {
  /** All the headers. Default 10 s (Node's own is 60 s: 4,000 half-sent requests were held 50 s). */
  headersTimeoutMs: number;
  /** The whole request, body included. Default 30 s (Node's own is 300 s). */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

/**
 * The node:http options every server of ours is made with (`createAdaptorServer({ serverOptions })`).
 * Node checks the timeouts every `connectionsCheckingInterval` (30 s by default): a tenth of the
 * headers timeout keeps them close to what they say.
 */
export function serverOptions(limits: Partial<HttpLimits> = {}): ServerOptions {
  const { headersTimeoutMs, requestTimeoutMs } = { ...DEFAULT_HTTP_LIMITS, ...limits };
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(requestTimeoutMs, headersTimeoutMs),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.round(headersTimeoutMs / 10))),
  };
}

/**
 * Listens on `port` at `host` and resolves with the port bound (0 asks for any free one), or
 * rejects with the listen error (EADDRINUSE, EACCES…) so the caller can name the flag to change.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops open sockets: keep-alive connections of in-flight traffic would hold the process open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
