import { z } from 'zod';
import { SimulatorError } from '../SimulatorError.ts';

/** The longest duration anything takes (a scenario, a fault, its latency): a day. Longer is a typo. */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** Longer text is no duration anyone writes ("1h2m3s4ms" is 9 characters). */
const MAX_TEXT = 32;

/** The duration grammar as a JSON Schema pattern for editors; it backtracks linearly, but we never run it on input. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|h|m|s))+)$';

const EXAMPLES = 'write e.g. 500ms, 2s, 8m37s, 1h';

/** A duration as written in a scenario or sent to /_chaos: a number of ms or "8m37s" text. */
export const durationSchema = z
  .union([
    z.number().nonnegative().max(MAX_DURATION_MS, `at most ${MAX_DURATION_MS} ms (24h)`),
    z
      .string()
      .refine((s) => scan(s.trim()) !== undefined, 'a duration like 500ms, 2s, 8m37s, 1h')
      .refine((s) => !((scan(s.trim()) ?? 0) > MAX_DURATION_MS), 'at most 24h: shorten it')
      .meta({ pattern: DURATION_PATTERN }),
  ])
  .describe('A duration: a number of ms, or a string like 500ms, 2s, 8m37s, 1h');

/**
 * "8m37s", "500ms", "1h", "2.5s" or a number of ms → ms, at most {@link MAX_DURATION_MS}.
 * A single left-to-right scan: its time is linear in the text, whatever the text.
 */
export function parseDuration(v: string | number, field = 'duration'): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0)
      throw new SimulatorError('bad_duration', `${field}: ${v} is not a duration ≥ 0`);
    return bounded(v, field);
  }
  const s = v.trim();
  const ms = s.length <= MAX_TEXT ? scan(s) : undefined;
  if (ms === undefined)
    throw new SimulatorError(
      'bad_duration',
      `${field}: ${JSON.stringify(s.length > 40 ? `${s.slice(0, 39)}…` : s)} is not a duration; ${EXAMPLES}`,
    );
  return bounded(ms, field);
}

function bounded(ms: number, field: string): number {
  if (ms > MAX_DURATION_MS)
    throw new SimulatorError(
      'bad_duration',
      `${field}: ${ms} ms is longer than ${MAX_DURATION_MS / 3_600_000}h, the most any duration may be: shorten it`,
    );
  return ms;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * The ms a duration text stands for, or undefined when it is none: a bare number ("2.5") or one
 * or more number-unit pairs ("8m37s", "1h0.5m"); unit sums rounded to whole ms.
 */
function scan(s: string): number | undefined {
  if (s.length > MAX_TEXT) return undefined;
  let i = 0;
  let total = 0;
  let parts = 0;
  while (i < s.length) {
    const start = i;
    while (isDigit(s, i)) i++;
    if (i === start) return undefined;
    if (s[i] === '.') {
      const fraction = ++i;
      while (isDigit(s, i)) i++;
      if (i === fraction) return undefined;
    }
    const n = Number(s.slice(start, i));
    let unit: number;
    if (s[i] === 'm' && s[i + 1] === 's') {
      unit = UNIT_MS.ms;
      i += 2;
    } else if (s[i] === 'h' || s[i] === 'm' || s[i] === 's') {
      unit = UNIT_MS[s[i] as 'h' | 'm' | 's'];
      i += 1;
    } else if (i === s.length && parts === 0) {
      return n; // a bare number of ms
    } else return undefined;
    total += n * unit;
    parts++;
  }
  return parts > 0 ? Math.round(total) : undefined;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** ms → "8m37s" (whole seconds) or "450ms", for summaries. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
