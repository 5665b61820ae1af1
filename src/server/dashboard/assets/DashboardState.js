// What the page knows, built from stream messages. Pure: every method takes the local time it
// needs, so the model is unit-tested in Node without a browser or a clock.

/**
 * How urgently a state needs a human, for ordering the "sick" summary worst first. Not the core's
 * SEVERITY (src/core/ChannelState.ts), which picks the least bad channel in a panic: there
 * maintenance ranks worst (no traffic may go there), here nearly last (someone planned it).
 */
export const ATTENTION_ORDER = { down: 4, probing: 3, degraded: 2, maintenance: 1, healthy: 0 };

export class DashboardState {
  /**
   * @param {object} [options]
   * @param {number} [options.historyMs] how much chart history to keep per channel (default 15 min)
   * @param {number} [options.maxDecisions] how many decisions the timeline keeps (default 500)
   */
  constructor({ historyMs = 15 * 60_000, maxDecisions = 500 } = {}) {
    this.historyMs = historyMs;
    this.maxDecisions = maxDecisions;
    /** @type {string|null} */
    this.epoch = null;
    this.seq = 0;
    /** id → ChannelView as last seen (state, since, weight, windows, override…) */
    this.channels = new Map();
    /** PoolView[] in the monitor's order */
    this.pools = [];
    /** id → [{ t, success, error, p95, total }] oldest first */
    this.history = new Map();
    /** Decision[] oldest first, unique by seq within the epoch */
    this.decisions = [];
    /** Times (server clock) at which the monitor came back with a new epoch: history before is another life. */
    this.restarts = [];
    this.maintenance = [];
    this.faults = [];
    /** server clock − local clock, learnt from stats messages; the page shows server time. */
    this.offset = 0;
    this.lastMessageAt = 0;
  }

  /** Server time now, from the local clock and the learnt offset. */
  serverNow(localNow) {
    return localNow + this.offset;
  }

  /**
   * Takes a snapshot as the truth. A new epoch means the monitor lost its history (restart):
   * the timeline is cleared and the caller refetches it. Returns whether the epoch changed.
   */
  applySnapshot(msg, localNow) {
    this.lastMessageAt = localNow;
    const epochChanged = this.epoch !== null && msg.epoch !== this.epoch;
    const first = this.epoch === null;
    if (epochChanged) {
      this.decisions = [];
      this.restarts.push(this.serverNow(localNow));
    }
    this.epoch = msg.epoch;
    this.seq = msg.seq;
    this.pools = Array.isArray(msg.pools) ? msg.pools : [];
    const seen = new Set();
    for (const ch of msg.channels || []) {
      seen.add(ch.id);
      this.channels.set(ch.id, { ...ch });
      if (!this.history.has(ch.id)) this.history.set(ch.id, []);
      this.#sample(ch.id, this.serverNow(localNow), ch.windows);
    }
    // A channel removed from the config goes away with the new snapshot.
    for (const id of [...this.channels.keys()]) if (!seen.has(id)) this.channels.delete(id);
    return { epochChanged, first };
  }

  /** Adds decisions fetched over HTTP (GET /v1/decisions), oldest first. */
  addDecisions(list) {
    for (const d of list || []) this.applyDecision(d, { replay: true });
  }

  /**
   * Applies one decision. Replayed or refetched decisions older than the snapshot only feed the
   * timeline; live ones also move the channel. Returns false for a duplicate.
   */
  applyDecision(d, { replay = false } = {}) {
    if (this.decisions.some((x) => x.seq === d.seq)) return false;
    let i = this.decisions.length;
    while (i > 0 && this.decisions[i - 1].seq > d.seq) i--;
    this.decisions.splice(i, 0, d);
    if (this.decisions.length > this.maxDecisions)
      this.decisions.splice(0, this.decisions.length - this.maxDecisions);
    if (!replay || d.seq > this.seq) {
      this.seq = Math.max(this.seq, d.seq);
      const ch = this.channels.get(d.channel);
      if (ch) {
        if (ch.state !== d.to) ch.since = d.at;
        ch.state = d.to;
        ch.reason = d.reason;
        if (d.reason === 'manual_expired' || (d.reason === 'manual' && d.to !== ch.override?.state))
          delete ch.override;
      }
      const pool = this.pools.find((p) => p.id === d.pool);
      if (pool && d.weights) pool.weights = { ...d.weights };
      if (pool) pool.panic = Boolean(d.panic);
      for (const [id, w] of Object.entries(d.weights || {})) {
        const c = this.channels.get(id);
        if (c) c.weight = w;
      }
    }
    return true;
  }

  /** Applies a `stats` message: figures per window, state and weight; one chart point per channel. */
  applyStats(msg, localNow) {
    this.lastMessageAt = localNow;
    if (Number.isFinite(msg.at)) this.offset = msg.at - localNow;
    const at = Number.isFinite(msg.at) ? msg.at : this.serverNow(localNow);
    for (const s of msg.channels || []) {
      const ch = this.channels.get(s.id);
      if (!ch) continue;
      if (s.state && s.state !== ch.state) {
        // The decision is on its way or was missed; the state itself is authoritative.
        ch.state = s.state;
        ch.since = at;
      }
      if (Number.isFinite(s.weight)) ch.weight = s.weight;
      if (s.windows) ch.windows = s.windows;
      if (s.override !== undefined) ch.override = s.override;
      this.#sample(s.id, at, s.windows);
    }
  }

  /** Merges GET /v1/channels: the fields the stream does not carry (override, until, since). */
  applyChannels(list) {
    for (const c of list || []) {
      // Whole views: a field the monitor left out (a lifted override) must go.
      if (this.channels.has(c.id)) this.channels.set(c.id, { ...c });
    }
  }

  /** Takes GET /v1/maintenance's windows as the whole list. */
  applyMaintenance(list) {
    this.maintenance = Array.isArray(list) ? [...list] : [];
  }

  /** Takes GET /v1/faults as the whole list; a fault without a start cannot be drawn. */
  applyFaults(list) {
    this.faults = (Array.isArray(list) ? list : []).filter((f) => Number.isFinite(f?.from));
  }

  /** Channels in pool order (the monitor's), then any not in a pool. */
  orderedChannels() {
    const out = [];
    const seen = new Set();
    for (const p of this.pools)
      for (const id of p.channels || []) {
        const ch = this.channels.get(id);
        if (ch && !seen.has(id)) out.push(ch), seen.add(id);
      }
    for (const ch of this.channels.values()) if (!seen.has(ch.id)) out.push(ch);
    return out;
  }

  /** Channels not healthy, worst first, each with its latest decision (the "why"). */
  sick() {
    return this.orderedChannels()
      .filter((ch) => ch.state !== 'healthy')
      .sort(
        (a, b) =>
          (ATTENTION_ORDER[b.state] ?? 0) - (ATTENTION_ORDER[a.state] ?? 0) || a.since - b.since,
      )
      .map((ch) => ({ channel: ch, decision: this.lastDecisionFor(ch.id) }));
  }

  lastDecisionFor(id) {
    for (let i = this.decisions.length - 1; i >= 0; i--)
      if (this.decisions[i].channel === id) return this.decisions[i];
    return null;
  }

  /** Maintenance windows in force or draining at server time `now`. */
  activeMaintenance(now) {
    return this.maintenance.filter((m) => m.from - (m.leadMs || 0) <= now && now < m.to);
  }

  #sample(id, at, windows) {
    const w = windows?.['10s'];
    if (!w) return;
    const list = this.history.get(id) ?? [];
    this.history.set(id, list);
    // An empty window has no rate: a gap in the chart, not a drop to zero.
    const has = w.total > 0;
    const point = {
      t: at,
      total: w.total,
      success: has ? w.successRate : null,
      error: has ? w.errorRate : null,
      p95: has ? w.p95Ms : null,
    };
    if (list.length && list[list.length - 1].t >= at) list[list.length - 1] = point;
    else list.push(point);
    const cut = at - this.historyMs;
    let drop = 0;
    while (drop < list.length && list[drop].t < cut) drop++;
    if (drop) list.splice(0, drop);
  }
}
