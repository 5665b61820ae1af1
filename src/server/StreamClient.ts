import type { WebSocket } from 'ws';

/** A snapshot serialised once for every client it goes to. */
export interface Serialised {
  seq: number;
  data: Buffer;
}

/** Per-client figures for tests and diagnostics. */
export interface ClientStats {
  queued: number;
  bufferedAmount: number;
  resync: boolean;
}

export interface StreamClientLimits {
  /** While the socket holds more than this unsent, messages wait in the queue. */
  maxBufferedBytes: number;
  /** Queued messages before the backlog is dropped for a fresh snapshot. */
  maxQueue: number;
  /** The client has something waiting: retry it with `flush` until that says it is done. */
  backlogged(c: StreamClient): void;
  /** Its backlog was dropped for a snapshot. */
  resynced(): void;
}

/**
 * One follower of the stream and what it has not been sent yet: a bounded queue while its socket
 * is full, and when that overflows, nothing but a fresh snapshot (so a slow reader costs at most
 * maxBufferedBytes + maxQueue messages).
 */
export class StreamClient {
  /** Answered the last ping. */
  alive = true;
  /** The last decision seq it was given or its snapshot covered: a broadcast still under way skips older ones. */
  seq = 0;
  private queue: Buffer[] = [];
  /** The backlog was dropped: the next thing this client gets is a fresh snapshot. */
  private resync = false;

  constructor(
    readonly ws: WebSocket,
    /** Wants `stats` messages (default; `?stats=0` opts out, e.g. gateways that only follow decisions). */
    readonly wantsStats: boolean,
    private readonly limits: StreamClientLimits,
  ) {}

  get open(): boolean {
    return this.ws.readyState === 1;
  }

  figures(): ClientStats {
    return {
      queued: this.queue.length,
      bufferedAmount: this.ws.bufferedAmount,
      resync: this.resync,
    };
  }

  /** A decision, once: one its snapshot (or an earlier send) covered is skipped. */
  decision(seq: number, data: Buffer): void {
    if (seq <= this.seq) return;
    this.seq = seq;
    this.send(data, false);
  }

  /** Droppable messages (stats, heartbeats) are never queued: a backlogged client simply misses them. */
  send(data: Buffer, droppable: boolean): void {
    if (!this.open || this.resync) return;
    if (this.queue.length === 0 && this.ws.bufferedAmount <= this.limits.maxBufferedBytes) {
      this.ws.send(data, { binary: false });
      return;
    }
    if (droppable) return;
    if (this.queue.length < this.limits.maxQueue) {
      this.queue.push(data);
      this.limits.backlogged(this);
    } else {
      this.limits.resynced();
      this.dropBacklog();
    }
  }

  /** `snap` in place of everything waiting, now if the socket has room, else on a later flush. */
  resyncWith(snap: () => Serialised): void {
    if (!this.open) return;
    if (!this.resync) this.limits.resynced();
    if (!this.resend(snap)) this.dropBacklog();
  }

  /** Sends what waits while the socket has room; true when nothing waits any more (or it is gone). */
  flush(snap: () => Serialised): boolean {
    if (!this.open) return true;
    if (this.resync) return this.resend(snap);
    while (this.queue.length && this.ws.bufferedAmount <= this.limits.maxBufferedBytes)
      this.ws.send(this.queue.shift()!, { binary: false });
    return this.queue.length === 0;
  }

  /** Forgets what waits (the socket closed). */
  forget(): void {
    this.queue = [];
  }

  private dropBacklog(): void {
    this.queue = [];
    this.resync = true;
    this.limits.backlogged(this);
  }

  private resend(snap: () => Serialised): boolean {
    // Half the limit, so that a client hovering at the edge is not re-snapshotted every tick.
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes / 2) return false;
    const s = snap();
    this.resync = false;
    this.queue = [];
    this.seq = s.seq;
    this.ws.send(s.data, { binary: false });
    return true;
  }
}
