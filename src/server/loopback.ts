import { isIP } from 'node:net';

/**
 * Whether binding `host` keeps the server to this machine: `localhost`, 127.0.0.0/8, `::1` (and
 * its IPv4-mapped form). Any other name or address, `0.0.0.0` and `::` included, is a network.
 */
export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}

/** Whether a `Host` header (`name[:port]`, `[v6]:port`) names this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
  return isLoopback(name);
}
