import { type Clock, systemClock } from '../core/clock.ts';
import type { Scheduler, Timer } from '../core/scheduler.ts';

/** The live scheduler: Node timers, unref'd so that they never hold a process open on their own. */
export class RealScheduler implements Scheduler {
  constructor(readonly clock: Clock = systemClock) {}

  setTimeout(fn: () => void, ms: number): Timer {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }

  setInterval(fn: () => void, ms: number): Timer {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
