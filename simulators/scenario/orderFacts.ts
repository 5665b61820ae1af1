import type { Order, OrderResult, OrderStatus, SettledOrder } from '../checkout/types.ts';
import type { OrderBook } from '../ledger/OrderBook.ts';

/** One order of the switchyard checkout as the scorer reads it; `createdAt` on the run's clock. */
export interface OrderFact {
  id: string;
  pool: string;
  createdAt: number;
  /** What the checkout answered at the time (a pending one may have settled since). */
  status: OrderStatus;
  /** Channels tried, in order: the first is the first attempt, two or more a failover. */
  channels: readonly string[];
  latencyMs: number;
}

/** The checkout's answers joined to their orders; `offset` moves the orders' createdAt onto the run's clock. */
export function orderFacts(
  orders: readonly Order[],
  results: readonly OrderResult[],
  offset = 0,
): OrderFact[] {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const out: OrderFact[] = [];
  for (const r of results) {
    const o = byId.get(r.orderId);
    if (!o) continue;
    out.push({
      id: o.id,
      pool: o.pool,
      createdAt: o.createdAt + offset,
      status: r.status,
      channels: r.channels,
      latencyMs: r.latencyMs,
    });
  }
  return out.sort((a, b) => a.createdAt - b.createdAt);
}

/** What became of a checkout's pending orders, held against the ledger. */
export interface SettlementFigures {
  /** Orders answered pending and found paid later by the reconciler. */
  ordersFoundLater: number;
  /** Orders answered pending and still unsettled at the end of the run. */
  ordersLeftPending: number;
  /** Orders the checkout called failed (at once, or on settling) although a channel charged them. Target 0. */
  chargedButReportedFailed: number;
  /** Orders that needed a second channel. */
  failovers: number;
}

export function settlementFigures(
  results: readonly OrderResult[],
  settled: readonly SettledOrder[],
  book: Pick<OrderBook, 'chargedOn'>,
): SettlementFigures {
  const final = new Map<string, OrderStatus>(results.map((r) => [r.orderId, r.status]));
  let ordersFoundLater = 0;
  for (const s of settled) {
    final.set(s.orderId, s.status);
    if (s.status === 'paid') ordersFoundLater++;
  }
  let ordersLeftPending = 0;
  let chargedButReportedFailed = 0;
  for (const [id, status] of final) {
    if (status === 'pending') ordersLeftPending++;
    else if (status === 'failed' && book.chargedOn(id).length > 0) chargedButReportedFailed++;
  }
  return {
    ordersFoundLater,
    ordersLeftPending,
    chargedButReportedFailed,
    failovers: results.filter((r) => r.channels.length > 1).length,
  };
}
