import type { LedgerSummary, TradeStatus } from '../channels/ChannelApi.ts';
import { OrderTable } from './OrderTable.ts';

/** One merchant order as one channel knows it. */
export interface Trade {
  readonly channel: string;
  readonly orderId: string;
  amount: number;
  status: Exclude<TradeStatus, 'NOT_EXIST'>;
  /** The caller never got the pay answer (hang, or answer later than its timeout). */
  answerLost: boolean;
  /** The payment callback was lost by a fault. */
  callbackLost: boolean;
  callbacksDelivered: number;
  refunded: number;
}

/**
 * One (channel, order): the simulator's call counts on it (the n of each call's RNG stream), its
 * place in the order's charges, and, once money was asked for, its trade. The record is its own
 * trade (`trade` points back at the record once opened): a load test keeps some hundred thousand
 * orders in the book, and every object per order is one more for the collector to copy and mark,
 * so an order is one object, with no timestamp boxed beside it (see `seenAt`). Records are object
 * literals made at one place, which lets V8 allocate them straight in the old generation once it
 * sees they live long (a class instance here is copied by every young collection it survives).
 */
export interface OrderRecord extends Trade {
  readonly orderId: string;
  readonly channel: string;
  /** When the channel first saw the order, in ms after the book's first order: a small integer, stored unboxed. */
  readonly seenAt: number;
  pay: number;
  query: number;
  close: number;
  refund: number;
  probe: number;
  payer: number;
  /** This channel's place in the order's charges (1 = first charged anywhere); 0: not charged. */
  chargeSeq: number;
  /** The record of the channel that saw the order first, where its chain starts; undefined on that record itself. */
  readonly first: OrderRecord | undefined;
  /** The same order on a channel that saw it later (failover): rare, so a chain. */
  next: OrderRecord | undefined;
  /** The record itself once money was asked for on this channel (the trade is opened). */
  trade: OrderRecord | undefined;
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
  private newOrders = 0;
  /** The time of the book's first order: records keep their times relative to it. */
  private origin: number | undefined;
  /** Orders first seen before this (relative, as `seenAt`) have been forgotten. */
  private forgottenBefore = -Infinity;
  /** The latest `seenAt` given. */
  private lastSeenAt = 0;

  /**
   * @param retainMs Orders (their trades, charges and call counts) first seen longer ago than this
   * are forgotten (swept every 4096 new orders), so a long load test does not grow without bound;
   * the summary then covers the retained window. Default: keep everything (scenarios score the whole run).
   */
  constructor(private readonly retainMs = Infinity) {}

  get(channel: string, orderId: string): OrderRecord | undefined {
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
    this.origin ??= at;
    // first-sight times never go back in the table's order (a clock stepped back counts as the
    // last time seen), so that everything seen before the sweep horizon is what was swept
    let seenAt = at - this.origin;
    if (seenAt < this.lastSeenAt) seenAt = this.lastSeenAt;
    else this.lastSeenAt = seenAt;
    r = {
      orderId: ownCopy(orderId),
      channel,
      seenAt,
      pay: 0,
      query: 0,
      close: 0,
      refund: 0,
      probe: 0,
      payer: 0,
      chargeSeq: 0,
      first: head,
      next: undefined,
      trade: undefined,
      status: 'NOTPAY',
      amount: 0,
      answerLost: false,
      callbackLost: false,
      callbacksDelivered: 0,
      refunded: 0,
    };
    if (head !== undefined) {
      let last = head;
      while (last.next !== undefined) last = last.next;
      last.next = r;
    } else {
      this.records.add(r);
      if (++this.newOrders % 4096 === 0 && this.retainMs !== Infinity)
        this.sweep(at - this.retainMs);
    }
    return r;
  }

  status(channel: string, orderId: string): TradeStatus {
    return this.get(channel, orderId)?.status ?? 'NOT_EXIST';
  }

  /** The trade for this order on this channel, created NOTPAY when new. */
  open(channel: string, orderId: string, amount: number, at: number): OrderRecord {
    return this.get(channel, orderId) ?? this.openIn(this.record(channel, orderId, at), amount);
  }

  /** Opens the trade (NOTPAY, for `amount`) of a record the caller holds that has none yet: no second lookup. */
  openIn(r: OrderRecord, amount: number): OrderRecord {
    r.trade = r;
    r.amount = amount;
    return r;
  }

  /** Money taken. A trade is charged at most once; the same order on two channels is two charges. */
  charge(t: OrderRecord): boolean {
    if (t.status === 'SUCCESS' || t.status === 'CLOSED') return false;
    t.status = 'SUCCESS';
    const first = t.first ?? t;
    // a trade whose order was already forgotten (a payer confirming after retainMs) is outside the window
    if (first.seenAt < this.forgottenBefore) return true;
    let before = 0;
    for (let r: OrderRecord | undefined = first; r !== undefined; r = r.next)
      if (r !== t && r.chargeSeq > 0) before++;
    t.chargeSeq = ++this.charges;
    if (before === 0) this.paid++;
    else if (before === 1) this.doubles++;
    return true;
  }

  /** Channels that charged this order, in charge order. */
  chargedOn(orderId: string): readonly string[] {
    const charged: OrderRecord[] = [];
    for (let r = this.records.get(orderId); r !== undefined; r = r.next)
      if (r.chargeSeq > 0) charged.push(r);
    return charged.sort((a, b) => a.chargeSeq - b.chargeSeq).map((r) => r.channel);
  }

  summary(): LedgerSummary {
    let droppedOrders = 0;
    for (const t of this.all())
      if (t.status === 'SUCCESS' && t.answerLost && t.callbackLost) droppedOrders++;
    return { paidOrders: this.paid, doubleCharges: this.doubles, droppedOrders };
  }

  /** Forget orders first seen before `before` (the table keeps insertion order: stop at the first younger one). */
  sweep(before: number): void {
    if (this.origin === undefined) return;
    const seenBefore = before - this.origin;
    // the table is in order of first sight (seenAt never decreases along it): every order seen before this is gone
    this.forgottenBefore = Math.max(this.forgottenBefore, seenBefore);
    for (
      let head = this.records.oldest();
      head !== undefined && head.seenAt < seenBefore;
      head = this.records.oldest()
    ) {
      let charged = 0;
      for (let r: OrderRecord | undefined = head; r !== undefined; r = r.next)
        if (r.chargeSeq > 0) charged++;
      if (charged > 0) this.paid--;
      if (charged > 1) this.doubles--;
      this.records.dropOldest();
    }
  }

  *all(): IterableIterator<OrderRecord> {
    for (const head of this.records.values())
      for (let r: OrderRecord | undefined = head; r !== undefined; r = r.next)
        if (r.trade) yield r.trade;
  }
}

/**
 * The order number as the book keeps it: a copy of its characters when short. V8 interns the short
 * strings JSON.parse reads (up to 10 characters), and a load test's book holds some hundred thousand
 * order numbers for retainMs: kept as they come, they would swell the engine's string table, where
 * every JSON.parse in the process looks its keys up (a copy is an ordinary string; the interned one
 * dies with its request).
 */
function ownCopy(orderId: string): string {
  // ' ' + id is short enough to be made flat, and slicing a short flat string copies its characters
  return orderId.length <= 10 ? ` ${orderId}`.slice(1) : orderId;
}
