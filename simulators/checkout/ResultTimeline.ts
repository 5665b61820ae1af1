import type { OrderResult, OrderStatus } from './types.ts';

export interface TimelinePoint {
  /** Bucket start, ms from the run's start. */
  t: number;
  attempts: number;
  paid: number;
  declined: number;
  /** Paid over orders some channel could take (declines left out); null for an empty bucket. */
  successRate: number | null;
}

/**
 * Per-strategy success over time in fixed buckets, by the time each order was created: what the
 * failover chart draws. Memory is one small record per bucket, whatever the order count.
 */
export class ResultTimeline {
  private readonly series = new Map<
    string,
    Map<number, { attempts: number; paid: number; declined: number }>
  >();

  constructor(
    /** The run's start, in the same clock as the orders' createdAt. */
    private readonly start: number,
    readonly bucketMs: number,
  ) {
    if (!(bucketMs > 0))
      throw new RangeError(`ResultTimeline: bucketMs must be > 0, got ${bucketMs}`);
  }

  add(strategy: string, createdAt: number, status: OrderStatus): void {
    let s = this.series.get(strategy);
    if (!s) this.series.set(strategy, (s = new Map()));
    const b = Math.floor((createdAt - this.start) / this.bucketMs);
    let cell = s.get(b);
    if (!cell) s.set(b, (cell = { attempts: 0, paid: 0, declined: 0 }));
    cell.attempts++;
    if (status === 'paid') cell.paid++;
    else if (status === 'declined') cell.declined++;
  }

  /** Convenience for a checkout's `onResult`. */
  recorder(strategy: string): (order: { createdAt: number }, result: OrderResult) => void {
    return (order, result) => this.add(strategy, order.createdAt, result.status);
  }

  strategies(): string[] {
    return [...this.series.keys()];
  }

  points(strategy: string): TimelinePoint[] {
    const s = this.series.get(strategy);
    if (!s) return [];
    const last = Math.max(...s.keys());
    const out: TimelinePoint[] = [];
    for (let b = 0; b <= last; b++) {
      const c = s.get(b) ?? { attempts: 0, paid: 0, declined: 0 };
      const takeable = c.attempts - c.declined;
      out.push({
        t: b * this.bucketMs,
        ...c,
        successRate: takeable > 0 ? c.paid / takeable : null,
      });
    }
    return out;
  }
}
