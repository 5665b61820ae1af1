/** A shop order as the traffic generator makes it and the checkout pays it. */
export interface Order {
  id: string;
  /** Minor units (fen). */
  amount: number;
  pool: string;
  method: string;
  store: string;
  terminal: string;
  /** Customer segment (e.g. new, regular, vip, corporate). */
  segment: string;
  /** Where the customer pays from; some channels only serve some platforms. */
  platform?: string;
  /** The customer cannot pay on any channel (empty wallet, expired card): a business decline wherever it goes. */
  customerDeclines?: boolean;
  createdAt: number;
}

/**
 * What the checkout tells the customer. `pending`: the money may have moved and no channel would
 * say (queries hang): never `failed` then, since the customer may have been charged; a
 * reconciler settles it later (see {@link SettledOrder}).
 */
export type OrderStatus = 'paid' | 'failed' | 'declined' | 'pending';

/** A pending order the reconciler settled: found paid, or confirmed unpaid (and closed). */
export interface SettledOrder {
  orderId: string;
  channel: string;
  status: 'paid' | 'failed';
  /** When it was settled (the checkout's clock). */
  at: number;
}

export interface OrderResult {
  orderId: string;
  status: OrderStatus;
  attempts: number;
  channels: string[];
  finalChannel?: string;
  latencyMs: number;
  /** The order was found paid by an active query after its answer (and callback) went missing. */
  foundByQuery?: boolean;
}

/** How the checkout chooses channels: following switchyard, or the peers it is measured against. */
export type Strategy = 'switchyard' | 'staticSingle' | 'staticPriority' | 'oracle';

export interface CheckoutStats {
  attempts: number;
  succeeded: number;
  declined: number;
  failed: number;
  /** Orders answered pending and not settled yet (a settled one moves to succeeded or failed). */
  pending: number;
  /** Orders found paid by query after their answer was lost. */
  droppedFound: number;
  latenciesMs: number[];
}

export interface Checkout {
  pay(order: Order): Promise<OrderResult>;
  stats(): CheckoutStats;
  /** Pending orders settled since, oldest first (a checkout that never answers pending may leave it out). */
  settled?(): readonly SettledOrder[];
}
