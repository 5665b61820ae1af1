import { timingSafeEqual } from 'node:crypto';
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
  const want = Buffer.from(token);
  return (authorization) => {
    if (!bearerMatches(authorization, want)) throw new HttpError(401, 'unauthorized', refusal);
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

function bearerMatches(header: string | undefined, token: Buffer): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  return given.length === token.length && timingSafeEqual(given, token);
}
