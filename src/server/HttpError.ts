import type { EngineError } from '../core/errors.ts';

/** Stable codes clients may branch on; `message` is for people. */
export type HttpErrorCode =
  | 'unauthorized'
  | 'forbidden_origin'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'invalid_events'
  | 'invalid_request'
  | 'not_found'
  | 'unknown_channel'
  | 'unknown_maintenance'
  | 'upstream_unavailable'
  | 'internal';

/** One field a request got wrong; `path` is dotted, empty for the whole body. */
export interface FieldProblem {
  path: string;
  message: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** An error answer: status plus a JSON body `{ error, message, details? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 500 | 502,
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** 400 `invalid_request` naming every bad field: `"forMs: must be …; state: must be …"`. */
  static invalid(problems: readonly FieldProblem[]): HttpError {
    const message = problems.map((p) => `${p.path || 'body'}: ${p.message}`).join('; ');
    return new HttpError(400, 'invalid_request', message, [...problems]);
  }

  /** The answer an engine refusal gets: unknown ids are 404, bad operator input 400. */
  static fromEngineError(e: EngineError): HttpError {
    switch (e.code) {
      case 'unknown_channel':
        return new HttpError(404, 'unknown_channel', e.message);
      case 'unknown_maintenance':
        return new HttpError(404, 'unknown_maintenance', e.message);
      // A 400 names its field, as a body check's does: an override's end, else the body.
      case 'bad_override':
        return HttpError.invalid([{ path: 'until', message: e.message }]);
      case 'bad_maintenance':
      case 'bad_option':
      case 'unknown_pool':
        return HttpError.invalid([{ path: '', message: e.message }]);
    }
  }

  body(): { error: HttpErrorCode; message: string; details?: unknown[] } {
    return this.details
      ? { error: this.code, message: this.message, details: this.details }
      : { error: this.code, message: this.message };
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.body()), {
      status: this.status,
      headers: JSON_HEADERS,
    });
  }
}
