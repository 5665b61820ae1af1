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

export type OrderStatus = 'paid' | 'failed' | 'declined';

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
  /** Orders found paid by query after their answer was lost. */
  droppedFound: number;
  latenciesMs: number[];
}

export interface Checkout {
  pay(order: Order): Promise<OrderResult>;
  stats(): CheckoutStats;
}
