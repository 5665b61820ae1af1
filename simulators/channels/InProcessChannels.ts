import type { Scheduler } from '../../src/core/scheduler.ts';
import type { ChannelApi, CloseResult, PayRequest, PayResult, QueryResult } from './ChannelApi.ts';
import type { CallFate, ChannelSimulator } from './ChannelSimulator.ts';

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
    if (!comesWithin(fate, req.timeoutMs)) return this.timeout(req.timeoutMs);
    await this.scheduler.sleep(fate.latencyMs);
    return codeAnswer(fate);
  }

  async query(channel: string, orderId: string, timeoutMs: number): Promise<QueryResult> {
    const fate = this.sim.query(channel, orderId);
    if (!comesWithin(fate, timeoutMs)) return this.timeout(timeoutMs);
    await this.scheduler.sleep(fate.latencyMs);
    return { kind: 'answer', status: fate.status, latencyMs: fate.latencyMs };
  }

  async close(channel: string, orderId: string, timeoutMs: number): Promise<CloseResult> {
    const fate = this.sim.close(channel, orderId);
    if (!comesWithin(fate, timeoutMs)) return this.timeout(timeoutMs);
    await this.scheduler.sleep(fate.latencyMs);
    return {
      kind: 'answer',
      closed: fate.closed ?? false,
      status: fate.status,
      latencyMs: fate.latencyMs,
    };
  }

  /** Active probe, as the monitor's prober sees it: a code, or a timeout. */
  async probe(channel: string, timeoutMs: number): Promise<PayResult> {
    const fate = this.sim.probe(channel);
    if (!comesWithin(fate, timeoutMs)) return this.timeout(timeoutMs);
    await this.scheduler.sleep(fate.latencyMs);
    return codeAnswer(fate);
  }

  /** The caller's timeout, waited out in full. */
  private async timeout(timeoutMs: number): Promise<{ kind: 'timeout'; latencyMs: number }> {
    await this.scheduler.sleep(timeoutMs);
    return { kind: 'timeout', latencyMs: timeoutMs };
  }
}

/** The fate is an answer the caller gets within `timeoutMs` (not a hang, not slower than that). */
function comesWithin<F extends { kind: 'answer' | 'hang'; latencyMs: number }>(
  fate: F,
  timeoutMs: number,
): fate is Extract<F, { kind: 'answer' }> {
  return fate.kind === 'answer' && fate.latencyMs < timeoutMs;
}

function codeAnswer(fate: Extract<CallFate, { kind: 'answer' }>): PayResult {
  return {
    kind: 'answer',
    code: fate.code,
    outcome: fate.outcome,
    pending: fate.pending,
    httpStatus: fate.httpStatus,
    latencyMs: fate.latencyMs,
  };
}
