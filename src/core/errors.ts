/** Stable codes callers branch on; messages are for people. */
export type EngineErrorCode =
  | 'unknown_channel'
  | 'unknown_pool'
  | 'bad_option'
  | 'bad_override'
  | 'bad_maintenance'
  | 'unknown_maintenance';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
