import { describe, expect, it } from 'vitest';
import { parsePort } from './parsePort.ts';
import { UsageError } from './UsageError.ts';

describe('parsePort', () => {
  it('takes an integer 0-65535, else the fallback when nothing is given', () => {
    expect(parsePort(undefined, 8081)).toBe(8081);
    expect(parsePort('0', 8081)).toBe(0);
    expect(parsePort('65535', 8081)).toBe(65535);
  });

  it('refuses anything else with bad_port, naming the value and the fix', () => {
    for (const raw of ['', 'http', '-1', '80.5', ' 80', '65536', '1e3']) {
      let err: unknown;
      try {
        parsePort(raw, 8080);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).code).toBe('bad_port');
      expect((err as UsageError).message).toBe(
        `bad port ${JSON.stringify(raw)}: give an integer 0-65535`,
      );
    }
  });
});
