import { TIMEOUT } from '../outcome.ts';

/** The last n outcomes by class, for "k of the last n timed out" (count-based, not time-based). */
export class LastN {
  private readonly ring: Uint8Array;
  private next = 0;
  private filled = 0;
  private timeoutCount = 0;

  constructor(readonly n: number) {
    if (!(n >= 1 && n <= 255)) throw new RangeError(`LastN size must be 1..255, got ${n}`);
    this.ring = new Uint8Array(n);
  }

  push(cls: number): void {
    if (this.filled === this.n) {
      if (this.ring[this.next] === TIMEOUT) this.timeoutCount--;
    } else {
      this.filled++;
    }
    this.ring[this.next] = cls;
    if (cls === TIMEOUT) this.timeoutCount++;
    this.next = this.next + 1 === this.n ? 0 : this.next + 1;
  }

  get timeouts(): number {
    return this.timeoutCount;
  }

  get size(): number {
    return this.filled;
  }

  clear(): void {
    this.next = this.filled = this.timeoutCount = 0;
  }
}
