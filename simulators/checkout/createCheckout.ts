import type { SwitchyardClient } from '../../src/client/types.ts';
import { CodeClassifier, codeTables } from '../../src/core/codes/index.ts';
import type { Scheduler } from '../../src/core/scheduler.ts';
import type { ChannelApi, CloseResult, PayResult, QueryResult } from '../channels/ChannelApi.ts';
import { createChooser } from './ChannelChooser.ts';
import type { CheckoutRoute, HealthOracle } from './CheckoutRoute.ts';
import type {
  Checkout,
  CheckoutStats,
  Order,
  OrderResult,
  SettledOrder,
  Strategy,
} from './types.ts';

export interface CheckoutOptions {
  strategy: Strategy;
  channels: ChannelApi;
  scheduler: Scheduler;
  /** Channels with pool, priority, business limits and flavour (the flavour says which codes leave the result unknown). */
  routes: CheckoutRoute[];
  /** Required for `switchyard`: picks and fallbacks come from it, and every attempt's outcome is reported to it. */
  client?: SwitchyardClient;
  /** Required for `oracle`. */
  oracle?: HealthOracle;
  /** The caller's timeout on a pay call. */
  payTimeoutMs?: number;
  /** The caller's timeout on query and close calls. */
  queryTimeoutMs?: number;
  /** A query or close that times out is sent again this many times before the order is left unresolved. */
  queryRetries?: number;
  /** A pending (USERPAYING) order is queried this many times … */
  maxPolls?: number;
  /** … this far apart, then closed. */
  pollIntervalMs?: number;
  /** Channels tried per order at most. */
  maxChannels?: number;
  /** Report every pay attempt to the client (default: only for `switchyard`, so that peers do not feed the monitor). */
  reportOutcomes?: boolean;
  /** Pending orders (could not be confirmed unpaid) are queried again this often … */
  reconcileEveryMs?: number;
  /** … for this long; one still unsettled then stays pending (for the daily statement), never failed. */
  reconcileForMs?: number;
  /** Latencies kept for percentiles (the most recent). */
  latencySamples?: number;
  /** Every finished order, for benches and logs. */
  onResult?: (order: Order, result: OrderResult) => void;
  /** Every pending order the reconciler settles. */
  onSettled?: (order: Order, settled: SettledOrder) => void;
}

/** CheckoutStats plus what the careful gateway counts on its own. */
export interface CarefulCheckoutStats extends CheckoutStats {
  /** Pay calls made, retries included. */
  payCalls: number;
  queries: number;
  closes: number;
  /** Orders that stopped because no query or close could confirm them unpaid: never switched, answered pending, reconciled later. */
  unresolved: number;
  /** Orders no channel was admissible for. */
  unroutable: number;
}

export interface CarefulCheckout extends Checkout {
  stats(): CarefulCheckoutStats;
  /** Order numbers found paid by query after their pay answer was lost (dropped orders caught). */
  foundOrderIds(): ReadonlySet<string>;
  settled(): readonly SettledOrder[];
  /** Stop the reconciler. */
  close(): void;
}

type ChannelVerdict =
  | { kind: 'paid'; foundByQuery: boolean }
  | { kind: 'declined' }
  /** Confirmed not charged here (a definite refusal, or queried unpaid and closed): safe to try elsewhere. */
  | { kind: 'moveOn' }
  /** Could not confirm it unpaid: another channel could double-charge the customer. */
  | { kind: 'unresolved' };

/**
 * The demo gateway, careful the way CHANNEL-CODES.md asks: one merchant order number for every
 * attempt (the idempotency key), one retry on the same channel after a timeout, and before any
 * switch after a timeout or an unknown-result code, query the original order: paid → done, pending
 * → poll, unpaid → close, and only then the next channel. No order is ever charged twice.
 */
export function createCheckout(opts: CheckoutOptions): CarefulCheckout {
  const {
    strategy,
    channels: api,
    scheduler,
    routes,
    client,
    payTimeoutMs = 3_000,
    queryTimeoutMs = 2_000,
    queryRetries = 2,
    maxPolls = 5,
    pollIntervalMs = 1_000,
    maxChannels = 3,
    reconcileEveryMs = 10_000,
    reconcileForMs = 120_000,
    latencySamples = 100_000,
    onResult,
    onSettled,
  } = opts;
  const clock = scheduler.clock;
  const report = (opts.reportOutcomes ?? strategy === 'switchyard') && client ? client : null;
  const chooser = createChooser(strategy, { routes, clock, client, oracle: opts.oracle });
  const classifiers = new Map<string, CodeClassifier>();
  for (const r of routes)
    if (r.flavour) classifiers.set(r.id, new CodeClassifier(codeTables[r.flavour]));

  const stats: CarefulCheckoutStats = {
    attempts: 0,
    succeeded: 0,
    declined: 0,
    failed: 0,
    pending: 0,
    droppedFound: 0,
    latenciesMs: [],
    payCalls: 0,
    queries: 0,
    closes: 0,
    unresolved: 0,
    unroutable: 0,
  };
  let latencyNext = 0;
  const found = new Set<string>();
  const toReconcile = new Map<string, { order: Order; channel: string; until: number }>();
  const settledOrders: SettledOrder[] = [];
  let reconcileTimer: { cancel(): void } | null = null;

  /** Whether an answer leaves the order's fate open: only a query can tell if money moved. */
  function resultUnknown(channel: string, r: Extract<PayResult, { kind: 'answer' }>): boolean {
    if (r.pending) return true;
    const c = classifiers.get(channel);
    if (c) {
      const info = c.classify(r.code);
      // A known code says it; an unknown one might have charged, so it is queried like SYSTEMERROR.
      return info.unknownResult || info.cls === 'duplicate' || !info.known;
    }
    // Flavour not given: every technical failure and every neutral code is treated as unknown, the safe side.
    return r.outcome === 'error' || r.outcome === 'timeout' || r.outcome === 'neutral';
  }

  function reportPay(channel: string, order: Order, r: PayResult): void {
    if (!report) return;
    report.report({
      channel,
      outcome: r.kind === 'timeout' ? 'timeout' : r.outcome,
      code: r.kind === 'answer' ? r.code : undefined,
      latencyMs: r.latencyMs,
      amount: order.amount,
      method: order.method,
      store: order.store,
      terminal: order.terminal,
      orderId: order.id,
    });
  }

  async function pay(channel: string, order: Order): Promise<PayResult> {
    stats.payCalls++;
    const r = await api.pay(channel, {
      orderId: order.id,
      amount: order.amount,
      method: order.method,
      store: order.store,
      terminal: order.terminal,
      segment: order.segment,
      timeoutMs: payTimeoutMs,
    });
    reportPay(channel, order, r);
    return r;
  }

  /** Calls once, then again on each timeout, `queryRetries` times at most. */
  async function retryingTimeouts<R extends { kind: string }>(call: () => Promise<R>): Promise<R> {
    let r = await call();
    for (let i = 0; i < queryRetries && r.kind === 'timeout'; i++) r = await call();
    return r;
  }

  function query(channel: string, orderId: string): Promise<QueryResult> {
    return retryingTimeouts(() => {
      stats.queries++;
      return api.query(channel, orderId, queryTimeoutMs);
    });
  }

  function closeOrder(channel: string, orderId: string): Promise<CloseResult> {
    return retryingTimeouts(() => {
      stats.closes++;
      return api.close(channel, orderId, queryTimeoutMs);
    });
  }

  /** Settle an order whose pay answer did not say: query, poll while pending, close if unpaid. */
  async function resolve(
    channel: string,
    order: Order,
    answerLost: boolean,
  ): Promise<ChannelVerdict> {
    for (let polls = 0; ; polls++) {
      const q = await query(channel, order.id);
      if (q.kind === 'timeout') return { kind: 'unresolved' };
      switch (q.status) {
        case 'SUCCESS':
          return { kind: 'paid', foundByQuery: answerLost };
        case 'CLOSED':
          return { kind: 'moveOn' };
        case 'USERPAYING':
          if (polls < maxPolls) {
            await scheduler.sleep(pollIntervalMs);
            continue;
          }
          break;
        case 'NOTPAY':
        case 'NOT_EXIST':
        case 'PAYERROR':
          break;
      }
      // Unpaid (or not yet): close it so that a late payment cannot land on it once we switch.
      const c = await closeOrder(channel, order.id);
      if (c.kind === 'timeout') return { kind: 'unresolved' };
      if (c.status === 'SUCCESS') return { kind: 'paid', foundByQuery: answerLost };
      if (c.closed || c.status === 'CLOSED') return { kind: 'moveOn' };
      return { kind: 'unresolved' };
    }
  }

  async function tryChannel(channel: string, order: Order): Promise<ChannelVerdict> {
    let r = await pay(channel, order);
    // The first answer never came: if the money moved, only a query will say so (a dropped order).
    const lost = r.kind === 'timeout';
    // A transient timeout: once more on the same channel, same order number, so it cannot charge twice.
    if (lost) r = await pay(channel, order);
    if (r.kind === 'timeout') return resolve(channel, order, true);
    if (r.outcome === 'success') return { kind: 'paid', foundByQuery: false };
    if (r.outcome === 'decline') return { kind: 'declined' };
    if (resultUnknown(channel, r)) return resolve(channel, order, lost);
    // A definite refusal (maintenance, rate limit, config, risk control, a non-Q error): nothing was charged.
    return { kind: 'moveOn' };
  }

  function finish(
    order: Order,
    started: number,
    status: OrderResult['status'],
    tried: string[],
    calls: number,
    extra: Partial<OrderResult> = {},
  ): OrderResult {
    const result: OrderResult = {
      orderId: order.id,
      status,
      attempts: calls,
      channels: tried,
      latencyMs: clock.now() - started,
      ...extra,
    };
    stats.attempts++;
    if (status === 'paid') stats.succeeded++;
    else if (status === 'declined') stats.declined++;
    else if (status === 'pending') stats.pending++;
    else stats.failed++;
    if (stats.latenciesMs.length < latencySamples) stats.latenciesMs.push(result.latencyMs);
    else stats.latenciesMs[latencyNext++ % latencySamples] = result.latencyMs;
    onResult?.(order, result);
    return result;
  }

  let reconciling: Promise<void> | null = null;

  function reconcileLater(channel: string, order: Order): void {
    toReconcile.set(order.id, { order, channel, until: clock.now() + reconcileForMs });
    if (reconcileTimer) return;
    reconcileTimer = scheduler.setInterval(() => {
      // One pass at a time: a slow pass (queries hanging on a sick channel) must not pile up.
      if (reconciling) return;
      reconciling = reconcile()
        .catch(() => undefined)
        .finally(() => {
          reconciling = null;
        });
    }, reconcileEveryMs);
  }

  /** Whether a pending order is paid, confirmed unpaid (closed), or still open (no answer, or the payer still confirming). */
  async function settle(channel: string, orderId: string): Promise<'paid' | 'failed' | 'open'> {
    const q = await query(channel, orderId);
    if (q.kind === 'timeout') return 'open';
    switch (q.status) {
      case 'SUCCESS':
        return 'paid';
      case 'CLOSED':
      case 'PAYERROR':
        return 'failed';
      case 'USERPAYING':
        return 'open';
      case 'NOTPAY':
      case 'NOT_EXIST': {
        // Unpaid so far: closed first, so that no late payment can land on an order called failed.
        const c = await closeOrder(channel, orderId);
        if (c.kind === 'timeout') return 'open';
        if (c.status === 'SUCCESS') return 'paid';
        return c.closed || c.status === 'CLOSED' ? 'failed' : 'open';
      }
    }
  }

  /** Pending orders are settled here, by asking again later: found paid (dropped orders too), or closed and failed. */
  async function reconcile(): Promise<void> {
    for (const [orderId, { order, channel, until }] of [...toReconcile]) {
      const v = await settle(channel, orderId);
      if (v === 'open') {
        if (clock.now() > until) toReconcile.delete(orderId);
        continue;
      }
      toReconcile.delete(orderId);
      stats.pending--;
      if (v === 'paid') {
        stats.succeeded++;
        if (!found.has(orderId)) {
          found.add(orderId);
          stats.droppedFound++;
        }
      } else stats.failed++;
      const s: SettledOrder = { orderId, channel, status: v, at: clock.now() };
      settledOrders.push(s);
      onSettled?.(order, s);
    }
    if (toReconcile.size === 0 && reconcileTimer) {
      reconcileTimer.cancel();
      reconcileTimer = null;
    }
  }

  return {
    async pay(order: Order): Promise<OrderResult> {
      const started = clock.now();
      const tried: string[] = [];
      const before = stats.payCalls;
      let channel = chooser.first(order);
      if (channel === null) {
        stats.unroutable++;
        return finish(order, started, 'failed', tried, 0);
      }
      while (channel !== null && tried.length < maxChannels) {
        tried.push(channel);
        const v = await tryChannel(channel, order);
        const calls = stats.payCalls - before;
        switch (v.kind) {
          case 'paid':
            if (v.foundByQuery && !found.has(order.id)) {
              found.add(order.id);
              stats.droppedFound++;
            }
            return finish(order, started, 'paid', tried, calls, {
              finalChannel: channel,
              ...(v.foundByQuery && { foundByQuery: true }),
            });
          case 'declined':
            return finish(order, started, 'declined', tried, calls, { finalChannel: channel });
          case 'unresolved':
            // The money may have moved: the customer hears pending, never failed.
            stats.unresolved++;
            reconcileLater(channel, order);
            return finish(order, started, 'pending', tried, calls, { finalChannel: channel });
          case 'moveOn':
            channel = chooser.next(order, tried);
        }
      }
      return finish(order, started, 'failed', tried, stats.payCalls - before);
    },
    stats: () => ({ ...stats, latenciesMs: [...stats.latenciesMs] }),
    foundOrderIds: () => found,
    settled: () => settledOrders,
    close() {
      reconcileTimer?.cancel();
      reconcileTimer = null;
      toReconcile.clear();
    },
  };
}
