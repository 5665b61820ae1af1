import { describe, expect, it } from 'vitest';
import { parseZonedTime, TimeParseError } from './zonedTime.ts';

describe('parseZonedTime', () => {
  it('reads wall time in an IANA zone', () => {
    expect(parseZonedTime('2026-11-23 02:00', 'Asia/Shanghai')).toBe(
      Date.parse('2026-11-22T18:00:00Z'),
    );
    expect(parseZonedTime('2026-11-23T02:00:30', 'UTC')).toBe(Date.parse('2026-11-23T02:00:30Z'));
  });

  it('follows daylight saving time on both sides of a change', () => {
    // New York: EDT (-4) until 2026-11-01 02:00, EST (-5) after.
    expect(parseZonedTime('2026-10-31 12:00', 'America/New_York')).toBe(
      Date.parse('2026-10-31T16:00:00Z'),
    );
    expect(parseZonedTime('2026-11-02 12:00', 'America/New_York')).toBe(
      Date.parse('2026-11-02T17:00:00Z'),
    );
  });

  it('takes ISO instants with offsets and epoch ms as they are', () => {
    expect(parseZonedTime('2026-11-23T02:00:00+08:00')).toBe(Date.parse('2026-11-22T18:00:00Z'));
    expect(parseZonedTime('2026-11-22T18:00:00Z', 'Asia/Shanghai')).toBe(
      Date.parse('2026-11-22T18:00:00Z'),
    );
    expect(parseZonedTime(1795300000000)).toBe(1795300000000);
  });

  it('refuses wall time without a zone, unknown zones and impossible dates', () => {
    expect(() => parseZonedTime('2026-11-23 02:00')).toThrow(TimeParseError);
    expect(() => parseZonedTime('2026-11-23 02:00', 'Mars/Base')).toThrow(/unknown time zone/);
    expect(() => parseZonedTime('2026-02-30 02:00', 'UTC')).toThrow(/calendar/);
    expect(() => parseZonedTime('tomorrow', 'UTC')).toThrow(TimeParseError);
  });
});
