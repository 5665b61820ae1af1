import type { MiddlewareHandler } from 'hono';
import { HttpError } from './HttpError.ts';
import { isLoopbackHost } from './loopback.ts';

/**
 * What keeps a web page from writing: a browser cannot send `application/json` (or NDJSON)
 * cross-origin without a CORS preflight, which we never answer, and every browser names its page
 * in `Origin` on a cross-origin write. Programs (curl, gateways, the simulators) send no Origin.
 */
export interface WriteGuardOptions {
  /**
   * Browser origins besides the server's own that may write, e.g. `https://ops.example.com` for a
   * dashboard served elsewhere. Each is compared as `scheme://host[:port]`, lower case.
   */
  allowedOrigins?: readonly string[];
  /**
   * The server listens on loopback only: its own pages then come by a loopback name too. A page
   * that rebinds its own DNS name to 127.0.0.1 sends `Origin` = `Host` = its name, and is refused.
   */
  loopbackOnly?: boolean;
}

/** A write's media types: JSON everywhere, NDJSON where a route takes batches of lines. */
export type BodyKind = 'json' | 'ndjson';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl']);

/** `origin` as `scheme://host[:port]` in lower case, or null when it is not a URL with a host. */
export function normalOrigin(origin: string): string | null {
  try {
    const u = new URL(origin);
    return u.host ? u.origin.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * The checks of one server: `origin` for every write and for the stream, `body` for the media
 * type of a write. Each throws an HttpError (403 `forbidden_origin`, 415 `unsupported_media_type`).
 */
export function writeGuard({ allowedOrigins = [], loopbackOnly = false }: WriteGuardOptions = {}) {
  const allowed = new Set(allowedOrigins.map((o) => normalOrigin(o) ?? o.toLowerCase()));

  /** True for no Origin (not a browser), the server's own origin (by Host) and the allowed ones. */
  function originAllowed(origin: string | null | undefined, host: string | null | undefined) {
    if (origin === undefined || origin === null) return true;
    const o = origin.toLowerCase();
    if (allowed.has(o)) return true;
    if (!host) return false;
    const h = host.toLowerCase();
    if (o !== `http://${h}` && o !== `https://${h}`) return false;
    return !loopbackOnly || isLoopbackHost(h);
  }

  function origin(req: Request): void {
    const given = req.headers.get('origin');
    if (originAllowed(given, req.headers.get('host') ?? new URL(req.url).host)) return;
    throw new HttpError(
      403,
      'forbidden_origin',
      `origin ${JSON.stringify(given!.slice(0, 100))} may not write here: writes come from programs (no Origin) or the server's own pages; list another origin under allowedOrigins in the config to let its pages write`,
    );
  }

  /**
   * The body's kind by Content-Type. A request with no body needs none (a DELETE); one with a body
   * must say JSON (or NDJSON where `ndjson` is allowed): a form or a `text/plain` fetch is refused.
   */
  function body(req: Request, ndjson = false): BodyKind {
    const header = req.headers.get('content-type');
    if (header === null && !hasBody(req)) return 'json';
    const type = (header ?? '').split(';', 1)[0].trim().toLowerCase();
    if (type === 'application/json') return 'json';
    if (ndjson && NDJSON_TYPES.has(type)) return 'ndjson';
    const want = ndjson ? 'application/json or application/x-ndjson' : 'application/json';
    throw new HttpError(
      415,
      'unsupported_media_type',
      header === null
        ? `a body needs a Content-Type: send ${want}`
        : `content-type ${JSON.stringify(type.slice(0, 80))}: send ${want}`,
    );
  }

  /** Both checks as per-route middleware (pass it to each write route, like requireBearer). */
  const middleware: MiddlewareHandler = async (c, next) => {
    origin(c.req.raw);
    body(c.req.raw);
    await next();
  };

  return { originAllowed, origin, body, middleware };
}

export type WriteGuard = ReturnType<typeof writeGuard>;

/**
 * Whether the request carries a body: in HTTP/1.1 only a Content-Length above 0 or a
 * Transfer-Encoding says so (@hono/node-server hands every DELETE a body stream, empty or not).
 */
function hasBody(req: Request): boolean {
  const length = req.headers.get('content-length');
  if (length !== null) return length.trim() !== '0';
  return req.headers.has('transfer-encoding');
}
