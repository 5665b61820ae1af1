/** Stable codes clients may branch on; `message` is for people. */
export type HttpErrorCode =
  | 'unauthorized'
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

/** An error answer: status plus a JSON body `{ error, message, details? }`. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 415 | 500 | 502,
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): { error: HttpErrorCode; message: string; details?: unknown[] } {
    return this.details
      ? { error: this.code, message: this.message, details: this.details }
      : { error: this.code, message: this.message };
  }
}
