import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Decision } from '../core/decision.ts';
import type { Scheduler, Timer } from '../core/scheduler.ts';
import type { ChannelView, PoolView } from '../core/views.ts';
import {
  CLOSE_TRY_AGAIN_LATER,
  type ConnectionCapOptions,
  ConnectionCaps,
} from './ConnectionCaps.ts';
import { FanOut } from './FanOut.ts';
import { HttpError } from './HttpError.ts';
import { type Logger, silentLogger } from './Logger.ts';
import {
  type ClientStats,
  type Serialised,
  StreamClient,
  type StreamClientLimits,
} from './StreamClient.ts';
import { refuseUpgrade, streamQuery } from './streamRequest.ts';
import { writeGuard } from './writeGuard.ts';

/** What the stream reads from the engine (the Engine satisfies it). */
export interface StreamSource {
  readonly epoch: string;
  readonly seq: number;
  onDecision(fn: (d: Decision) => void): () => void;
  /** Decisions with seq > since, oldest first, or null when `since` is no longer retained. */
  decisions(since?: number, limit?: number): Decision[] | null;
  channels(): ChannelView[];
  pools(): PoolView[];
}

export interface DecisionStreamOptions extends ConnectionCapOptions {
  source: StreamSource;
  /** Runs the stats, flush and ping timers; inject a VirtualScheduler to drive them in tests. */
  scheduler: Scheduler;
  log?: Logger;
  /** URL path served; default `/v1/stream`. */
  path?: string;
  /** Period of `stats` messages; default 1 s. */
  statsIntervalMs?: number;
  /** Ping period; a client that has not answered the previous ping is terminated. Default 15 s. */
  pingIntervalMs?: number;
  /** While a client's socket holds more than this unsent, messages wait in its queue. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Queued messages per client; beyond this the backlog is dropped and a fresh snapshot sent instead. Default 1000. */
  maxQueue?: number;
  /** How often backlogged clients are retried; default 50 ms. */
  flushIntervalMs?: number;
  /** Sends made before a broadcast yields to the event loop (HTTP requests wait at most that long). Default 256. */
  fanOutSlice?: number;
  /** Largest frame a client may send (we expect none); larger ones close the socket. Default 4 KiB. */
  maxClientFrameBytes?: number;
  /**
   * Whether a browser page of `origin` may follow the stream (the upgrade's `Host` for the own
   * origin); a refused one gets 403 before the upgrade. Default: no Origin or the own origin only.
   */
  originAllowed?: (origin: string | undefined, host: string | undefined) => boolean;
}

export type { ClientStats } from './StreamClient.ts';

/**
 * `WS /v1/stream`: a snapshot, then the decisions since `?since=` if still retained, then live
 * decisions in seq order and periodic `stats` (unless `?stats=0`). Each message is serialised once for all clients.
 * A client that cannot keep up gets a bounded queue (StreamClient); a broadcast to thousands goes
 * out a slice at a time (FanOut), so that it never holds HTTP requests for long.
 */
export class DecisionStream {
  readonly path: string;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<StreamClient>();
  private readonly backlogged = new Set<StreamClient>();
  private readonly timers: Timer[] = [];
  private readonly unsubscribe: () => void;
  private readonly limits: StreamClientLimits;
  private readonly log: Logger;
  private readonly source: StreamSource;
  private readonly originAllowed: NonNullable<DecisionStreamOptions['originAllowed']>;
  private readonly caps: ConnectionCaps;
  private readonly fanOut: FanOut<StreamClient>;
  /** Snapshots sent because a backlog overflowed, since start. */
  resyncs = 0;

  constructor({
    source,
    scheduler,
    log = silentLogger,
    path = '/v1/stream',
    statsIntervalMs = 1000,
    pingIntervalMs = 15_000,
    maxBufferedBytes = 1_048_576,
    maxQueue = 1000,
    flushIntervalMs = 50,
    fanOutSlice = 256,
    maxClientFrameBytes = 4096,
    originAllowed = writeGuard().originAllowed,
    maxClients,
    maxClientsPerAddress,
  }: DecisionStreamOptions) {
    this.caps = new ConnectionCaps({ maxClients, maxClientsPerAddress });
    this.source = source;
    this.originAllowed = originAllowed;
    this.log = log;
    this.path = path;
    this.limits = {
      maxBufferedBytes,
      maxQueue,
      backlogged: (c) => this.backlogged.add(c),
      resynced: () => this.resyncs++,
    };
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxClientFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.wss.on('error', (err) => log.warn('stream server error', { error: String(err) }));
    // What streamQuery does not check before it (a malformed Sec-WebSocket-Protocol) is refused alike.
    this.wss.on('wsClientError', (err: Error, socket: Duplex) =>
      refuseUpgrade(socket, HttpError.invalid([{ path: 'headers', message: err.message }])),
    );
    this.fanOut = new FanOut({
      targets: () => [...this.clients],
      slice: fanOutSlice,
      maxItems: maxQueue,
      overflow: () => {
        // Too far behind: each client gets one snapshot, serialised once when the delivery starts.
        let snap: Serialised | undefined;
        return (c) => c.resyncWith(() => (snap ??= this.serialisedSnapshot()));
      },
      onError: (e) => log.warn('stream send failed', { error: String(e) }),
    });
    this.unsubscribe = source.onDecision((d) => {
      const data = Buffer.from(JSON.stringify(d));
      this.fanOut.push((c) => c.decision(d.seq, data));
    });
    this.timers.push(
      scheduler.setInterval(() => this.sendStats(scheduler.clock.now()), statsIntervalMs),
    );
    this.timers.push(scheduler.setInterval(() => this.flushBacklogged(), flushIntervalMs));
    this.timers.push(scheduler.setInterval(() => this.ping(scheduler.clock.now()), pingIntervalMs));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  clientStats(): ClientStats[] {
    return [...this.clients].map((c) => c.figures());
  }

  /** For the http server's `upgrade` event; returns false when the path is not the stream's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== this.path) return false;
    socket.on('error', () => socket.destroy());
    // A page on another site must not read the snapshot (overrides' notes and all) through a socket CORS does not guard.
    const origin = req.headers.origin;
    if (!this.originAllowed(origin, req.headers.host)) {
      refuseUpgrade(
        socket,
        new HttpError(
          403,
          'forbidden_origin',
          'this Origin may not follow the stream: list it under allowedOrigins in the config',
        ),
      );
      this.log.info('stream refused', { status: 403, origin: String(origin).slice(0, 100) });
      return true;
    }
    const query = streamQuery(req, url);
    if (query instanceof HttpError) {
      refuseUpgrade(socket, query);
      this.log.info('stream refused', { status: 400, message: query.message.slice(0, 200) });
      return true;
    }
    const { since, stats } = query;
    const address = req.socket.remoteAddress ?? '';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const full = this.caps.take(address);
      if (full === null) return this.accept(ws, address, since, stats);
      // Upgraded, then closed with "try again later": a client library sees a code it backs off on.
      this.log.warn('stream full', { cap: full, clients: this.clients.size, address });
      ws.on('error', () => ws.terminate());
      ws.close(
        CLOSE_TRY_AGAIN_LATER,
        full === 'total' ? 'stream full' : 'too many from this address',
      );
      setTimeout(() => ws.terminate(), 1000).unref();
    });
    return true;
  }

  private accept(ws: WebSocket, address: string, since: number | undefined, stats: boolean): void {
    const client = new StreamClient(ws, stats, this.limits);
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    // Clients have nothing to say; whatever they send is ignored, bad frames close only their socket.
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.caps.release(address);
      this.clients.delete(client);
      this.backlogged.delete(client);
      client.forget();
    });
    // Snapshot, replay and subscription happen in one synchronous step: no decision can fall between.
    const snap = this.snapshot();
    client.send(Buffer.from(JSON.stringify(snap)), false);
    if (since !== undefined && since < snap.seq) {
      const missed = this.source.decisions(since);
      if (missed)
        for (const d of missed)
          if (d.seq > since && d.seq <= snap.seq)
            client.send(Buffer.from(JSON.stringify(d)), false);
    }
    client.seq = snap.seq;
  }

  private snapshot() {
    return {
      type: 'snapshot' as const,
      epoch: this.source.epoch,
      seq: this.source.seq,
      channels: this.source.channels(),
      pools: this.source.pools(),
    };
  }

  private serialisedSnapshot(): Serialised {
    const snap = this.snapshot();
    return { seq: snap.seq, data: Buffer.from(JSON.stringify(snap)) };
  }

  private flushBacklogged(): void {
    let snap: Serialised | undefined;
    for (const c of this.backlogged)
      if (c.flush(() => (snap ??= this.serialisedSnapshot()))) this.backlogged.delete(c);
  }

  private sendStats(at: number): void {
    if (this.clients.size === 0) return;
    const channels = this.source
      .channels()
      .map(({ id, state, weight, windows }) => ({ id, state, weight, windows }));
    const data = Buffer.from(JSON.stringify({ type: 'stats', at, channels }));
    this.fanOut.push((c) => {
      if (c.wantsStats) c.send(data, true);
    }, 'stats');
  }

  private ping(at: number): void {
    // Decision-only clients would otherwise hear nothing in a quiet hour: a heartbeat with the
    // current seq lets them tell a silent monitor from a dead connection.
    const heartbeat = Buffer.from(JSON.stringify({ type: 'heartbeat', seq: this.source.seq, at }));
    this.fanOut.push((c) => {
      if (!c.open) return;
      if (!c.alive) {
        this.log.info('stream client dropped', { reason: 'no pong' });
        c.ws.terminate();
        return;
      }
      c.alive = false;
      c.ws.ping();
      if (!c.wantsStats) c.send(heartbeat, true);
    }, 'ping');
  }

  /** Stops the timers and closes every client with 1001 (going away). */
  async close(): Promise<void> {
    this.unsubscribe();
    this.fanOut.stop();
    for (const t of this.timers) t.cancel();
    const closing = [...this.clients].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === 3) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1001, 'server shutting down');
          // A client that never answers the close handshake is cut off.
          const t = setTimeout(() => c.ws.terminate(), 500);
          t.unref();
          c.ws.once('close', () => clearTimeout(t));
        }),
    );
    await Promise.all(closing);
    this.wss.close();
  }
}
