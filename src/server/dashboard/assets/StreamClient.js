// Follows /v1/stream and survives monitor restarts: reconnects with capped, jittered backoff,
// resumes with ?since= so no decision is missed, and treats a silent socket as a dead one.

/**
 * Delay before reconnect attempt `attempt` (1-based): base·2^(attempt-1), capped, with up to
 * half of it as jitter so a wall of screens does not reconnect in lockstep after a restart.
 * @param {number} attempt
 * @param {number} random a number in [0, 1)
 */
export function backoffDelay(attempt, random, { baseMs = 250, maxMs = 10_000 } = {}) {
  const raw = Math.min(maxMs, baseMs * Math.pow(2, Math.max(0, attempt - 1)));
  return Math.round(raw / 2 + (raw / 2) * random);
}

/** ws:// or wss:// URL of the stream for a page served at `location`, resuming after `since`. */
export function streamUrl(location, since) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = since > 0 ? `?since=${since}` : '';
  return `${proto}//${location.host}/v1/stream${q}`;
}

export class StreamClient {
  /**
   * @param {object} o
   * @param {() => string} o.url the URL to connect to (called on every attempt: `since` moves)
   * @param {(msg: any) => void} o.onMessage
   * @param {(status: {connected: boolean, attempt: number, retryInMs?: number}) => void} o.onStatus
   * @param {number} [o.staleMs] no message for this long closes the socket: stats come about 2/s
   * @param {typeof WebSocket} [o.WebSocketImpl]
   * @param {() => number} [o.random]
   */
  constructor({
    url,
    onMessage,
    onStatus,
    staleMs = 6000,
    WebSocketImpl = WebSocket,
    random = Math.random,
  }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.staleMs = staleMs;
    this.WebSocketImpl = WebSocketImpl;
    this.random = random;
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.watchdog = null;
    this.lastMessage = 0;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.#connect();
    this.watchdog = setInterval(() => this.#checkStale(), 1000);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    if (this.ws) this.ws.close();
  }

  #connect() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url());
    } catch {
      this.#retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastMessage = Date.now();
    };
    ws.onmessage = (ev) => {
      this.lastMessage = Date.now();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // one bad frame must not take the page down
      }
      if (msg && msg.type === 'snapshot') {
        this.attempt = 0;
        this.onStatus({ connected: true, attempt: 0 });
      }
      this.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.stopped) this.#retry();
    };
    // onclose follows every error; the retry is scheduled there.
    ws.onerror = () => {};
  }

  #retry() {
    this.attempt++;
    const retryInMs = backoffDelay(this.attempt, this.random());
    this.onStatus({ connected: false, attempt: this.attempt, retryInMs });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.#connect(), retryInMs);
  }

  #checkStale() {
    if (this.ws && this.ws.readyState === 1 && Date.now() - this.lastMessage > this.staleMs) {
      // A half-open TCP connection (laptop slept, proxy dropped it) never closes by itself, and
      // its close handshake may hang too: let go of it and reconnect now.
      const dead = this.ws;
      this.ws = null;
      dead.close();
      this.#retry();
    }
  }
}
