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

  // Temporal's 'compatible' disambiguation: a wall time in a gap moves forward by the gap, one in
  // an overlap is the earlier instant. Three zones, both edges each, north and south.
  it.each([
    ['America/New_York', '2026-03-08 02:30', '2026-03-08T07:30:00Z', 'gap: 03:30 EDT'],
    ['America/New_York', '2026-11-01 01:30', '2026-11-01T05:30:00Z', 'overlap: the EDT one'],
    ['America/New_York', '2026-03-08 03:00', '2026-03-08T07:00:00Z', 'just after the gap'],
    ['Europe/Berlin', '2026-03-29 02:30', '2026-03-29T01:30:00Z', 'gap: 03:30 CEST'],
    ['Europe/Berlin', '2026-10-25 02:30', '2026-10-25T00:30:00Z', 'overlap: the CEST one'],
    ['Europe/Berlin', '2026-10-25 03:00', '2026-10-25T02:00:00Z', 'after the overlap'],
    ['Australia/Sydney', '2026-10-04 02:30', '2026-10-03T16:30:00Z', 'gap: 03:30 AEDT'],
    ['Australia/Sydney', '2026-04-05 02:30', '2026-04-04T15:30:00Z', 'overlap: the AEDT one'],
    ['Australia/Lord_Howe', '2026-04-05 01:45', '2026-04-04T14:45:00Z', 'a 30-minute overlap'],
  ])('%s %s is %s (%s)', (zone, wall, iso) => {
    expect(new Date(parseZonedTime(wall, zone)).toISOString()).toBe(iso.replace('Z', '.000Z'));
  });
});
