import type { Scheduler } from '../../src/core/scheduler.ts';
import type { ChannelApi, CloseResult, PayRequest, PayResult, QueryResult } from './ChannelApi.ts';
import type { ChannelSimulator } from './ChannelSimulator.ts';

/**
 * The ChannelApi called in-process: the simulator decides the fate at once, the caller waits on
 * the scheduler for the answer's latency, or for its own timeout when the channel hangs or is
 * slower than that. On a VirtualScheduler this is how `scenario run --virtual` pays.
 */
export class InProcessChannels implements ChannelApi {
  constructor(
    private readonly sim: ChannelSimulator,
    private readonly scheduler: Scheduler,
  ) {}

  async pay(channel: string, req: PayRequest): Promise<PayResult> {
    const fate = this.sim.pay(channel, req);
    if (fate.kind === 'hang' || fate.latencyMs >= req.timeoutMs) {
      await this.scheduler.sleep(req.timeoutMs);
      return { kind: 'timeout', latencyMs: req.timeoutMs };
    }
    await this.scheduler.sleep(fate.latencyMs);
    return { kind: 'answer', code: fate.code, outcome: fate.outcome, pending: fate.pending, httpStatus: fate.httpStatus, latencyMs: fate.latencyMs };
  }

  async query(channel: string, orderId: string, timeoutMs: number): Promise<QueryResult> {
    const fate = this.sim.query(channel, orderId);
    if (fate.kind === 'hang' || fate.latencyMs >= timeoutMs) {
      await this.scheduler.sleep(timeoutMs);
      return { kind: 'timeout', latencyMs: timeoutMs };
    }
    await this.scheduler.sleep(fate.latencyMs);
    return { kind: 'answer', status: fate.status, latencyMs: fate.latencyMs };
  }

  async close(channel: string, orderId: string, timeoutMs: number): Promise<CloseResult> {
    const fate = this.sim.close(channel, orderId);
    if (fate.kind === 'hang' || fate.latencyMs >= timeoutMs) {
      await this.scheduler.sleep(timeoutMs);
      return { kind: 'timeout', latencyMs: timeoutMs };
    }
    await this.scheduler.sleep(fate.latencyMs);
    return { kind: 'answer', closed: fate.closed ?? false, status: fate.status, latencyMs: fate.latencyMs };
  }

  /** Active probe, as the monitor's prober sees it: a code, or a timeout. */
  async probe(channel: string, timeoutMs: number): Promise<PayResult> {
    const fate = this.sim.probe(channel);
    if (fate.kind === 'hang' || fate.latencyMs >= timeoutMs) {
      await this.scheduler.sleep(timeoutMs);
      return { kind: 'timeout', latencyMs: timeoutMs };
    }
    await this.scheduler.sleep(fate.latencyMs);
    return { kind: 'answer', code: fate.code, outcome: fate.outcome, pending: fate.pending, httpStatus: fate.httpStatus, latencyMs: fate.latencyMs };
  }
}
