import type {
  ChannelApi,
  CloseResult,
  PayRequest,
  PayResult,
  QueryResult,
} from '../simulators/channels/ChannelApi.ts';
import { OrderBook } from '../simulators/ledger/OrderBook.ts';
import type { Scheduler } from '../src/core/scheduler.ts';
import type { RecordedClass } from '../src/core/outcome.ts';

/** What one pay call does on the fake channel. */
export type Behaviour =
  | 'ok'
  | 'timeout' // hangs, no money moves
  | 'charged_timeout' // money taken, answer lost
  | 'systemerror' // SYSTEMERROR, nothing charged
  | 'systemerror_charged' // SYSTEMERROR, but the money was in fact taken
  | 'maintenance'
  | 'decline'
  | 'userpaying' // pending; the customer never confirms
  | 'userpaying_then_pays'; // pending; the customer confirms 1.5 s later unless the order was closed

/**
 * A scripted ChannelApi over the simulators' real OrderBook (the ground truth of charges), for
 * checkout tests: each pay call takes its behaviour from `script(channel, callIndex, orderId)`.
 */
export class FakeChannels implements ChannelApi {
  readonly book = new OrderBook();
  readonly calls: string[] = [];
  private n = new Map<string, number>();
  queryTimesOut = new Set<string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly script: (channel: string, call: number, orderId: string) => Behaviour,
  ) {}

  async pay(channel: string, req: PayRequest): Promise<PayResult> {
    const k = `${channel}/${req.orderId}`;
    const call = this.n.get(k) ?? 0;
    this.n.set(k, call + 1);
    this.calls.push(`pay ${channel}`);
    const now = this.scheduler.clock.now();
    const existing = this.book.get(channel, req.orderId);
    if (existing?.status === 'SUCCESS') return answer('ORDERPAID', 'neutral', 200);
    if (existing?.status === 'CLOSED') return answer('ORDERCLOSED', 'neutral', 400);
    const b = this.script(channel, call, req.orderId);
    const t = this.book.open(channel, req.orderId, req.amount, now);
    switch (b) {
      case 'ok':
        await this.scheduler.sleep(50);
        this.book.charge(t);
        return answer('SUCCESS', 'success', 200);
      case 'timeout':
        await this.scheduler.sleep(req.timeoutMs);
        return { kind: 'timeout', latencyMs: req.timeoutMs };
      case 'charged_timeout':
        this.book.charge(t);
        t.answerLost = true;
        t.callbackLost = true;
        await this.scheduler.sleep(req.timeoutMs);
        return { kind: 'timeout', latencyMs: req.timeoutMs };
      case 'systemerror_charged':
        this.book.charge(t);
        return answer('SYSTEMERROR', 'error', 500);
      case 'systemerror':
        return answer('SYSTEMERROR', 'error', 500);
      case 'maintenance':
        return answer('SERVICE_UNAVAILABLE', 'maintenance', 503);
      case 'decline':
        return answer('NOTENOUGH', 'decline', 403);
      case 'userpaying':
      case 'userpaying_then_pays':
        t.status = 'USERPAYING';
        if (b === 'userpaying_then_pays')
          this.scheduler.setTimeout(() => void this.book.charge(t), 1_500);
        return {
          kind: 'answer',
          code: 'USERPAYING',
          outcome: 'neutral',
          pending: true,
          httpStatus: 202,
          latencyMs: 30,
        };
    }
  }

  async query(channel: string, orderId: string, timeoutMs: number): Promise<QueryResult> {
    this.calls.push(`query ${channel}`);
    if (this.queryTimesOut.has(channel)) {
      await this.scheduler.sleep(timeoutMs);
      return { kind: 'timeout', latencyMs: timeoutMs };
    }
    await this.scheduler.sleep(20);
    return { kind: 'answer', status: this.book.status(channel, orderId), latencyMs: 20 };
  }

  async close(channel: string, orderId: string, timeoutMs: number): Promise<CloseResult> {
    this.calls.push(`close ${channel}`);
    if (this.queryTimesOut.has(channel)) {
      await this.scheduler.sleep(timeoutMs);
      return { kind: 'timeout', latencyMs: timeoutMs };
    }
    const t = this.book.get(channel, orderId);
    if (t?.status === 'SUCCESS')
      return { kind: 'answer', closed: false, status: 'SUCCESS', latencyMs: 20 };
    if (t) t.status = 'CLOSED';
    return { kind: 'answer', closed: true, status: 'CLOSED', latencyMs: 20 };
  }
}

function answer(code: string, outcome: RecordedClass, httpStatus: number): PayResult {
  return { kind: 'answer', code, outcome, pending: false, httpStatus, latencyMs: 40 };
}
