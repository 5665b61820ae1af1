// Keeps the DashboardState in step with the monitor: applies what the stream sends, and reads
// over REST what it does not carry (decisions before the page opened, overrides, maintenance
// windows, injected faults). A failed read changes nothing: the next poll or reconnect retries.

/** The list in a response that is either the list itself or an object holding it under a key. */
export function unwrapList(body, ...keys) {
  if (Array.isArray(body)) return body;
  for (const k of keys) if (Array.isArray(body?.[k])) return body[k];
  return [];
}

export class MonitorLoader {
  /**
   * @param {object} o
   * @param {import('./DashboardState.js').DashboardState} o.state the model it fills
   * @param {() => void} o.onChange called after each change to the state (the page redraws)
   * @param {typeof fetch} [o.fetchImpl]
   */
  constructor({ state, onChange, fetchImpl = (...a) => fetch(...a) }) {
    this.state = state;
    this.onChange = onChange;
    this.fetch = fetchImpl;
    /** False once the monitor answered 404: without the simulator attached there are no faults. */
    this.faultsAvailable = true;
  }

  /**
   * Applies one stream message at local time `localNow` and starts the reads it calls for.
   * Returns when those reads have settled (the page does not wait; tests do).
   */
  onMessage(msg, localNow) {
    const reads = [];
    switch (msg.type) {
      case 'snapshot': {
        const { epochChanged, first } = this.state.applySnapshot(msg, localNow);
        // A new page, or a monitor that restarted: the timeline before the snapshot is read back.
        if (first || epochChanged) reads.push(this.decisions());
        reads.push(this.maintenance(), this.channels());
        break;
      }
      case 'decision':
        this.state.applyDecision(msg);
        // Overrides and maintenance windows carry details the decision does not.
        if (/^manual|^maintenance/.test(msg.reason))
          reads.push(this.channels(), this.maintenance());
        break;
      case 'stats':
        this.state.applyStats(msg, localNow);
        break;
      default:
        return Promise.resolve(); // a message type this page does not know yet
    }
    this.onChange();
    return Promise.all(reads).then(() => undefined);
  }

  /** The last 200 decisions before the current seq, for the timeline. */
  async decisions() {
    const since = Math.max(0, this.state.seq - 200);
    try {
      const body = await this.#getJson(`/v1/decisions?since=${since}&limit=200`);
      this.state.addDecisions(body.decisions);
      this.onChange();
    } catch {
      // The timeline fills from the stream anyway; the next reconnect retries.
    }
  }

  /** Whole channel views: overrides and trial times the stream leaves out. */
  async channels() {
    try {
      const body = await this.#getJson('/v1/channels');
      this.state.applyChannels(body.channels);
      this.onChange();
    } catch {
      // Stats keep the tiles current; overrides show on the next poll.
    }
  }

  async maintenance() {
    try {
      const body = await this.#getJson('/v1/maintenance');
      this.state.applyMaintenance(unwrapList(body, 'maintenance', 'windows'));
      this.onChange();
    } catch {
      // Shown again on the next poll.
    }
  }

  async faults() {
    if (!this.faultsAvailable) return;
    try {
      this.state.applyFaults(unwrapList(await this.#getJson('/v1/faults'), 'faults'));
      this.onChange();
    } catch (e) {
      if (e.status === 404) this.faultsAvailable = false;
    }
  }

  async #getJson(path) {
    const res = await this.fetch(path, { headers: { accept: 'application/json' } });
    if (!res.ok)
      throw Object.assign(new Error(`${path}: HTTP ${res.status}`), { status: res.status });
    return res.json();
  }
}
