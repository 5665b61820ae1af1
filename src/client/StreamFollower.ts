import type { Decision } from '../core/decision.ts';
import type { Scheduler, Timer } from '../core/scheduler.ts';
import type { ChannelView, PoolView } from '../core/views.ts';
import type { Random } from './types.ts';

/** The few members of a WebSocket the follower uses: both the `ws` package and the WHATWG WebSocket fit. */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

/**
 * Opens a socket; `headers` go on the upgrade request (the token, as `Authorization`, never in the
 * URL where proxies and access logs keep it). A browser's WebSocket cannot send headers: it
 * relies on the page's own origin instead.
 */
export type WebSocketFactory = (url: string, headers: Record<string, string>) => WebSocketLike;

/** The first message of WS /v1/stream (CONTRACT.md). */
export interface Snapshot {
  type: 'snapshot';
  epoch: string;
  seq: number;
  channels: ChannelView[];
  pools: PoolView[];
}

export interface StreamHandlers {
  /** A snapshot: the truth as of `seq`. `newEpoch` when history was lost and earlier state must be forgotten. */
  snapshot(s: Snapshot, newEpoch: boolean): void;
  /** A decision past the snapshot, in seq order, to apply. */
  decision(d: Decision): void;
  /** Every decision seen, replayed ones included, for listeners. */
  observed(d: Decision): void;
}

export interface StreamFollowerOptions {
  /** The monitor's base URL (http or ws scheme). */
  url: string;
  scheduler: Scheduler;
  wsFactory: WebSocketFactory;
  /** Jitter for reconnect delays, so that a fleet of gateways does not reconnect in lockstep. */
  rng: Random;
  /** First reconnect delay; each failure doubles it up to {@link maxBackoffMs}. Actual delay is uniform in [d/2, d]. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Sent as `Authorization: Bearer` on the upgrade request. */
  token?: string;
  /**
   * A connection that brings nothing (not even the monitor's heartbeat, every 15 s) for this long
   * is taken for dead and replaced: a half-open TCP connection must not freeze the weights.
   * Default 45 s.
   */
  idleTimeoutMs?: number;
}

/**
 * Follows WS /v1/stream: applies the snapshot, then decisions in seq order; on a gap or a dropped
 * connection reconnects with `?since=seq` after a jittered, growing delay.
 */
export class StreamFollower {
  epoch: string | null = null;
  seq = 0;
  connected = false;
  /** When the follower last lost (or first failed to get) its connection; null while connected. */
  downSince: number | null;
  reconnects = 0;
  private sock: WebSocketLike | null = null;
  private timer: Timer | null = null;
  private idle: Timer | null = null;
  private attempt = 0;
  private stopped = false;
  private readonly base: number;
  private readonly max: number;

  constructor(
    private readonly opts: StreamFollowerOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.base = opts.baseBackoffMs ?? 250;
    this.max = opts.maxBackoffMs ?? 10_000;
    this.downSince = opts.scheduler.clock.now();
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.idle?.cancel();
    this.idle = null;
    const s = this.sock;
    this.sock = null;
    this.connected = false;
    if (s) {
      detach(s);
      try {
        s.close();
      } catch {
        // closing a socket that never opened may throw in some implementations; nothing to do.
      }
    }
  }

  /** The delay before reconnect attempt `n` (0-based): uniform in [d/2, d], d = min(max, base·2^n). */
  backoffMs(n: number): number {
    const d = Math.min(this.max, this.base * 2 ** Math.min(n, 30));
    return d / 2 + this.opts.rng() * (d / 2);
  }

  private streamUrl(): string {
    const u = new URL(this.opts.url.replace(/\/$/, '') + '/v1/stream');
    if (u.protocol === 'http:') u.protocol = 'ws:';
    else if (u.protocol === 'https:') u.protocol = 'wss:';
    // A gateway needs decisions only: skipping the dashboard's stats keeps fan-out fast.
    u.searchParams.set('stats', '0');
    if (this.epoch !== null) u.searchParams.set('since', String(this.seq));
    return u.toString();
  }

  private connect(): void {
    if (this.stopped) return;
    let sock: WebSocketLike;
    try {
      const headers: Record<string, string> = this.opts.token
        ? { authorization: `Bearer ${this.opts.token}` }
        : {};
      sock = this.opts.wsFactory(this.streamUrl(), headers);
    } catch {
      this.lost(null);
      return;
    }
    this.sock = sock;
    this.watch(sock);
    sock.onmessage = (ev) => this.message(sock, ev.data);
    sock.onclose = () => this.lost(sock);
    sock.onerror = () => this.lost(sock);
  }

  /** (Re)arm the idle watchdog of `sock`: connecting and every frame count as signs of life. */
  private watch(sock: WebSocketLike): void {
    this.idle?.cancel();
    this.idle = this.opts.scheduler.setTimeout(() => {
      this.idle = null;
      if (sock === this.sock) this.lost(sock);
    }, this.opts.idleTimeoutMs ?? 45_000);
  }

  private message(sock: WebSocketLike, data: unknown): void {
    if (sock !== this.sock) return;
    this.watch(sock);
    let msg: { type?: unknown; seq?: unknown; epoch?: unknown };
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return; // a frame we cannot read is not worth the connection
    }
    if (msg.type === 'snapshot' && typeof msg.epoch === 'string' && typeof msg.seq === 'number') {
      const s = msg as Snapshot;
      // The same epoch resumes by seq (the replay follows, observed once). Only a new epoch, or
      // an epoch whose seq went back (history it vouched for is gone), means start afresh.
      const newEpoch = s.epoch !== this.epoch || s.seq < this.seq;
      this.epoch = s.epoch;
      this.seq = s.seq;
      this.connected = true;
      this.downSince = null;
      this.attempt = 0;
      this.handlers.snapshot(s, newEpoch);
    } else if (msg.type === 'decision' && typeof msg.seq === 'number' && this.epoch !== null) {
      const d = msg as Decision;
      if (d.seq <= this.seq) {
        this.handlers.observed(d); // replay, already in the snapshot
        return;
      }
      if (d.seq > this.seq + 1) {
        // A gap: resume from what we have rather than apply out of order.
        this.drop(sock);
        this.attempt = 0;
        this.schedule(0);
        return;
      }
      this.seq = d.seq;
      this.handlers.decision(d);
      this.handlers.observed(d);
    }
  }

  private lost(sock: WebSocketLike | null): void {
    if (sock && sock !== this.sock) return;
    if (sock) this.drop(sock);
    if (this.stopped) return;
    this.schedule(this.backoffMs(this.attempt++));
  }

  private drop(sock: WebSocketLike): void {
    detach(sock);
    try {
      sock.close();
    } catch {
      // already closed
    }
    if (this.sock === sock) this.sock = null;
    if (this.connected) this.downSince = this.opts.scheduler.clock.now();
    this.connected = false;
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = this.opts.scheduler.setTimeout(() => {
      this.timer = null;
      this.reconnects++;
      this.connect();
    }, ms);
  }
}

function detach(s: WebSocketLike): void {
  s.onopen = s.onmessage = s.onclose = s.onerror = null;
}
