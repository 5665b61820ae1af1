import type { Scheduler, Timer } from '../core/scheduler.ts';
import type { ReportedOutcome } from './types.ts';

export interface OutcomeReporterOptions {
  /** The monitor's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  scheduler: Scheduler;
  fetch?: typeof fetch;
  /** Bearer token, where the monitor is configured with one. */
  token?: string;
  /** A batch leaves at most this long after its first outcome was queued. */
  flushIntervalMs?: number;
  /** Outcomes per POST; a full batch leaves at once. */
  maxBatch?: number;
  /** Outcomes held while the monitor is slow or away; beyond it the oldest are dropped and counted. */
  maxBuffer?: number;
  /** A POST slower than this is abandoned and its batch retried. */
  requestTimeoutMs?: number;
  /** After a failed POST, wait this long (doubling per failure, up to 16×) before the next. */
  retryMs?: number;
}

/**
 * Batched, non-blocking reporting to POST /v1/outcomes. Memory is bounded by maxBuffer + maxBatch
 * whatever the monitor does: a gateway must never grow without bound because its monitor is down.
 */
export class OutcomeReporter {
  private readonly fetchFn: typeof fetch;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffer: number;
  private readonly requestTimeoutMs: number;
  private readonly retryMs: number;
  /** Ring buffer of queued outcomes: head is the oldest. */
  private ring: (object | undefined)[];
  private head = 0;
  private size = 0;
  /** A batch that failed to send, sent again before anything newer. */
  private retryBatch: object[] | null = null;
  private failures = 0;
  private timer: Timer | null = null;
  private timerIsNow = false;
  private inFlight: Promise<void> | null = null;
  private closed = false;
  reported = 0;
  dropped = 0;
  refused = 0;

  constructor(private readonly opts: OutcomeReporterOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.flushIntervalMs = opts.flushIntervalMs ?? 200;
    this.maxBatch = opts.maxBatch ?? 500;
    this.maxBuffer = opts.maxBuffer ?? 10_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 2_000;
    this.retryMs = opts.retryMs ?? 500;
    if (!(this.maxBuffer >= 1) || !(this.maxBatch >= 1))
      throw new RangeError('OutcomeReporter: maxBuffer and maxBatch must be ≥ 1');
    this.ring = new Array(this.maxBuffer);
  }

  /** Outcomes waiting, including a batch awaiting retry. */
  get buffered(): number {
    return this.size + (this.retryBatch?.length ?? 0);
  }

  report(event: ReportedOutcome): void {
    if (this.closed) {
      this.dropped++;
      return;
    }
    if (event.outcome === 'neutral') {
      // The contract has no "neutral" outcome: a pending or duplicate-order code goes as its raw
      // code (the monitor's table classifies it), and without a code there is nothing to report.
      if (event.code === undefined) {
        this.dropped++;
        return;
      }
      const { outcome: _, ...rest } = event;
      event = rest;
    }
    if (this.size === this.maxBuffer) {
      // Full: the oldest goes, the freshest outcomes say more about the channels now.
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.maxBuffer;
      this.size--;
      this.dropped++;
    }
    this.ring[(this.head + this.size) % this.maxBuffer] = event;
    this.size++;
    if (this.size >= this.maxBatch && !this.inFlight && this.failures === 0) this.flushNow();
    else this.flushSoon(this.flushIntervalMs);
  }

  /** Send everything buffered now (best effort); resolves when the last POST settles. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    while (this.buffered > 0) {
      const before = this.failures;
      await this.sendOne();
      if (this.failures > before) return;
    }
  }

  /** Stop timers and try one last flush. */
  async close(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    await this.flush();
    this.closed = true;
  }

  /** A full batch leaves now rather than at the end of a pending flush interval. */
  private flushNow(): void {
    if (this.timer && !this.timerIsNow) {
      this.timer.cancel();
      this.timer = null;
    }
    this.flushSoon(0);
  }

  private flushSoon(ms: number): void {
    if (this.timer || this.closed) return;
    this.timerIsNow = ms === 0;
    this.timer = this.opts.scheduler.setTimeout(() => {
      this.timer = null;
      this.timerIsNow = false;
      if (this.inFlight)
        return void this.inFlight.then(() => this.buffered > 0 && this.flushSoon(0));
      void this.sendOne().then(() => {
        if (this.buffered > 0)
          this.flushSoon(
            this.failures > 0
              ? this.backoff()
              : this.size >= this.maxBatch
                ? 0
                : this.flushIntervalMs,
          );
      });
    }, ms);
  }

  private backoff(): number {
    return this.retryMs * 2 ** Math.min(this.failures - 1, 4);
  }

  private sendOne(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const batch = this.retryBatch ?? this.take();
    this.retryBatch = null;
    if (batch.length === 0) return Promise.resolve();
    this.inFlight = this.post(batch).finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private take(): object[] {
    const n = Math.min(this.size, this.maxBatch);
    const out: object[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.ring[this.head]!;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.maxBuffer;
    }
    this.size -= n;
    return out;
  }

  private async post(batch: object[]): Promise<void> {
    const ctl = new AbortController();
    const t = this.opts.scheduler.setTimeout(() => ctl.abort(), this.requestTimeoutMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    try {
      const res = await this.fetchFn(`${this.opts.url.replace(/\/$/, '')}/v1/outcomes`, {
        method: 'POST',
        headers,
        body: JSON.stringify(batch),
        signal: ctl.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) {
        this.reported += batch.length;
        this.failures = 0;
      } else if (
        res.status >= 400 &&
        res.status < 500 &&
        res.status !== 429 &&
        res.status !== 408
      ) {
        // The monitor refused the batch as such (bad event, too large, no token): sending it again cannot help.
        this.refused += batch.length;
        this.failures = 0;
      } else this.keepForRetry(batch);
    } catch {
      this.keepForRetry(batch);
    } finally {
      t.cancel();
    }
  }

  private keepForRetry(batch: object[]): void {
    this.failures++;
    this.retryBatch = batch;
  }
}
