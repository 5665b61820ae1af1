import { describe, expect, it } from 'vitest';
import { bearerCheck, bearerOf, tokenMatches } from './bearerToken.ts';
import { HttpError } from './HttpError.ts';

describe('bearer tokens', () => {
  it('reads the scheme in any case (RFC 9110) and refuses an empty token', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer abc')).toBe('abc');
    expect(bearerOf('BEARER  abc ')).toBe('abc');
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf('Bearer ')).toBeNull();
    expect(bearerOf('Bearerabc')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });

  it('accepts the token and nothing else: not a prefix, not a longer one', () => {
    const check = bearerCheck('s3cret-token', 'send the token');
    expect(() => check('bearer s3cret-token')).not.toThrow();
    for (const bad of [undefined, 'Bearer s3cret', 'Bearer s3cret-token2', 'Bearer S3CRET-TOKEN'])
      expect(() => check(bad), String(bad)).toThrow(HttpError);
    expect(tokenMatches('a', 'a')).toBe(true);
    expect(tokenMatches('a', 'ab')).toBe(false);
    expect(tokenMatches('', 'a')).toBe(false);
  });

  it('with no token configured, lets everything through', () => {
    expect(() => bearerCheck(undefined, 'x')(undefined)).not.toThrow();
  });
});
