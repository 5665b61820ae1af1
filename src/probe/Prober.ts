import type { Scheduler, Timer } from '../core/scheduler.ts';

/** One channel's probe: what to call and how often. */
export interface ProbeTarget {
  channel: string;
  url: string;
  /** Time between probes. */
  intervalMs: number;
  /** A probe unanswered after this is a timeout (and is aborted). */
  timeoutMs: number;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Statuses that count as success; default any 2xx. */
  expectStatus?: number[];
}

export type ProbeOutcome = 'success' | 'error' | 'timeout';

/** What one probe found; it enters the engine as an outcome with `source: "probe"`. */
export interface ProbeResult {
  channel: string;
  outcome: ProbeOutcome;
  latencyMs: number;
  /** Epoch ms when the probe started. */
  at: number;
  /** HTTP status when an answer came. */
  status?: number;
  /** The channel's own result code, when a failed answer was JSON with a string `code` (the simulators' health routes send one). */
  code?: string;
  /** Why it failed, for logs: `status 503`, `ECONNREFUSED`, `timeout`. */
  detail?: string;
}

export interface ProberOptions {
  targets: ProbeTarget[];
  /** Runs the intervals and the timeouts; a VirtualScheduler makes probes testable without waiting. */
  scheduler: Scheduler;
  /** Called once per finished probe. */
  onResult: (r: ProbeResult) => void;
  /** Default globalThis.fetch; tests and msw inject their own. */
  fetch?: typeof globalThis.fetch;
}

/**
 * Active HTTP probes per channel, one timer per target on the injected scheduler. A probe still
 * running when its next turn comes is not doubled: the turn is skipped.
 */
export class Prober {
  private readonly timers: Timer[] = [];
  private readonly inFlight = new Set<string>();
  private readonly controllers = new Set<AbortController>();
  private stopped = true;

  constructor(private readonly options: ProberOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const t of this.options.targets) {
      this.timers.push(this.options.scheduler.setInterval(() => void this.probe(t), t.intervalMs));
    }
  }

  /** Cancels the timers and aborts probes in flight (their results are not reported). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.splice(0)) t.cancel();
    for (const c of this.controllers) c.abort();
  }

  /** Runs one probe now; resolves with its result (also passed to onResult). Exposed for tests and `probe once`. */
  async probe(t: ProbeTarget): Promise<ProbeResult | undefined> {
    if (this.inFlight.has(t.channel)) return undefined;
    this.inFlight.add(t.channel);
    const { scheduler, fetch = globalThis.fetch } = this.options;
    const clock = scheduler.clock;
    const at = clock.now();
    const ctl = new AbortController();
    this.controllers.add(ctl);
    let timedOut = false;
    const timer = scheduler.setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, t.timeoutMs);
    let result: ProbeResult;
    try {
      const res = await fetch(t.url, {
        method: t.method ?? 'GET',
        headers: t.headers,
        body: t.body,
        signal: ctl.signal,
      });
      // Read whole so the connection can be reused; a failure's JSON `code` says what kind of failure.
      const text = await res.text().catch(() => '');
      const ok = t.expectStatus
        ? t.expectStatus.includes(res.status)
        : res.status >= 200 && res.status < 300;
      const code = ok ? undefined : codeOf(text, res.headers.get('content-type'));
      result = {
        channel: t.channel,
        outcome: ok ? 'success' : 'error',
        latencyMs: clock.now() - at,
        at,
        status: res.status,
        ...(!ok && { detail: `status ${res.status}` }),
        ...(code && { code }),
      };
    } catch (e) {
      result = timedOut
        ? {
            channel: t.channel,
            outcome: 'timeout',
            latencyMs: Math.max(clock.now() - at, t.timeoutMs),
            at,
            detail: 'timeout',
          }
        : {
            channel: t.channel,
            outcome: 'error',
            latencyMs: clock.now() - at,
            at,
            detail: errorCode(e),
          };
    } finally {
      timer.cancel();
      this.controllers.delete(ctl);
      this.inFlight.delete(t.channel);
    }
    if (this.stopped && !timedOut && ctl.signal.aborted) return undefined;
    this.options.onResult(result);
    return result;
  }
}

function codeOf(text: string, contentType: string | null): string | undefined {
  if (!contentType?.includes('json') || text.length > 4096) return undefined;
  try {
    const code = (JSON.parse(text) as { code?: unknown })?.code;
    return typeof code === 'string' && code.length > 0 && code.length <= 64 ? code : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } })?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return e instanceof Error ? e.name : 'error';
}
