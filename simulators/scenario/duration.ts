import { SimulatorError } from '../SimulatorError.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "8m37s", "500ms", "1h", "2.5s" or a number of ms → ms. */
export function parseDuration(v: string | number, field = 'duration'): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0)
      throw new SimulatorError('bad_duration', `${field}: ${v} is not a duration ≥ 0`);
    return v;
  }
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    end = re.lastIndex;
  }
  if (end === 0 || end !== s.length) {
    throw new SimulatorError(
      'bad_duration',
      `${field}: "${v}" is not a duration; write e.g. 500ms, 2s, 8m37s, 1h`,
    );
  }
  return Math.round(total);
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
