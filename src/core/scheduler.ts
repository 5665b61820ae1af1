import type { Clock } from './clock.ts';

export interface Timer {
  cancel(): void;
}

/**
 * Timers for the edges (probes, ticks, traffic, retries). Live it wraps setTimeout; in virtual
 * time ({@link VirtualScheduler} in src/time) the same code runs on a manual clock.
 */
export interface Scheduler {
  readonly clock: Clock;
  /** Run `fn` once after `ms`. */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Run `fn` every `ms` until cancelled. */
  setInterval(fn: () => void, ms: number): Timer;
  /** A promise that resolves after `ms`. */
  sleep(ms: number): Promise<void>;
}
