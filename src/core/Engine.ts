import { ChannelMonitor, LONG, MAX_TIMEOUT_N, SHORT } from './ChannelMonitor.ts';
import type { ChannelState, Trip } from './ChannelState.ts';
import type { Clock } from './clock.ts';
import type { CodeClassifier } from './codes/index.ts';
import type { ChannelStateName, Decision, DecisionReason, Evidence } from './decision.ts';
import { round } from './round.ts';
import {
  clearOfDegrade,
  healthSamples,
  instantCodeTrip,
  latencyTrip,
  riskSpikeTrip,
  techFailures,
  timeoutRule,
  timeoutsTrip,
} from './detectors/rules.ts';
import { EngineError } from './errors.ts';
import { type EngineOptions, type PoolOptions, mergeDeep } from './options.ts';
import {
  ERROR,
  MAINTENANCE,
  NEUTRAL,
  type Outcome,
  RISK_REJECT,
  SUCCESS,
  TIMEOUT,
  recordedClassId,
} from './outcome.ts';
import type {
  ChannelTotals,
  ChannelView,
  MaintenanceWindow,
  OverrideView,
  PoolView,
} from './views.ts';
import { latencyBin } from './window/LatencyHistogram.ts';
import { computeWeights } from './weights.ts';

export interface EngineDeps {
  clock: Clock;
  /** Identifies this history; a new epoch tells clients their `seq` no longer applies. */
  epoch?: string;
}

interface Pool {
  options: PoolOptions;
  members: ChannelMonitor[];
  weights: Record<string, number>;
  panic: boolean;
}

export type DecisionListener = (decision: Decision) => void;

/**
 * The detection core: outcomes in, decisions out. `record` updates a channel's windows and runs
 * its detectors at once (a decision can leave within the call that carried the evidence);
 * `tick` takes the steps that only time triggers. No I/O, no timers: the caller owns both.
 */
export class Engine {
  readonly epoch: string;
  private readonly clock: Clock;
  private readonly list: ChannelMonitor[];
  private readonly byId = new Map<string, ChannelMonitor>();
  private readonly poolsById = new Map<string, Pool>();
  private readonly listeners: DecisionListener[] = [];
  private readonly log: Decision[] = [];
  private readonly windows = new Map<string, MaintenanceWindow>();
  private windowSeq = 0;
  private lastTick: number;
  seq = 0;

  constructor(
    private readonly options: EngineOptions,
    { clock, epoch = globalThis.crypto.randomUUID() }: EngineDeps,
  ) {
    this.clock = clock;
    this.epoch = epoch;
    const now = clock.now();
    this.lastTick = now;
    for (const p of options.pools) {
      if (p.split.length === 0 || p.split.some((s) => !(s > 0)))
        throw new EngineError(
          'bad_option',
          `pool ${p.id}: split must be positive shares, got ${JSON.stringify(p.split)}`,
        );
      this.poolsById.set(p.id, { options: p, members: [], weights: {}, panic: false });
    }
    this.list = options.channels.map((c, i) => {
      if (this.byId.has(c.id))
        throw new EngineError('bad_option', `channel ${c.id} is configured twice`);
      const pool = this.poolsById.get(c.pool);
      if (!pool)
        throw new EngineError('unknown_pool', `channel ${c.id}: pool ${c.pool} is not configured`);
      const ch = new ChannelMonitor(
        i,
        c,
        mergeDeep(options.detectors, pool.options.detectors),
        options.bucketMs,
        now,
      );
      this.byId.set(c.id, ch);
      pool.members.push(ch);
      return ch;
    });
    for (const pool of this.poolsById.values()) this.reweigh(pool);
  }

  // ---- lookup ---------------------------------------------------------------------------------

  hasChannel(id: string): boolean {
    return this.byId.has(id);
  }

  channelIndex(id: string): number {
    return this.channel(id).index;
  }

  classifier(id: string): CodeClassifier {
    return this.channel(id).classifier;
  }

  onDecision(listener: DecisionListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  // ---- recording ------------------------------------------------------------------------------

  /** Record a validated outcome (see parseOutcomes). */
  record(o: Outcome): void {
    const ch = this.channel(o.channel);
    const cls = recordedClassId(o.outcome);
    if (o.unknownCode) ch.unknownCodes++;
    const instant = o.code !== undefined && ch.instantCodes.has(ch.classifier.normalize(o.code));
    const failure = cls === ERROR || cls === TIMEOUT || cls === MAINTENANCE;
    let local = false;
    if (
      (o.store !== undefined || o.terminal !== undefined) &&
      cls !== NEUTRAL &&
      o.source !== 'probe'
    ) {
      local = ch.local.observe(o.at, failure, o.store, o.terminal);
    }
    // A gateway's retry of an order that just failed here is not fresh evidence: the same
    // customer, terminal and path failing twice would otherwise read as "2 timeouts in 3 calls".
    if (failure && o.orderId !== undefined) {
      if (o.orderId === ch.lastFailedOrder) local = true;
      ch.lastFailedOrder = o.orderId;
    }
    // A sender's clock running ahead must not drag the windows forward (and every honest event
    // behind them into "late"): an event from the future counts as now.
    const now = this.clock.now();
    this.recordRaw(
      ch.index,
      cls,
      o.latencyMs,
      Math.min(o.at, now),
      o.source === 'probe',
      instant,
      local,
      o.code,
    );
  }

  /**
   * The hot path: channel by index, class by id (outcome.ts). `local` marks a failure that is
   * not the channel's (judged local to a store or terminal, or a retry's repeat): counted in the
   * windows, never held against the channel.
   */
  recordRaw(
    index: number,
    cls: number,
    latencyMs: number,
    at: number,
    probe = false,
    instant = false,
    local = false,
    code?: string,
  ): void {
    const ch = this.list[index];
    ch.latencySumMs += latencyMs;
    if (!ch.ring.record(at, cls, latencyBin(latencyMs), probe, instant)) {
      ch.late++;
      return;
    }
    if (cls === NEUTRAL || local) return;
    const s = ch.state;
    if (ch.override !== null || s.state === 'maintenance') return;
    const failure = cls === ERROR || cls === TIMEOUT || cls === MAINTENANCE;
    if (probe) ch.probeFailStreak = failure ? ch.probeFailStreak + 1 : 0;
    switch (s.state) {
      case 'down':
        return;
      case 'probing':
        if (failure)
          this.eject(ch, {
            to: 'down',
            reason: 'trial_failed',
            urgent: true,
            evidence: { trials: s.trials, code: code ?? cls, source: probe ? 'probe' : 'live' },
          });
        else if (++s.trials >= this.options.states.trialSuccesses)
          this.recover(ch, { trials: s.trials });
        return;
      case 'healthy':
      case 'degraded': {
        const trip = this.detect(ch, s, cls, failure, latencyMs, probe, instant, code);
        if (trip) this.apply(ch, trip);
        return;
      }
    }
  }

  private detect(
    ch: ChannelMonitor,
    s: ChannelState,
    cls: number,
    failure: boolean,
    latencyMs: number,
    probe: boolean,
    instant: boolean,
    code: string | undefined,
  ): Trip | null {
    const d = ch.detectors;
    const last = probe ? ch.probeLast : ch.liveLast;
    last.push(cls);
    const level = ch.errors.push(failure);
    if (cls === MAINTENANCE) {
      return {
        to: 'down',
        reason: 'maintenance_code',
        urgent: true,
        evidence: { code: code ?? 'maintenance', source: probe ? 'probe' : 'live' },
      };
    }
    if (cls === TIMEOUT) {
      // Live payments answering since the last probe timeout contradict the probes: the probe
      // path is what is slow, not the channel (live evidence outranks synthetic evidence).
      const contradicted = probe && ch.lastLiveSuccessAt > ch.lastProbeTimeoutAt;
      if (probe) ch.lastProbeTimeoutAt = this.clock.now();
      const t = contradicted
        ? null
        : timeoutsTrip(
            last,
            ch.timeoutRule,
            d.timeouts,
            ch.ratePerSec(),
            probe ? 'probe' : 'live',
            ch.timeoutBaseline,
          );
      if (t) return t;
    } else if (!probe && cls === SUCCESS) {
      ch.lastLiveSuccessAt = this.clock.now();
    }
    if (probe && ch.probeFailStreak >= d.probes.consecutiveFailures) {
      return {
        to: 'down',
        reason: 'probe_failures',
        urgent: true,
        evidence: { consecutive: ch.probeFailStreak, threshold: d.probes.consecutiveFailures },
      };
    }
    if (instant && failure) {
      const t = instantCodeTrip(ch.ring, d.instantCodes, code ?? '');
      if (t) return t;
    }
    if (level !== 0) {
      const h = ch.short.counts;
      const samples = healthSamples(h);
      if (samples >= d.errorRate.minSamples) return ch.errors.trip(level, techFailures(h), samples);
    }
    if (s.state === 'healthy') {
      if (latencyMs > d.latency.p95Ms) {
        const t = latencyTrip(ch.short, d.latency);
        if (t) return t;
      }
      if (cls === RISK_REJECT) return riskSpikeTrip(ch.short, ch.riskBaseline, d.riskSpike);
    }
    return null;
  }

  private apply(ch: ChannelMonitor, trip: Trip): void {
    const s = ch.state;
    if (trip.to === 'down') {
      this.eject(ch, trip);
      return;
    }
    if (s.state !== 'healthy') return;
    // A fresh state is held for the minimum dwell unless the evidence is urgent: no flapping.
    if (!trip.urgent && this.clock.now() - s.since < this.options.states.minDwellMs) return;
    ch.errors.degraded.reset();
    this.transition(
      ch,
      { state: 'degraded', since: this.clock.now(), reason: trip.reason },
      trip.reason,
      trip.evidence,
    );
  }

  /** Down for an ejection time that doubles with each ejection not yet forgiven. */
  private eject(ch: ChannelMonitor, trip: Trip): void {
    const st = this.options.states;
    ch.ejections++;
    const ejectionMs = Math.min(st.maxEjectionMs, st.ejectionMs * 2 ** (ch.ejections - 1));
    const now = this.clock.now();
    ch.errors.reset();
    ch.liveLast.clear();
    ch.probeLast.clear();
    ch.probeFailStreak = 0;
    this.transition(
      ch,
      { state: 'down', since: now, reason: trip.reason, until: now + ejectionMs },
      trip.reason,
      { ...trip.evidence, ejectionMs },
    );
  }

  private recover(ch: ChannelMonitor, evidence: Evidence): void {
    const steps = this.options.states.rampSteps;
    ch.errors.reset();
    ch.lastForgiven = this.clock.now();
    this.transition(
      ch,
      {
        state: 'healthy',
        since: this.clock.now(),
        reason: 'recovered',
        ramp: 1 / steps,
        rampStep: 0,
      },
      'recovered',
      { ...evidence, ramp: 1 / steps },
    );
  }

  // ---- time ------------------------------------------------------------------------------------

  /** The steps only time triggers: overrides and ejections ending, maintenance, ramps, recovery. */
  tick(): void {
    const now = this.clock.now();
    const dt = Math.max(0, now - this.lastTick);
    this.lastTick = now;
    const st = this.options.states;
    for (const ch of this.list) {
      ch.ring.advanceTo(now);
      if (ch.override && now >= ch.override.until) {
        this.endOverride(ch, 'manual_expired');
        continue;
      }
      if (this.maintain(ch, now) || ch.override) continue;
      const s = ch.state;
      switch (s.state) {
        case 'down':
          if (now >= s.until)
            this.transition(
              ch,
              { state: 'probing', since: now, reason: 'ejection_elapsed', trials: 0 },
              'ejection_elapsed',
              { downForMs: now - s.since },
            );
          break;
        case 'degraded': {
          const d = ch.detectors;
          if (
            now - s.since >= st.minDwellMs &&
            clearOfDegrade(
              ch.short,
              ch.errors,
              d.errorRate.exitRate,
              d.latency,
              d.riskSpike,
              ch.riskBaseline,
              d.errorRate.minSamples,
            )
          ) {
            const v = ch.windowView(ch.short);
            ch.lastForgiven = now;
            this.transition(
              ch,
              { state: 'healthy', since: now, reason: 'recovered', ramp: 1, rampStep: 0 },
              'recovered',
              {
                window: '10s',
                errorRate: round(v.errorRate),
                p95Ms: Math.round(v.p95Ms),
                samples: healthSamples(ch.short.counts),
              },
            );
          }
          break;
        }
        case 'healthy': {
          if (s.ramp < 1) {
            const step = Math.floor((now - s.since) / (st.rampMs / st.rampSteps));
            if (step > s.rampStep) {
              const ramp = Math.min(1, (step + 1) / st.rampSteps);
              this.transition(ch, { ...s, ramp, rampStep: step }, 'ramp', { ramp });
              break;
            }
          }
          if (ch.ejections > 0 && now - ch.lastForgiven >= st.ejectionDecayMs) {
            ch.ejections--;
            ch.lastForgiven = now;
          }
          const d = ch.detectors;
          const trip =
            now - s.since >= st.minDwellMs
              ? (latencyTrip(ch.short, d.latency) ??
                riskSpikeTrip(ch.short, ch.riskBaseline, d.riskSpike))
              : null;
          if (trip) this.apply(ch, trip);
          else this.learnBaselines(ch, dt);
          break;
        }
        case 'probing':
        case 'maintenance':
          break;
      }
    }
  }

  /**
   * The channel's own risk-rejection and timeout levels: slow moving averages, learnt only while
   * healthy. The timeout level sets the k of n the timeout rule judges with.
   */
  private learnBaselines(ch: ChannelMonitor, dt: number): void {
    const c = ch.short.counts;
    const n = healthSamples(c);
    if (n === 0 || dt <= 0) return;
    const risk = ch.detectors.riskSpike;
    if (n >= risk.minSamples)
      ch.riskBaseline +=
        (1 - 2 ** (-dt / risk.baselineHalfLifeMs)) * (c[RISK_REJECT] / n - ch.riskBaseline);
    const t = ch.detectors.timeouts;
    const learnt =
      ch.timeoutBaseline +
      (1 - 2 ** (-dt / t.baselineHalfLifeMs)) * (c[TIMEOUT] / n - ch.timeoutBaseline);
    ch.timeoutBaseline = Math.max(t.baselineFloor, learnt);
    ch.timeoutRule = timeoutRule(t, ch.timeoutBaseline, MAX_TIMEOUT_N);
  }

  /** Planned windows: drain from `from - leadMs`, probe back at `to`. True when it changed the state. */
  private maintain(ch: ChannelMonitor, now: number): boolean {
    const s = ch.state;
    if (s.state === 'maintenance') {
      if (now < s.until) return true;
      if (s.window) this.windows.delete(s.window);
      this.transition(
        ch,
        { state: 'probing', since: now, reason: 'maintenance_end', trials: 0 },
        'maintenance_end',
        { window: s.window ?? 'manual' },
      );
      return true;
    }
    if (ch.override) return false;
    for (const w of this.windows.values()) {
      if (w.channel !== ch.id || now < w.from - w.leadMs) continue;
      if (now >= w.to) {
        this.windows.delete(w.id);
        continue;
      }
      this.transition(
        ch,
        {
          state: 'maintenance',
          since: now,
          reason: 'maintenance_window',
          until: w.to,
          window: w.id,
        },
        'maintenance_window',
        { window: w.id, from: w.from, to: w.to, leadMs: w.leadMs, note: w.reason },
      );
      return true;
    }
    return false;
  }

  // ---- operator actions -----------------------------------------------------------------------

  /** Force a state until a time; detectors stand aside meanwhile. */
  setOverride(id: string, { state, until, reason }: OverrideView): Decision {
    const ch = this.channel(id);
    const now = this.clock.now();
    if (!(until > now))
      throw new EngineError(
        'bad_override',
        `override until ${until} is not in the future (now ${now})`,
      );
    ch.override = { state, until, reason };
    return this.transition(ch, forced(state, now, until), 'manual', { note: reason, until });
  }

  /** End an override now; returns the decision, or null when there was none. */
  clearOverride(id: string): Decision | null {
    const ch = this.channel(id);
    return ch.override ? this.endOverride(ch, 'manual') : null;
  }

  private endOverride(ch: ChannelMonitor, reason: DecisionReason): Decision {
    const was = ch.override!;
    ch.override = null;
    const now = this.clock.now();
    ch.errors.reset();
    // Leaving a forced down or maintenance goes through trial calls, like any ejection.
    const next: ChannelState =
      was.state === 'down' || was.state === 'maintenance' || was.state === 'probing'
        ? { state: 'probing', since: now, reason, trials: 0 }
        : forced(was.state, now, now);
    return this.transition(ch, next, reason, { note: was.reason, overrideState: was.state });
  }

  addMaintenance(w: {
    channel: string;
    from: number;
    to: number;
    leadMs?: number;
    reason?: string;
    id?: string;
  }): MaintenanceWindow {
    this.channel(w.channel);
    if (!(Number.isFinite(w.from) && Number.isFinite(w.to) && w.from < w.to))
      throw new EngineError(
        'bad_maintenance',
        `maintenance needs from < to, got from=${w.from} to=${w.to}`,
      );
    const leadMs = w.leadMs ?? 0;
    if (!(leadMs >= 0))
      throw new EngineError('bad_maintenance', `leadMs must be ≥ 0, got ${leadMs}`);
    const id = w.id ?? `mw-${++this.windowSeq}`;
    const window: MaintenanceWindow = {
      id,
      channel: w.channel,
      from: w.from,
      to: w.to,
      leadMs,
      reason: w.reason ?? 'planned maintenance',
    };
    this.windows.set(id, window);
    return window;
  }

  removeMaintenance(id: string): MaintenanceWindow {
    const w = this.windows.get(id);
    if (!w) throw new EngineError('unknown_maintenance', `no maintenance window ${id}`);
    this.windows.delete(id);
    const ch = this.channel(w.channel);
    const s = ch.state;
    if (s.state === 'maintenance' && s.window === id) {
      const now = this.clock.now();
      this.transition(
        ch,
        { state: 'probing', since: now, reason: 'maintenance_end', trials: 0 },
        'maintenance_end',
        { window: id, cancelled: true },
      );
    }
    return w;
  }

  maintenance(): MaintenanceWindow[] {
    return [...this.windows.values()].sort((a, b) => a.from - b.from || a.id.localeCompare(b.id));
  }

  // ---- reading --------------------------------------------------------------------------------

  /** The oldest decision still kept for replay (seq + 1 when none is). */
  get firstRetainedSeq(): number {
    return this.log.length ? this.log[0].seq : this.seq + 1;
  }

  /** Decisions after `since`, oldest first; null when some of them are no longer retained. */
  decisions(since = 0, limit = Infinity): Decision[] | null {
    const first = this.firstRetainedSeq;
    if (since < first - 1) return null;
    const start = Math.max(0, since - first + 1);
    return this.log.slice(start, start + Math.min(limit, this.log.length));
  }

  channels(): ChannelView[] {
    return this.list.map((ch) => this.view(ch));
  }

  /** One channel's view (GET /v1/channels/:id), without building the others. */
  channelView(id: string): ChannelView {
    return this.view(this.channel(id));
  }

  private view(ch: ChannelMonitor): ChannelView {
    ch.ring.advanceTo(this.clock.now());
    const s = ch.state;
    const pool = this.poolsById.get(ch.pool)!;
    const view: ChannelView = {
      id: ch.id,
      pool: ch.pool,
      flavour: ch.flavour,
      priority: ch.priority,
      state: s.state,
      since: s.since,
      weight: pool.weights[ch.id] ?? 0,
      reason: s.reason,
      windows: {
        '10s': ch.windowView(ch.ring.view(SHORT)),
        '60s': ch.windowView(ch.ring.view(LONG)),
      },
      unknownCodes: ch.unknownCodes,
      late: ch.late,
    };
    if (s.state === 'down' || s.state === 'maintenance') view.until = s.until;
    if (ch.override) view.override = { ...ch.override };
    return view;
  }

  pools(): PoolView[] {
    return [...this.poolsById.values()].map((p) => ({
      id: p.options.id,
      weights: { ...p.weights },
      channels: p.members.map((m) => m.id),
      panic: p.panic,
    }));
  }

  totals(): ChannelTotals[] {
    return this.list.map((ch) => ch.totals());
  }

  // ---- decisions ------------------------------------------------------------------------------

  private transition(
    ch: ChannelMonitor,
    next: ChannelState,
    reason: DecisionReason,
    evidence: Evidence,
  ): Decision {
    const from: ChannelStateName = ch.state.state;
    ch.state = next;
    const pool = this.poolsById.get(ch.pool)!;
    this.reweigh(pool);
    const decision: Decision = {
      type: 'decision',
      seq: ++this.seq,
      at: this.clock.now(),
      channel: ch.id,
      pool: ch.pool,
      from,
      to: next.state,
      reason,
      evidence,
      weights: { ...pool.weights },
    };
    if (pool.panic) decision.panic = true;
    this.log.push(decision);
    if (this.log.length > 2 * this.options.decisionLog)
      this.log.splice(0, this.log.length - this.options.decisionLog);
    for (const l of this.listeners) l(decision);
    return decision;
  }

  private reweigh(pool: Pool): void {
    const { weights, panic } = computeWeights(
      pool.members.map((m) => ({
        id: m.id,
        priority: m.priority,
        state: m.state.state,
        ramp: m.state.state === 'healthy' ? m.state.ramp : 1,
        errorRate: m.shortErrorRate(),
      })),
      {
        split: pool.options.split,
        degradedFactor: this.options.states.degradedFactor,
        probingShare: this.options.states.probingShare,
      },
    );
    pool.weights = weights;
    pool.panic = panic;
  }

  private channel(id: string): ChannelMonitor {
    const ch = this.byId.get(id);
    if (!ch)
      throw new EngineError(
        'unknown_channel',
        `unknown channel ${JSON.stringify(id)}; configured: ${[...this.byId.keys()].join(', ')}`,
      );
    return ch;
  }
}

function forced(state: ChannelStateName, now: number, until: number): ChannelState {
  switch (state) {
    case 'healthy':
      return { state, since: now, reason: 'manual', ramp: 1, rampStep: 0 };
    case 'degraded':
      return { state, since: now, reason: 'manual' };
    case 'down':
      return { state, since: now, reason: 'manual', until };
    case 'probing':
      return { state, since: now, reason: 'manual', trials: 0 };
    case 'maintenance':
      return { state, since: now, reason: 'manual', until, window: null };
  }
}
