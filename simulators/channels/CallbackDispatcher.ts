import type { Flavour } from '../../src/core/codes/index.ts';
import type { Scheduler } from '../../src/core/scheduler.ts';

/** The payment notification a channel sends to the merchant's notify URL. */
export interface Notification {
  channel: string;
  flavour: Flavour;
  orderId: string;
  amount: number;
  status: 'SUCCESS';
  paidAt: number;
  /** 1 for the first delivery, then one more per retry (and for a duplicate). */
  delivery: number;
}

/** Delivers one notification; true when the merchant acknowledged it (2xx / "success"). */
export type CallbackSink = (n: Notification) => boolean | Promise<boolean>;

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/**
 * Retry delays after a failed delivery. WeChat and Alipay from their docs (docs/CHANNEL-CODES.md);
 * UnionPay and bank quick pay publish none, so they get a doubling schedule.
 */
export const RETRY_SCHEDULES: Readonly<Record<Flavour, readonly number[]>> = {
  wechat: [
    15 * S,
    15 * S,
    30 * S,
    3 * M,
    10 * M,
    20 * M,
    30 * M,
    30 * M,
    30 * M,
    60 * M,
    3 * H,
    3 * H,
    3 * H,
    6 * H,
    6 * H,
  ],
  alipay: [4 * M, 10 * M, 10 * M, 1 * H, 2 * H, 6 * H, 15 * H],
  unionpay: [1 * M, 2 * M, 4 * M, 8 * M, 16 * M, 32 * M],
  bank: [1 * M, 2 * M, 4 * M, 8 * M, 16 * M, 32 * M],
};

/** How a fault bends one notification's delivery. */
export interface CallbackFate {
  lost: boolean;
  /** Extra delay before the first delivery. */
  delayMs: number;
  duplicate: boolean;
}

/** Sends notifications on the injected scheduler, retrying on the flavour's schedule until acknowledged. */
export class CallbackDispatcher {
  private delivered = 0;
  private failed = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly sink: CallbackSink,
    /** Delay of a first delivery with no fault (the channel's own processing). */
    private readonly baseDelayMs = 200,
  ) {}

  dispatch(n: Omit<Notification, 'delivery'>, fate: CallbackFate): void {
    if (fate.lost) return;
    const first = this.baseDelayMs + fate.delayMs;
    this.attempt({ ...n, delivery: 1 }, first, 0);
    if (fate.duplicate)
      this.attempt({ ...n, delivery: 2 }, first + 1000, RETRY_SCHEDULES[n.flavour].length);
  }

  stats(): { delivered: number; failed: number } {
    return { delivered: this.delivered, failed: this.failed };
  }

  private attempt(n: Notification, delayMs: number, retry: number): void {
    this.scheduler.setTimeout(() => {
      void (async () => {
        let ok = false;
        try {
          ok = await this.sink(n);
        } catch {
          ok = false;
        }
        if (ok) {
          this.delivered++;
          return;
        }
        this.failed++;
        const schedule = RETRY_SCHEDULES[n.flavour];
        if (retry < schedule.length)
          this.attempt({ ...n, delivery: n.delivery + 1 }, schedule[retry], retry + 1);
      })();
    }, delayMs);
  }
}
