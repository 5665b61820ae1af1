/** Stable codes for what can go wrong in the simulators; callers branch on `code`, never on the message. */
export type SimulatorErrorCode =
  | 'BAD_DURATION'
  | 'FAULT_INVALID'
  | 'FAULT_NOT_FOUND'
  | 'UNKNOWN_CHANNEL'
  | 'SCENARIO_INVALID'
  | 'SCENARIO_NOT_FOUND';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'SimulatorError';
  }

  /** HTTP status for the control API. */
  get status(): number {
    return this.code === 'FAULT_NOT_FOUND' ||
      this.code === 'UNKNOWN_CHANNEL' ||
      this.code === 'SCENARIO_NOT_FOUND'
      ? 404
      : 400;
  }
}
