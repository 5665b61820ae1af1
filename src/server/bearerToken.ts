import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './HttpError.ts';

/**
 * A check of `Authorization: Bearer <token>` that throws a 401 naming the token to send; with no
 * token configured the route is open and the check passes. Compared in constant time.
 */
export function bearerCheck(
  token: string | undefined,
  refusal: string,
): (authorization: string | undefined) => void {
  if (!token) return () => {};
  const want = digest(token);
  return (authorization) => {
    const given = bearerOf(authorization);
    if (given === null || !digestMatches(given, want))
      throw new HttpError(401, 'unauthorized', refusal);
  };
}

/**
 * `bearerCheck` as per-route middleware. Pass it to each route, never to a sub-app's `use('*')`:
 * mounted at `/`, that middleware would guard every route the parent registers after it.
 */
export function requireBearer(token: string | undefined, refusal: string): MiddlewareHandler {
  const check = bearerCheck(token, refusal);
  return async (c, next) => {
    check(c.req.header('authorization'));
    await next();
  };
}

/** The token of `Authorization: Bearer <token>` (the scheme in any case, RFC 9110), or null. */
export function bearerOf(header: string | null | undefined): string | null {
  if (!header || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const token = header.slice(7).trim();
  return token === '' ? null : token;
}

/**
 * Whether `given` is `want`, in time that depends on neither: both are hashed first, so the
 * comparison is of two 32-byte digests and says nothing about the token's length.
 */
export function tokenMatches(given: string, want: string): boolean {
  return digestMatches(given, digest(want));
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function digestMatches(given: string, want: Buffer): boolean {
  return timingSafeEqual(digest(given), want);
}
