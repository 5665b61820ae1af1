/** The signals a long-running command stops on: Ctrl-C and a service manager's stop. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or an emitter in tests. */
export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

/**
 * Resolves with the first SIGINT or SIGTERM and stops listening for both, so that a second
 * signal during a slow shutdown ends the process the default way.
 */
export function waitForSignal(signals: SignalSource = process): Promise<StopSignal> {
  return new Promise((resolve) => {
    const stop = (signal: StopSignal) => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    signals.on('SIGINT', onInt);
    signals.on('SIGTERM', onTerm);
  });
}
