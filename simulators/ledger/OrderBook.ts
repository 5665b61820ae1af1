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
  private readonly trades = new Map<string, Trade>();
  private readonly charges = new Map<string, string[]>();

  get(channel: string, orderId: string): Trade | undefined {
    return this.trades.get(key(channel, orderId));
  }

  status(channel: string, orderId: string): TradeStatus {
    return this.get(channel, orderId)?.status ?? 'NOT_EXIST';
  }

  /** The trade for this order on this channel, created NOTPAY when new. */
  open(channel: string, orderId: string, amount: number, at: number): Trade {
    const k = key(channel, orderId);
    let t = this.trades.get(k);
    if (!t) {
      t = { channel, orderId, amount, status: 'NOTPAY', createdAt: at, answerLost: false, callbackLost: false, callbacksDelivered: 0, refunded: 0 };
      this.trades.set(k, t);
    }
    return t;
  }

  /** Money taken. A trade is charged at most once; the same order on two channels is two charges. */
  charge(t: Trade, at: number): boolean {
    if (t.status === 'SUCCESS' || t.status === 'CLOSED') return false;
    t.status = 'SUCCESS';
    t.paidAt = at;
    const list = this.charges.get(t.orderId) ?? [];
    list.push(t.channel);
    this.charges.set(t.orderId, list);
    return true;
  }

  /** Channels that charged this order, in charge order. */
  chargedOn(orderId: string): readonly string[] {
    return this.charges.get(orderId) ?? [];
  }

  summary(): LedgerSummary {
    let doubleCharges = 0;
    for (const list of this.charges.values()) if (list.length > 1) doubleCharges++;
    let droppedOrders = 0;
    for (const t of this.trades.values()) if (t.status === 'SUCCESS' && t.answerLost && t.callbackLost) droppedOrders++;
    return { paidOrders: this.charges.size, doubleCharges, droppedOrders };
  }

  all(): IterableIterator<Trade> {
    return this.trades.values();
  }
}

function key(channel: string, orderId: string): string {
  return `${channel}\u0000${orderId}`;
}
