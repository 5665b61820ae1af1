import { type Flavour, flavourClassifiers, healthClass } from '../../src/core/codes/index.ts';
import type { Scheduler } from '../../src/core/scheduler.ts';
import type {
  ChannelApi,
  CloseResult,
  PayRequest,
  PayResult,
  QueryResult,
} from '../channels/ChannelApi.ts';
import { httpStatusFor } from '../channels/flavourCodes.ts';
import { SimulatorError } from '../SimulatorError.ts';
import type { WireRequest } from './wire/Wire.ts';
import { wires } from './wire/wires.ts';

export interface HttpChannelsOptions {
  /** The simulator server, e.g. http://127.0.0.1:8081 (channels live under /<channel>). */
  baseUrl: string;
  channels: ReadonlyArray<{ id: string; flavour: Flavour }>;
  /** Measures latency and runs the caller's timeouts. */
  scheduler: Scheduler;
  fetch?: typeof fetch;
}

/** The ChannelApi over HTTP: each channel's own flavour API against the simulator server (or msw). */
export class HttpChannels implements ChannelApi {
  private readonly flavours = new Map<string, Flavour>();
  private readonly fetch: typeof fetch;

  constructor(private readonly o: HttpChannelsOptions) {
    for (const c of o.channels) this.flavours.set(c.id, c.flavour);
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  async pay(channel: string, req: PayRequest): Promise<PayResult> {
    const flavour = this.flavour(channel);
    const wire = wires[flavour];
    const r = await this.call(channel, wire.payRequest(req), req.timeoutMs, (res) =>
      wire.readPay(res),
    );
    if (r.kind === 'timeout') return r;
    const code = r.value;
    const cls = flavourClassifiers[flavour].classify(code).cls;
    return {
      kind: 'answer',
      code,
      outcome: healthClass(cls),
      pending: cls === 'pending',
      httpStatus: r.status,
      latencyMs: r.latencyMs,
    };
  }

  async query(channel: string, orderId: string, timeoutMs: number): Promise<QueryResult> {
    const wire = wires[this.flavour(channel)];
    const r = await this.call(channel, wire.queryRequest(orderId), timeoutMs, (res) =>
      wire.readQuery(res),
    );
    if (r.kind === 'timeout') return r;
    return { kind: 'answer', status: r.value, latencyMs: r.latencyMs };
  }

  async close(channel: string, orderId: string, timeoutMs: number): Promise<CloseResult> {
    const wire = wires[this.flavour(channel)];
    const r = await this.call(channel, wire.closeRequest(orderId), timeoutMs, (res) =>
      wire.readClose(res),
    );
    if (r.kind === 'timeout') return r;
    return { kind: 'answer', ...r.value, latencyMs: r.latencyMs };
  }

  /** GET /<channel>/health, as a pay-like result: the code the channel answered, or a timeout. */
  async probe(channel: string, timeoutMs: number): Promise<PayResult> {
    const flavour = this.flavour(channel);
    const r = await this.call(
      channel,
      { path: '/health', init: { method: 'GET' } },
      timeoutMs,
      async (res) => ((await res.json()) as { code?: string }).code ?? `HTTP_${res.status}`,
    );
    if (r.kind === 'timeout') return r;
    const code = r.value;
    const cls = flavourClassifiers[flavour].classify(code).cls;
    return {
      kind: 'answer',
      code,
      outcome: healthClass(cls),
      pending: false,
      httpStatus: httpStatusFor(flavour, code),
      latencyMs: r.latencyMs,
    };
  }

  private flavour(channel: string): Flavour {
    const f = this.flavours.get(channel);
    if (!f) throw new SimulatorError('unknown_channel', `no channel "${channel}"`);
    return f;
  }

  /**
   * One call with the caller's timeout on the scheduler, body read included; a 504 (the channel
   * hung), a dropped connection, a stalled or unreadable body: the result is unknown, a timeout.
   */
  private async call<T>(
    channel: string,
    w: WireRequest,
    timeoutMs: number,
    read: (res: Response) => Promise<T>,
  ): Promise<
    | { kind: 'ok'; value: T; status: number; latencyMs: number }
    | { kind: 'timeout'; latencyMs: number }
  > {
    const clock = this.o.scheduler.clock;
    const start = clock.now();
    const ac = new AbortController();
    const timer = this.o.scheduler.setTimeout(() => ac.abort(), timeoutMs);
    try {
      const res = await this.fetch(`${this.o.baseUrl}/${channel}${w.path}`, {
        ...w.init,
        signal: ac.signal,
      });
      if (res.status === 504) {
        await res.text();
        return { kind: 'timeout', latencyMs: clock.now() - start };
      }
      const value = await read(res);
      return { kind: 'ok', value, status: res.status, latencyMs: clock.now() - start };
    } catch {
      return {
        kind: 'timeout',
        latencyMs: Math.max(clock.now() - start, ac.signal.aborted ? timeoutMs : 0),
      };
    } finally {
      timer.cancel();
    }
  }
}
