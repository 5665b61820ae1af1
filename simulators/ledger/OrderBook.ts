import type { LedgerSummary, TradeStatus } from '../channels/ChannelApi.ts';
import { OrderTable } from './OrderTable.ts';

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
  readonly orderId: string;
  channel: string;
  firstAt: number;
  pay: number;
  query: number;
  close: number;
  refund: number;
  probe: number;
  payer: number;
  trade: Trade | undefined;
  /** This channel's place in the order's charges (1 = first charged anywhere); 0: not charged. */
  chargeSeq: number;
  /** The same order on a channel that saw it later (failover): rare, so a chain. */
  next: OrderRecord | undefined;
}

/** The simulator's operations, each counted per order. */
export type OrderOp = 'pay' | 'query' | 'close' | 'refund' | 'probe' | 'payer';

/**
 * The ground truth of money: for every merchant order number, what each channel did with it.
 * Double charges are orders with more than one charge; dropped orders were charged while both
 * the answer and the callback were lost.
 */
export class OrderBook {
  /**
   * order → its record on the first channel that saw it, the other channels' chained behind it: one
   * table for calls, trades and charges, so a new order costs one map insert and its charge is a
   * walk of a chain just touched (no composite key strings either).
   */
  private readonly records = new OrderTable<OrderRecord>();
  /** Orders charged at least once, and more than once (double charges), among those retained. */
  private paid = 0;
  private doubles = 0;
  private charges = 0;
  private opened = 0;

  /**
   * @param retainMs Orders (their trades, charges and call counts) first seen longer ago than this
   * are forgotten (swept every 4096 new orders), so a long load test does not grow without bound;
   * the summary then covers the retained window. Default: keep everything (scenarios score the whole run).
   */
  constructor(private readonly retainMs = Infinity) {}

  get(channel: string, orderId: string): Trade | undefined {
    let r = this.records.get(orderId);
    while (r !== undefined && r.channel !== channel) r = r.next;
    return r?.trade;
  }

  /** The record of this order on this channel, made (no calls, no trade) when new. */
  record(channel: string, orderId: string, at: number): OrderRecord {
    const head = this.records.get(orderId);
    let r = head;
    while (r !== undefined && r.channel !== channel) r = r.next;
    if (r !== undefined) return r;
    r = { orderId, channel, firstAt: at, pay: 0, query: 0, close: 0, refund: 0, probe: 0, payer: 0, trade: undefined, chargeSeq: 0, next: undefined };
    if (head !== undefined) {
      let last = head;
      while (last.next !== undefined) last = last.next;
      last.next = r;
    } else {
      this.records.add(r);
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
    let mine: OrderRecord | undefined;
    let before = 0;
    for (let r = this.records.get(t.orderId); r !== undefined; r = r.next) {
      if (r.trade === t) mine = r;
      else if (r.chargeSeq > 0) before++;
    }
    // a trade whose order was already forgotten (a payer confirming after retainMs) is outside the window
    if (mine === undefined) return true;
    mine.chargeSeq = ++this.charges;
    if (before === 0) this.paid++;
    else if (before === 1) this.doubles++;
    return true;
  }

  /** Channels that charged this order, in charge order. */
  chargedOn(orderId: string): readonly string[] {
    const charged: OrderRecord[] = [];
    for (let r = this.records.get(orderId); r !== undefined; r = r.next) if (r.chargeSeq > 0) charged.push(r);
    return charged.sort((a, b) => a.chargeSeq - b.chargeSeq).map((r) => r.channel);
  }

  summary(): LedgerSummary {
    let droppedOrders = 0;
    for (const t of this.all()) if (t.status === 'SUCCESS' && t.answerLost && t.callbackLost) droppedOrders++;
    return { paidOrders: this.paid, doubleCharges: this.doubles, droppedOrders };
  }

  /** Forget orders first seen before `before` (the map iterates in insertion order: stop at the first younger one). */
  sweep(before: number): void {
    for (let head = this.records.oldest(); head !== undefined && head.firstAt < before; head = this.records.oldest()) {
      let charged = 0;
      for (let r: OrderRecord | undefined = head; r !== undefined; r = r.next) if (r.chargeSeq > 0) charged++;
      if (charged > 0) this.paid--;
      if (charged > 1) this.doubles--;
      this.records.dropOldest();
    }
  }

  *all(): IterableIterator<Trade> {
    for (const head of this.records.values()) for (let r: OrderRecord | undefined = head; r !== undefined; r = r.next) if (r.trade) yield r.trade;
  }
}
