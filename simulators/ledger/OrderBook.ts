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
 * One (channel, order): the simulator's call counts on it (the n of each call's RNG stream) and its
 * trade once money was asked for. One record per order keeps a new order to one map insert.
 */
export interface OrderRecord {
  firstAt: number;
  pay: number;
  query: number;
  close: number;
  refund: number;
  probe: number;
  payer: number;
  trade: Trade | undefined;
}

/** The simulator's operations, each counted per order. */
export type OrderOp = 'pay' | 'query' | 'close' | 'refund' | 'probe' | 'payer';

/**
 * The ground truth of money: for every merchant order number, what each channel did with it.
 * Double charges are orders with more than one charge; dropped orders were charged while both
 * the answer and the callback were lost.
 */
export class OrderBook {
  /** channel → order → its record (calls, trade): nested maps, so the hot path builds no composite key strings. */
  private readonly records = new Map<string, Map<string, OrderRecord>>();
  /** order → its first charged trade, in order of first charge (the trade itself: no object per charge). */
  private readonly charges = new Map<string, Trade>();
  /** order → the channels of its later charges: double charges, rare. */
  private readonly recharges = new Map<string, string[]>();
  private opened = 0;

  /**
   * @param retainMs Orders (their trades and call counts) first seen longer ago than this are
   * forgotten (swept every 4096 new orders), so a long load test does not grow without bound; the
   * summary then covers the retained window. Default: keep everything (scenarios score the whole run).
   */
  constructor(private readonly retainMs = Infinity) {}

  get(channel: string, orderId: string): Trade | undefined {
    return this.records.get(channel)?.get(orderId)?.trade;
  }

  /** The record of this order on this channel, made (no calls, no trade) when new. */
  record(channel: string, orderId: string, at: number): OrderRecord {
    let byOrder = this.records.get(channel);
    if (!byOrder) this.records.set(channel, (byOrder = new Map()));
    let r = byOrder.get(orderId);
    if (!r) {
      r = { firstAt: at, pay: 0, query: 0, close: 0, refund: 0, probe: 0, payer: 0, trade: undefined };
      byOrder.set(orderId, r);
      if (++this.opened % 4096 === 0 && this.retainMs !== Infinity) this.sweep(at - this.retainMs);
    }
    return r;
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
    return this.createIn(this.record(channel, orderId, at), channel, orderId, amount, at);
  }

  /** A new NOTPAY trade in a record the caller holds (it has no trade yet): no second lookup. */
  createIn(r: OrderRecord, channel: string, orderId: string, amount: number, at: number): Trade {
    // paidAt set up front (last, as charge() would add it) so that every trade has one shape
    const t: Trade = { channel, orderId, amount, status: 'NOTPAY', createdAt: at, answerLost: false, callbackLost: false, callbacksDelivered: 0, refunded: 0, paidAt: undefined };
    r.trade = t;
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

  /** Forget orders first seen before `before` (maps iterate in insertion order: stop at the first younger one). */
  sweep(before: number): void {
    for (const byOrder of this.records.values()) {
      for (const [id, r] of byOrder) {
        if (r.firstAt >= before) break;
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
    for (const byOrder of this.records.values()) for (const r of byOrder.values()) if (r.trade) yield r.trade;
  }
}
