import { ManualClock } from '../core/clock.ts';
import type { Scheduler, Timer } from '../core/scheduler.ts';

interface Entry {
  at: number;
  order: number;
  fn: () => void;
  every: number;
  cancelled: boolean;
}

/**
 * Discrete-event time: timers fire in (time, creation) order as {@link run} advances a
 * {@link ManualClock}. Between timers it lets pending promise callbacks settle, so async code
 * (await sleep(), await fetch-like calls that resolve on timers) runs as it would live, only faster.
 */
export class VirtualScheduler implements Scheduler {
  readonly clock: ManualClock;
  private heap: Entry[] = [];
  private order = 0;

  constructor(start = 0) {
    this.clock = new ManualClock(start);
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.push(fn, ms, 0);
  }

  setInterval(fn: () => void, ms: number): Timer {
    if (!(ms > 0)) throw new RangeError(`setInterval needs a period > 0, got ${ms}`);
    return this.push(fn, ms, ms);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.push(resolve, ms, 0));
  }

  /** Timers still pending. */
  get pending(): number {
    return this.heap.filter((e) => !e.cancelled).length;
  }

  /** Fire every timer due up to `until` (inclusive), settling promises after each; the clock ends at `until`. */
  async run(until: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.peek();
      if (!next || next.at > until) break;
      this.pop();
      if (next.cancelled) continue;
      if (next.at > this.clock.now()) this.clock.set(next.at);
      if (next.every > 0) {
        next.at += next.every;
        next.order = this.order++;
        this.insert(next);
      }
      next.fn();
      await settle();
    }
    if (until > this.clock.now()) this.clock.set(until);
  }

  /** Advance by `ms` from now. */
  advance(ms: number): Promise<void> {
    return this.run(this.clock.now() + ms);
  }

  private push(fn: () => void, ms: number, every: number): Timer {
    const e: Entry = {
      at: this.clock.now() + Math.max(0, ms),
      order: this.order++,
      fn,
      every,
      cancelled: false,
    };
    this.insert(e);
    return { cancel: () => void (e.cancelled = true) };
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }

  private peek(): Entry | undefined {
    return this.heap[0];
  }

  private insert(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l], h[m])) m = l;
      if (r < h.length && this.before(h[r], h[m])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}

/** Let every queued promise callback run: setImmediate fires only once the microtask queue is empty. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
