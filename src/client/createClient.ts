import type { Clock } from '../core/clock.ts';
import type { Decision } from '../core/decision.ts';
import type { Scheduler } from '../core/scheduler.ts';
import { RealScheduler } from '../time/RealScheduler.ts';
import WebSocket from 'ws';
import { OutcomeReporter } from './OutcomeReporter.ts';
import { seededRandom } from '../core/random.ts';
import { Router } from './Router.ts';
import {
  type Snapshot,
  StreamFollower,
  type WebSocketFactory,
  type WebSocketLike,
} from './StreamFollower.ts';
import type {
  ChannelRule,
  ClientStats,
  Random,
  ReportedOutcome,
  SwitchyardClient,
} from './types.ts';

export interface ClientOptions {
  /** The monitor's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Every channel the gateway may use, with its static priority and business rules. */
  channels: ChannelRule[];
  /** Timers for reconnects and report batches; default the real one. */
  scheduler?: Scheduler;
  /** Default: the scheduler's clock. */
  clock?: Clock;
  /**
   * Fail-static: with the monitor unreachable the client keeps its last weights for this long,
   * then routes by static priority until the stream is back, skipping the channels the monitor
   * last said were down or in maintenance while another channel serves. Default 30 s.
   */
  staleAfterMs?: number;
  /** Draws for weighted picks; seed it for reproducible runs. Default: seeded from crypto. */
  rng?: Random;
  /** Jitter for reconnect delays; default: seeded from crypto. */
  backoffRng?: Random;
  /** Default: the `ws` package. */
  wsFactory?: WebSocketFactory;
  /** Default: global fetch. */
  fetch?: typeof fetch;
  token?: string;
  /**
   * A channel that answers this gateway with a maintenance code is taken out of its picks at once,
   * for this long, without waiting for the monitor's decision to come back (0: off). Default 3 s.
   */
  maintenanceHoldMs?: number;
  /** Follow the stream (default true); false makes a report-only client that routes statically. */
  follow?: boolean;
  /** Reconnect backoff, and how long a connection may bring nothing (not even a heartbeat) before it is replaced. */
  reconnect?: { baseMs?: number; maxMs?: number; idleTimeoutMs?: number };
  reporting?: {
    flushIntervalMs?: number;
    maxBatch?: number;
    maxBuffer?: number;
    requestTimeoutMs?: number;
    retryMs?: number;
  };
}

/** A client that follows a monitor over HTTP/WebSocket. */
export function createClient(opts: ClientOptions): SwitchyardClient {
  const scheduler = opts.scheduler ?? new RealScheduler();
  const clock = opts.clock ?? scheduler.clock;
  const staleAfterMs = opts.staleAfterMs ?? 30_000;
  const holdMs = opts.maintenanceHoldMs ?? 3_000;
  const router = new Router(opts.channels, opts.rng ?? seededRandom(cryptoSeed()));
  const listeners = new Set<(d: Decision) => void>();
  const reporter = new OutcomeReporter({
    url: opts.url,
    scheduler,
    fetch: opts.fetch,
    token: opts.token,
    ...opts.reporting,
  });

  const follower = new StreamFollower(
    {
      url: opts.url,
      scheduler,
      wsFactory: opts.wsFactory ?? defaultWsFactory,
      rng: opts.backoffRng ?? seededRandom(cryptoSeed()),
      baseBackoffMs: opts.reconnect?.baseMs,
      maxBackoffMs: opts.reconnect?.maxMs,
      idleTimeoutMs: opts.reconnect?.idleTimeoutMs,
      token: opts.token,
    },
    {
      snapshot(s: Snapshot, newEpoch: boolean) {
        // A new epoch means the monitor lost its history: whatever we held is not to be trusted over the snapshot.
        if (newEpoch) router.clearWeights();
        for (const c of s.channels ?? []) {
          if (!router.hasChannel(c.id))
            router.addRule({ id: c.id, pool: c.pool, priority: c.priority ?? 100 });
          router.setState(c.id, c.state);
        }
        for (const p of s.pools ?? []) router.setWeights(p.id, p.weights);
      },
      decision(d: Decision) {
        router.setWeights(d.pool, d.weights);
        router.setState(d.channel, d.to);
      },
      observed(d: Decision) {
        for (const fn of listeners) safely(fn, d);
      },
    },
  );
  if (opts.follow !== false) follower.start();

  const mode = () => (stale() ? 'static' : 'live');
  function stale(): boolean {
    if (follower.connected) return false;
    return (
      follower.downSince === null ||
      clock.now() - follower.downSince > staleAfterMs ||
      follower.epoch === null
    );
  }

  return {
    pick: (pool, order) => router.pick(pool, order, mode(), clock.now()),
    next: (pool, order, tried) => router.next(pool, order, tried, mode(), clock.now()),
    report(outcome: ReportedOutcome) {
      const at = outcome.at ?? clock.now();
      if (outcome.outcome === 'maintenance' && holdMs > 0)
        router.hold(outcome.channel, clock.now() + holdMs);
      reporter.report({ ...outcome, at });
    },
    weights: (pool) => router.weights(pool, mode(), clock.now()),
    onDecision(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    stats(): ClientStats {
      return {
        connected: follower.connected,
        stale: stale(),
        epoch: follower.epoch,
        seq: follower.seq,
        reconnects: follower.reconnects,
        reported: reporter.reported,
        dropped: reporter.dropped,
        refused: reporter.refused,
        buffered: reporter.buffered,
      };
    },
    async close() {
      follower.stop();
      await reporter.close();
    },
  };
}

const defaultWsFactory: WebSocketFactory = (url, headers) =>
  new WebSocket(url, { headers }) as unknown as WebSocketLike;

/** A listener that throws must not break the stream for the others. */
export function safely<T>(fn: (x: T) => void, x: T): void {
  try {
    fn(x);
  } catch {
    // the gateway's listener is its own business
  }
}

export function cryptoSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
