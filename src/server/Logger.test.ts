import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { createLogger } from './Logger.ts';

describe('createLogger', () => {
  it('writes one JSON line per call with the injected clock, base fields and level filter', () => {
    const lines: string[] = [];
    const clock = new ManualClock(1000);
    const log = createLogger({
      stream: { write: (l) => lines.push(l) },
      clock,
      level: 'info',
      base: { svc: 'monitor' },
    });
    log.debug('hidden');
    log.info('decision', { channel: 'wechat', to: 'down' });
    clock.advance(5);
    log.warn('refused', { status: 413 });
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      time: 1000,
      level: 'info',
      msg: 'decision',
      svc: 'monitor',
      channel: 'wechat',
      to: 'down',
    });
    expect(JSON.parse(lines[1])).toMatchObject({ time: 1005, level: 'warn', status: 413 });
  });

  it('survives fields that cannot be serialised', () => {
    const lines: string[] = [];
    const log = createLogger({
      stream: { write: (l) => lines.push(l) },
      clock: new ManualClock(0),
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.error('odd', { cyclic });
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'odd', unserialisable: true });
  });
});
