import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
