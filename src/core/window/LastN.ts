import { TIMEOUT } from '../outcome.ts';

/**
 * Timeouts among the last n outcomes (count-based, not time-based), for "k of the last n timed
 * out". Rather than a ring of every outcome, it numbers outcomes and remembers the numbers of the
 * last n timeouts: a push is one increment, and reading scans at most n numbers.
 */
export class LastN {
  private readonly marks: Float64Array; // outcome numbers of the latest timeouts, newest at next - 1
  private next = 0;
  private pushed = 0;
  private floor = 0; // outcomes at or below this number were cleared

  constructor(readonly n: number) {
    if (!(n >= 1 && n <= 255)) throw new RangeError(`LastN size must be 1..255, got ${n}`);
    this.marks = new Float64Array(n);
  }

  push(cls: number): void {
    this.pushed++;
    if (cls === TIMEOUT) {
      this.marks[this.next] = this.pushed;
      this.next = this.next + 1 === this.n ? 0 : this.next + 1;
    }
  }

  /** Timeouts among the last n outcomes pushed since the last clear. */
  get timeouts(): number {
    return this.timeoutsAmong(this.n);
  }

  /** Timeouts among the last `m` (≤ n) outcomes pushed since the last clear. */
  timeoutsAmong(m: number): number {
    const oldest = Math.max(this.floor, this.pushed - Math.min(m, this.n));
    let k = 0;
    for (let i = 0; i < this.n; i++) if (this.marks[i] > oldest) k++;
    return k;
  }

  /** Outcomes held (at most n). */
  get size(): number {
    return Math.min(this.n, this.pushed - this.floor);
  }

  clear(): void {
    this.floor = this.pushed;
  }

  snapshot(): LastNSnapshot {
    return {
      marks: Array.from(this.marks),
      next: this.next,
      pushed: this.pushed,
      floor: this.floor,
    };
  }

  /** Takes a snapshot of a LastN of the same n (a different n, from another build, starts empty). */
  restore(s: LastNSnapshot): void {
    if (s.marks.length !== this.n) return;
    this.marks.set(s.marks);
    this.next = s.next;
    this.pushed = s.pushed;
    this.floor = s.floor;
  }
}

export interface LastNSnapshot {
  marks: number[];
  next: number;
  pushed: number;
  floor: number;
}
