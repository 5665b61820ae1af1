import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { CHANNEL_STATES, type Decision } from '../core/decision.ts';
import { RECORDED_CLASSES } from '../core/outcome.ts';
import type { ChannelTotals, ChannelView, PoolView } from '../core/views.ts';

/** What metrics read from the engine at scrape time (the Engine satisfies it). */
export interface MetricsSource {
  totals(): ChannelTotals[];
  channels(): ChannelView[];
  pools(): PoolView[];
  readonly seq: number;
}

export interface MetricsOptions {
  source: MetricsSource;
  /**
   * Default: a fresh registry, so tests and several monitors in one process never collide. Scrape
   * it through {@link Metrics.text}: each call reads the engine afresh, once for all metrics.
   */
  registry?: Registry;
  /** Add prom-client's process metrics (prefixed `switchyard_`); default true. */
  processMetrics?: boolean;
  /** Connected stream clients, read at scrape time. */
  wsClients?: () => number;
}

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * A metric whose samples are computed from engine state when scraped: the ingest hot path then
 * never touches prom-client (cumulative counters and the latency histogram live in the engine).
 */
class DerivedMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge' | 'histogram',
    private readonly values: () => Sample[],
  ) {}

  get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values(),
    };
  }
}

/** The metrics of DEVELOPERS.md, names and labels exactly as listed there. */
export class Metrics {
  readonly registry: Registry;
  // Ingest counts are plain numbers read at scrape time: the hot path never hashes label sets.
  private ingestAccepted = 0;
  private ingestRefused = 0;
  private readonly ingestByStatus = new Map<number, number>();
  private readonly decisionsTotal: Counter<'channel' | 'pool' | 'reason' | 'to'>;
  private readonly probeResultsTotal: Counter<'channel' | 'outcome'>;

  constructor({
    source,
    registry = new Registry(),
    processMetrics = true,
    wsClients = () => 0,
  }: MetricsOptions) {
    this.registry = registry;
    const registers = [registry];
    if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });

    const derived = (
      name: string,
      help: string,
      type: 'counter' | 'gauge' | 'histogram',
      values: () => Sample[],
    ) => registry.registerMetric(new DerivedMetric(name, help, type, values) as never);
    // One scrape reads the engine once: every metric of the scrape shares these.
    const totals = this.perScrape(() => source.totals());
    const channelViews = this.perScrape(() => source.channels());

    derived(
      'switchyard_outcomes_total',
      'Outcomes recorded, by channel, class and source.',
      'counter',
      () => {
        const out: Sample[] = [];
        for (const t of totals()) {
          for (const cls of RECORDED_CLASSES) {
            const c = t.counts[cls];
            out.push({
              labels: { channel: t.id, pool: t.pool, outcome: cls, source: 'live' },
              value: c.live,
            });
            out.push({
              labels: { channel: t.id, pool: t.pool, outcome: cls, source: 'probe' },
              value: c.probe,
            });
          }
        }
        return out;
      },
    );
    derived(
      'switchyard_unknown_codes_total',
      'Outcomes whose code is in no code table.',
      'counter',
      () => totals().map((t) => ({ labels: { channel: t.id }, value: t.unknownCodes })),
    );
    derived(
      'switchyard_late_events_total',
      'Outcomes older than the longest window when they arrived.',
      'counter',
      () => totals().map((t) => ({ labels: { channel: t.id }, value: t.late })),
    );
    derived('switchyard_latency_seconds', 'Outcome latency in seconds.', 'histogram', () => {
      const out: Sample[] = [];
      for (const t of totals()) {
        const { bounds, counts, sum, count } = t.latency;
        const base = { channel: t.id, pool: t.pool };
        bounds.forEach((b, i) => {
          out.push({
            metricName: 'switchyard_latency_seconds_bucket',
            labels: { ...base, le: Number.isFinite(b) ? String(b) : '+Inf' },
            value: counts[i],
          });
        });
        if (bounds.length && Number.isFinite(bounds[bounds.length - 1]))
          out.push({
            metricName: 'switchyard_latency_seconds_bucket',
            labels: { ...base, le: '+Inf' },
            value: count,
          });
        out.push({ metricName: 'switchyard_latency_seconds_sum', labels: base, value: sum });
        out.push({ metricName: 'switchyard_latency_seconds_count', labels: base, value: count });
      }
      return out;
    });

    derived(
      'switchyard_channel_state',
      'Current state of the channel: 1 for the current state, 0 for the others.',
      'gauge',
      () => {
        const out: Sample[] = [];
        for (const c of channelViews())
          for (const s of CHANNEL_STATES)
            out.push({
              labels: { channel: c.id, pool: c.pool, state: s },
              value: c.state === s ? 1 : 0,
            });
        return out;
      },
    );
    derived(
      'switchyard_channel_weight',
      "Share of its pool's traffic the channel should get.",
      'gauge',
      () =>
        channelViews().map((c) => ({ labels: { channel: c.id, pool: c.pool }, value: c.weight })),
    );
    derived(
      'switchyard_channel_error_rate',
      'Technical failure rate over the window.',
      'gauge',
      () =>
        channelViews().flatMap((c) =>
          (['10s', '60s'] as const).map((w) => ({
            labels: { channel: c.id, pool: c.pool, window: w },
            value: c.windows[w].errorRate,
          })),
        ),
    );
    derived(
      'switchyard_channel_p95_seconds',
      'p95 latency over the window, in seconds.',
      'gauge',
      () =>
        channelViews().flatMap((c) =>
          (['10s', '60s'] as const).map((w) => ({
            labels: { channel: c.id, pool: c.pool, window: w },
            value: c.windows[w].p95Ms / 1000,
          })),
        ),
    );
    derived('switchyard_pool_panic', '1 when every channel of the pool is down.', 'gauge', () =>
      source.pools().map((p) => ({ labels: { pool: p.id }, value: p.panic ? 1 : 0 })),
    );
    derived('switchyard_ws_clients', 'Connected stream (WebSocket) clients.', 'gauge', () => [
      { labels: {}, value: wsClients() },
    ]);
    derived('switchyard_decision_seq', 'Sequence number of the latest decision.', 'gauge', () => [
      { labels: {}, value: source.seq },
    ]);

    this.decisionsTotal = new Counter({
      name: 'switchyard_decisions_total',
      help: 'Decisions published, by channel, reason and new state.',
      labelNames: ['channel', 'pool', 'reason', 'to'],
      registers,
    });
    derived(
      'switchyard_ingest_events_total',
      'Events received on POST /v1/outcomes, accepted or refused.',
      'counter',
      () => [
        { labels: { result: 'accepted' }, value: this.ingestAccepted },
        { labels: { result: 'refused' }, value: this.ingestRefused },
      ],
    );
    derived(
      'switchyard_ingest_requests_total',
      'Requests to POST /v1/outcomes by HTTP status.',
      'counter',
      () =>
        [...this.ingestByStatus].map(([status, value]) => ({
          labels: { status: String(status) },
          value,
        })),
    );
    this.probeResultsTotal = new Counter({
      name: 'switchyard_probe_results_total',
      help: 'Active probe results by channel and outcome.',
      labelNames: ['channel', 'outcome'],
      registers,
    });
  }

  /** Once per ingest request: N events accepted or refused, and the status answered. */
  ingest(status: number, accepted: number, refused: number): void {
    this.ingestAccepted += accepted;
    this.ingestRefused += refused;
    this.ingestByStatus.set(status, (this.ingestByStatus.get(status) ?? 0) + 1);
  }

  decision(d: Decision): void {
    this.decisionsTotal.inc({ channel: d.channel, pool: d.pool, reason: d.reason, to: d.to });
  }

  probeResult(channel: string, outcome: string): void {
    this.probeResultsTotal.inc({ channel, outcome });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private scrape = 0;

  /** `read` at most once per scrape (per call of {@link text}). */
  private perScrape<T>(read: () => T): () => T {
    let at = -1;
    let value: T;
    return () => {
      if (at !== this.scrape) {
        value = read();
        at = this.scrape;
      }
      return value;
    };
  }

  text(): Promise<string> {
    this.scrape++;
    return this.registry.metrics();
  }
}
