import { isLoopback } from '../server/loopback.ts';

export { isLoopback };

/** The flag that lets a server listen on a network with writes open, said in every refusal. */
export const INSECURE_FLAG = '--insecure-no-auth';

/**
 * The refusal to print (exit 2) when `host` is a network address and the writes are open — the
 * tokens named in `missing` unset — unless `insecure` says the operator means it; else null.
 */
export function exposureRefusal(opts: {
  command: string;
  host: string;
  /** The unset tokens, as the operator sets them (`tokens.admin`, `--token`…). */
  missing: readonly string[];
  insecure: boolean;
}): string | null {
  if (opts.insecure || opts.missing.length === 0 || isLoopback(opts.host)) return null;
  return (
    `${opts.command}: --host ${opts.host} listens on a network, and ${opts.missing.join(' and ')} ` +
    `${opts.missing.length === 1 ? 'is' : 'are'} not set: anyone who can reach it could write ` +
    `(take channels down, inject faults). Set ${opts.missing.join(' and ')}, bind 127.0.0.1, ` +
    `or pass ${INSECURE_FLAG} to run it open knowingly.\n`
  );
}

/** `http://address:port` of a listening server's real address (`[…]` around IPv6). */
export function boundUrl(address: string, port: number): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}
