import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../SimulatorError.ts';
import { DURATION_PATTERN, durationSchema, formatDuration, parseDuration } from './duration.ts';

describe('durations', () => {
  it('reads numbers, bare digit strings and unit sums', () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('2.5')).toBe(2.5);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2.5s')).toBe(2500);
    expect(parseDuration('8m37s')).toBe(517_000);
    expect(parseDuration(' 1h ')).toBe(3_600_000);
    expect(parseDuration('1m1ms')).toBe(60_001);
    expect(parseDuration('1h0.5m')).toBe(3_630_000);
    expect(formatDuration(517_000)).toBe('8m37s');
  });

  it('refuses what is no duration, naming the field', () => {
    for (const bad of [
      '',
      'x',
      '1x',
      '1s2',
      '1.s',
      '.5s',
      's',
      '1mss',
      '-1s',
      '1 s',
      '1e3',
      '1s ms',
    ])
      expect(() => parseDuration(bad, 'ramp'), JSON.stringify(bad)).toThrow(/^ramp: /);
    expect(() => parseDuration(-1, 'for')).toThrow(SimulatorError);
    expect(() => parseDuration(Number.NaN, 'for')).toThrow(/for: /);
  });

  it('refuses anything longer than a day: a scenario of 100000h is a typo, not a plan', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(() => parseDuration('100000h', 'duration')).toThrow(/^duration: .*longer than 24h/);
    expect(() => parseDuration(1e308, 'latency')).toThrow(/^latency: /);
    expect(durationSchema.safeParse('25h').success).toBe(false);
    expect(durationSchema.safeParse(86_400_001).success).toBe(false);
    expect(durationSchema.safeParse('8m37s').success).toBe(true);
  });

  it('takes linear time on the inputs that froze the old regex for seconds', () => {
    const worst = [
      `${'1'.repeat(30)}x`,
      `${'1'.repeat(10_000)}x`,
      `${'1s'.repeat(5_000)}x`,
      `${'1.1'.repeat(3_000)}x`,
      `${'9'.repeat(100_000)}`,
    ];
    for (const s of worst) {
      const t = performance.now();
      expect(() => parseDuration(s, 'ramp')).toThrow(SimulatorError);
      expect(durationSchema.safeParse(s).success).toBe(false);
      expect(performance.now() - t, `${s.slice(0, 12)}… (${s.length})`).toBeLessThan(50);
    }
  });

  it('gives editors a pattern that accepts what the parser does', () => {
    const re = new RegExp(DURATION_PATTERN);
    for (const s of ['500ms', '2.5s', '8m37s', '1500', '2.5'])
      expect([s, re.test(s)]).toEqual([s, durationSchema.safeParse(s).success]);
    for (const s of ['1s2', 'x', '', '1.s']) expect([s, re.test(s)]).toEqual([s, false]);
  });
});
