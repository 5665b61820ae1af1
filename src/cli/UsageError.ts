/** Stable codes for a bad command line; callers branch on `code`, never on the message. */
export type UsageErrorCode = 'bad_port';

/** A flag or environment value a command cannot run with: the message names it and the fix (exit 2). */
export class UsageError extends Error {
  constructor(
    readonly code: UsageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
