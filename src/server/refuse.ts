import type { Context } from 'hono';
import type { HttpError } from './HttpError.ts';
import type { Logger } from './Logger.ts';

/** Answers a refused request with the error's JSON body. */
export type Refuse = (c: Context, e: HttpError) => Response;

/** The one way a request is refused: a warn line with its code, then the error's JSON answer. */
export function refuser(log: Logger): Refuse {
  return (c, e) => {
    log.warn('request refused', {
      method: c.req.method,
      path: c.req.path,
      status: e.status,
      error: e.code,
      message: e.message.slice(0, 200),
    });
    return e.toResponse();
  };
}
