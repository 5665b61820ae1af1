/** Stable codes for what can go wrong in the simulators; callers branch on `code`, never on the message. */
export type SimulatorErrorCode =
  | 'bad_duration'
  | 'fault_invalid'
  | 'fault_not_found'
  | 'unknown_channel'
  | 'scenario_invalid'
  | 'scenario_not_found';

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
    return this.code === 'fault_not_found' ||
      this.code === 'unknown_channel' ||
      this.code === 'scenario_not_found'
      ? 404
      : 400;
  }
}
