import type { Scheduler, Timer } from '../../src/core/scheduler.ts';

interface Due {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Many one-shot callbacks on one scheduler timer: a min-heap by due time (ties in the order added),
 * with a single timer armed for the earliest. Live, a Node timer per entry costs a timer list per
 * distinct duration and a priority-queue insert; a load test resolving thousands of USERPAYING
 * orders a second pays that on the request path.
 */
export class DueQueue {
  private readonly heap: Due[] = [];
  private seq = 0;
  private timer: Timer | undefined;
  private armedAt = Infinity;
  /** The timer's callback, made once (arming is per drain, and per push that comes due sooner). */
  private readonly onDue = (): void => this.drain();

  constructor(private readonly scheduler: Scheduler) {}

  /** Runs `fn` `ms` from now on the scheduler's clock. */
  after(ms: number, fn: () => void): void {
    const at = this.scheduler.clock.now() + Math.max(0, ms);
    this.push({ at, seq: this.seq++, fn });
    if (at < this.armedAt) this.arm(at);
  }

  /** Callbacks not yet run. */
  get size(): number {
    return this.heap.length;
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.armedAt = at;
    this.timer = this.scheduler.setTimeout(
      this.onDue,
      Math.max(0, at - this.scheduler.clock.now()),
    );
  }

  private drain(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    const now = this.scheduler.clock.now();
    while (this.heap.length > 0 && this.heap[0].at <= now) this.pop().fn();
    if (this.heap.length > 0) this.arm(this.heap[0].at);
  }

  private push(d: Due): void {
    const h = this.heap;
    let i = h.push(d) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(d, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = d;
  }

  private pop(): Due {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const c = l + 1 < h.length && before(h[l + 1], h[l]) ? l + 1 : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before(a: Due, b: Due): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
