import { UsageError } from './UsageError.ts';

/**
 * A listen port as a flag or the environment gives it (the caller picks which wins), else
 * `fallback`. One rule for every command: an integer 0-65535, 0 asking for any free port.
 * Throws a `UsageError` (`bad_port`) naming the value and the fix.
 */
export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new UsageError('bad_port', `bad port ${JSON.stringify(raw)}: give an integer 0-65535`);
  return Number(raw);
}
