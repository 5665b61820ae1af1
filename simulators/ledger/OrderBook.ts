import type { LedgerSummary, TradeStatus } from '../channels/ChannelApi.ts';

/** One merchant order as one channel knows it. */
export interface Trade {
  channel: string;
  orderId: string;
  amount: number;
  status: Exclude<TradeStatus, 'NOT_EXIST'>;
  createdAt: number;
  paidAt?: number;
  /** The caller never got the pay answer (hang, or answer later than its timeout). */
  answerLost: boolean;
  /** The payment callback was lost by a fault. */
  callbackLost: boolean;
  callbacksDelivered: number;
  refunded: number;
}

/**
 * The ground truth of money: for every merchant order number, what each channel did with it.
 * Double charges are orders with more than one charge; dropped orders were charged while both
 * the answer and the callback were lost.
 */
export class OrderBook {
  /** channel → order → trade: nested maps, so the hot path builds no composite key strings. */
  private readonly trades = new Map<string, Map<string, Trade>>();
  /** order → its first charged trade, in order of first charge (the trade itself: no object per charge). */
  private readonly charges = new Map<string, Trade>();
  /** order → the channels of its later charges: double charges, rare. */
  private readonly recharges = new Map<string, string[]>();
  private opened = 0;

  /**
   * @param retainMs Trades older than this are forgotten (swept every 4096 new trades), so a
   * long load test does not grow without bound; the summary then covers the retained window.
   * Default: keep everything (scenarios score the whole run).
   */
  constructor(private readonly retainMs = Infinity) {}

  get(channel: string, orderId: string): Trade | undefined {
    return this.trades.get(channel)?.get(orderId);
  }

  status(channel: string, orderId: string): TradeStatus {
    return this.get(channel, orderId)?.status ?? 'NOT_EXIST';
  }

  /** The trade for this order on this channel, created NOTPAY when new. */
  open(channel: string, orderId: string, amount: number, at: number): Trade {
    return this.get(channel, orderId) ?? this.create(channel, orderId, amount, at);
  }

  /** A new NOTPAY trade, for a caller that has just seen (with {@link get}) that there is none. */
  create(channel: string, orderId: string, amount: number, at: number): Trade {
    let byOrder = this.trades.get(channel);
    if (!byOrder) this.trades.set(channel, (byOrder = new Map()));
    // paidAt set up front (last, as charge() would add it) so that every trade has one shape
    const t: Trade = { channel, orderId, amount, status: 'NOTPAY', createdAt: at, answerLost: false, callbackLost: false, callbacksDelivered: 0, refunded: 0, paidAt: undefined };
    byOrder.set(orderId, t);
    if (++this.opened % 4096 === 0 && this.retainMs !== Infinity) this.sweep(at - this.retainMs);
    return t;
  }

  /** Money taken. A trade is charged at most once; the same order on two channels is two charges. */
  charge(t: Trade, at: number): boolean {
    if (t.status === 'SUCCESS' || t.status === 'CLOSED') return false;
    t.status = 'SUCCESS';
    t.paidAt = at;
    if (!this.charges.has(t.orderId)) this.charges.set(t.orderId, t);
    else {
      const more = this.recharges.get(t.orderId);
      if (more) more.push(t.channel);
      else this.recharges.set(t.orderId, [t.channel]);
    }
    return true;
  }

  /** Channels that charged this order, in charge order. */
  chargedOn(orderId: string): readonly string[] {
    const first = this.charges.get(orderId);
    return first ? [first.channel, ...(this.recharges.get(orderId) ?? [])] : [];
  }

  summary(): LedgerSummary {
    const doubleCharges = this.recharges.size;
    let droppedOrders = 0;
    for (const t of this.all()) if (t.status === 'SUCCESS' && t.answerLost && t.callbackLost) droppedOrders++;
    return { paidOrders: this.charges.size, doubleCharges, droppedOrders };
  }

  /** Forget trades created before `before` (maps iterate in insertion order: stop at the first younger one). */
  sweep(before: number): void {
    for (const byOrder of this.trades.values()) {
      for (const [id, t] of byOrder) {
        if (t.createdAt >= before) break;
        byOrder.delete(id);
      }
    }
    for (const [id, t] of this.charges) {
      if (t.paidAt! >= before) break;
      this.charges.delete(id);
      this.recharges.delete(id);
    }
  }

  *all(): IterableIterator<Trade> {
    for (const byOrder of this.trades.values()) yield* byOrder.values();
  }
}
