import type { RecordedClass } from '../../src/core/outcome.ts';

/**
 * The calls a gateway makes on a payment channel, flavour-neutral. Two implementations:
 * in-process (the fault engine and order book called directly, waiting on a Scheduler, for
 * virtual time and msw) and HTTP (the simulator server's real flavour APIs over fetch).
 */
export interface PayRequest {
  /** The merchant's order number: the idempotency key. The same order retried elsewhere keeps it. */
  orderId: string;
  amount: number;
  method?: string;
  store?: string;
  terminal?: string;
  segment?: string;
  /** The caller gives up after this long; a fault that hangs longer is a timeout to the caller. */
  timeoutMs: number;
}

export type PayResult =
  | {
      kind: 'answer';
      /** The channel's raw code (SUCCESS, SYSTEMERROR, ACQ.SYSTEM_ERROR, 06, …). */
      code: string;
      /** What the code means, by the channel's table; `neutral` covers pending/duplicate codes. */
      outcome: RecordedClass;
      /** USERPAYING and kin: only a later query tells. */
      pending: boolean;
      httpStatus: number;
      latencyMs: number;
    }
  | { kind: 'timeout'; latencyMs: number };

export type TradeStatus = 'SUCCESS' | 'NOTPAY' | 'USERPAYING' | 'CLOSED' | 'PAYERROR' | 'NOT_EXIST';

export type QueryResult =
  | { kind: 'answer'; status: TradeStatus; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number };

export type CloseResult =
  | { kind: 'answer'; closed: boolean; status: TradeStatus; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number };

export interface ChannelApi {
  pay(channel: string, req: PayRequest): Promise<PayResult>;
  query(channel: string, orderId: string, timeoutMs: number): Promise<QueryResult>;
  /** Close an unpaid order so that a late payment can no longer land on it. */
  close(channel: string, orderId: string, timeoutMs: number): Promise<CloseResult>;
}

/** Ground truth kept by the simulators' order book: what really happened to the money. */
export interface LedgerSummary {
  /** Orders (merchant order numbers) with at least one charge. */
  paidOrders: number;
  /** Orders charged more than once, on one channel or across channels. */
  doubleCharges: number;
  /** Orders charged whose answer and callback were both lost (dropped orders, 掉单). */
  droppedOrders: number;
}
