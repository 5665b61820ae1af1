/** A time the config or the maintenance API was given that cannot be turned into an instant. */
export class TimeParseError extends Error {
  readonly code = 'time_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'TimeParseError';
  }
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when Intl knows the zone (IANA names such as Asia/Shanghai, or UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An instant from epoch ms, an ISO-8601 string with an offset (`2026-11-23T02:00:00+08:00`, `…Z`),
 * or a wall-clock time (`2026-11-23 02:00`) read in `timeZone`. A wall time without a zone is
 * refused rather than guessed: a maintenance window eight hours off drains the wrong night.
 */
export function parseZonedTime(value: string | number, timeZone?: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TimeParseError(`time ${value} is not a finite epoch-ms number`);
    return value;
  }
  const s = value.trim();
  if (/^\d{10,}$/.test(s)) return Number(s);
  if (OFFSET.test(s)) {
    const t = Date.parse(s.replace(' ', 'T'));
    if (Number.isNaN(t)) throw new TimeParseError(`"${value}" is not an ISO-8601 time`);
    return t;
  }
  const m = WALL.exec(s);
  if (!m)
    throw new TimeParseError(
      `"${value}" is neither epoch ms, an ISO-8601 time with offset, nor "YYYY-MM-DD HH:mm"`,
    );
  if (timeZone === undefined)
    throw new TimeParseError(
      `"${value}" has no offset: give a timeZone (e.g. "Asia/Shanghai") or an offset such as +08:00`,
    );
  if (!isTimeZone(timeZone))
    throw new TimeParseError(
      `unknown time zone "${timeZone}": use an IANA name such as "Asia/Shanghai" or "UTC"`,
    );
  const [, y, mo, d, h = '0', mi = '0', sec = '0', ms = '0'] = m;
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, +ms.padEnd(3, '0'));
  const back = new Date(wall);
  if (
    back.getUTCMonth() !== +mo - 1 ||
    back.getUTCDate() !== +d ||
    +h > 23 ||
    +mi > 59 ||
    +sec > 59
  ) {
    throw new TimeParseError(`"${value}" is not a valid calendar time`);
  }
  return instantOfWall(wall, timeZone);
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall time (as if UTC) names in `timeZone`, disambiguated as Temporal's
 * `'compatible'` does: in an overlap (clocks set back) the earlier of the two instants, in a gap
 * (clocks set forward) the wall time read with the offset before the gap, i.e. moved forward by
 * the gap's length (New York 02:30 on the spring-forward night is 03:30 EDT).
 * The offsets a day either side bracket any transition: zones change at most once a day.
 */
export function instantOfWall(wall: number, timeZone: string): number {
  const before = zoneOffsetMs(wall - DAY_MS, timeZone);
  const after = zoneOffsetMs(wall + DAY_MS, timeZone);
  const fits = (offset: number) => zoneOffsetMs(wall - offset, timeZone) === offset;
  const candidates = [...new Set([before, after])].filter(fits).map((o) => wall - o);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // a gap
}

/** How far `timeZone`'s wall clock is ahead of UTC at instant `t`. */
export function zoneOffsetMs(t: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(t))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}
