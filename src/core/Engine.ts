import type { ChannelHealth } from './ChannelHealth.ts';
import { ChannelSet } from './ChannelSet.ts';
import { type ChannelState, enter, forcedState, type Trip } from './ChannelState.ts';
import type { Clock } from './clock.ts';
import type { CodeClassifier } from './codes/index.ts';
import { type DecisionListener, type DecisionLog, MemoryDecisionLog } from './DecisionLog.ts';
import type { ChannelStateName, Decision, DecisionReason, Evidence } from './decision.ts';
import { detect, detectOverTime } from './detectors/detect.ts';
import { type EngineSnapshot, type RestoreReport, SNAPSHOT_VERSION } from './EngineSnapshot.ts';
import { EngineError } from './errors.ts';
import { type MaintenanceInput, MaintenancePlan, type Move } from './MaintenancePlan.ts';
import type { EngineOptions } from './options.ts';
import type { Pool } from './Pool.ts';
import { isTechFailure, NEUTRAL, type Outcome, recordedClassId } from './outcome.ts';
import { type OutcomeEvent, toOutcome } from './toOutcome.ts';
import {
  degradedCleared,
  ejection,
  ejectionElapsed,
  probedWhileDown,
  rampStep,
  trialFailed,
  trialPassed,
} from './wayBack.ts';
import type {
  ChannelTotals,
  ChannelView,
  OverrideView,
  PlannedMaintenance,
  PoolView,
} from './views.ts';

export type { DecisionListener } from './DecisionLog.ts';

export interface EngineDeps {
  clock: Clock;
  /** Where decisions are numbered, kept and published; default: in memory. */
  log?: DecisionLog;
  /** The in-memory log's epoch (ignored when `log` is given). */
  epoch?: string;
  /** Called after a change no decision carries (a booking added or cancelled), so that a store can keep it. */
  onChange?: () => void;
}

/**
 * The state machine: outcomes in, decisions out. `record` counts an outcome and runs the
 * detectors it can trip (a decision leaves within the call that carried the evidence); `tick`
 * takes the steps only time triggers. It moves channels between states and keeps each pool's
 * weights; windows live in ChannelHealth, rules in detectors/, numbering and publishing in the
 * DecisionLog, bookings in the MaintenancePlan. No I/O, no timers: the caller owns both.
 */
export class Engine {
  private readonly clock: Clock;
  private readonly log: DecisionLog;
  private readonly plan = new MaintenancePlan();
  private readonly set: ChannelSet;
  private readonly changed: () => void;
  private lastTick: number;

  constructor(
    private readonly options: EngineOptions,
    { clock, log, epoch, onChange = () => {} }: EngineDeps,
  ) {
    this.clock = clock;
    this.changed = onChange;
    this.log =
      log ?? new MemoryDecisionLog({ retain: options.decisionLog, ...(epoch && { epoch }) });
    this.lastTick = clock.now();
    this.set = new ChannelSet(options, this.lastTick);
  }

  get epoch(): string {
    return this.log.epoch;
  }

  /** The newest decision's number (read-only: the log assigns it). */
  get seq(): number {
    return this.log.seq;
  }

  get firstRetainedSeq(): number {
    return this.log.firstRetainedSeq;
  }

  hasChannel(id: string): boolean {
    return this.set.has(id);
  }

  channelIndex(id: string): number {
    return this.channel(id).index;
  }

  classifier(id: string): CodeClassifier {
    return this.channel(id).classifier;
  }

  onDecision(listener: DecisionListener): () => void {
    return this.log.subscribe(listener);
  }

  /** Decisions after `since`, oldest first; null when some of them are no longer retained. */
  decisions(since = 0, limit = Infinity): Decision[] | null {
    return this.log.since(since, limit);
  }

  // ---- recording ------------------------------------------------------------------------------

  /** Record an event: classified by its channel's table (toOutcome), then counted and judged. */
  record(e: OutcomeEvent & { at: number }): void {
    this.recordOutcome(toOutcome(e, e.at, this.channel(e.channel).classifier));
  }

  /** Record an outcome toOutcome made (ingest classifies while it validates). */
  recordOutcome(o: Outcome): void {
    const ch = this.channel(o.channel);
    const cls = recordedClassId(o.outcome);
    if (o.unknownCode) ch.countUnknownCode();
    const failure = isTechFailure(cls);
    const probe = o.source === 'probe';
    const local = ch.notTheChannels(o, cls, failure);
    // A sender's clock running ahead must not drag the windows forward (and every honest event
    // behind them into "late"): an event from the future counts as now.
    const now = this.clock.now();
    const at = Math.min(o.at, now);
    this.recordRaw(ch.index, cls, o.latencyMs, at, probe, o.instant === true, local, o.code);
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
    const ch = this.set.at(index);
    if (!ch.count(at, cls, latencyMs, probe, instant) || cls === NEUTRAL || local) return;
    const s = ch.state;
    if (ch.override !== null || s.state === 'maintenance') return;
    const failure = isTechFailure(cls);
    // Probe failures count even while down: the streak carries into the trial calls.
    if (probe) ch.probeStreak(failure);
    const now = this.clock.now();
    if (s.state === 'down') {
      if (probe) this.make(ch, now, probedWhileDown(ch, s, failure, now, this.options.states));
      return;
    }
    if (s.state === 'probing') {
      const source = probe ? 'probe' : 'live';
      if (failure) this.apply(ch, now, trialFailed(s, code ?? cls, source));
      else this.make(ch, now, trialPassed(ch, s, now, this.options.states));
      return;
    }
    const trip = detect(ch, cls, failure, latencyMs, probe, instant, code, now);
    if (trip) this.apply(ch, now, trip);
  }

  private apply(ch: ChannelHealth, now: number, trip: Trip): void {
    const s = ch.state;
    if (trip.to === 'down') {
      if (s.state === 'healthy') ch.left(now, this.options.states.relapseHalfLifeMs);
      this.make(ch, now, ejection(ch, now, trip, this.options.states));
      return;
    }
    if (s.state !== 'healthy') return;
    // A fresh state is held for the minimum dwell unless the evidence is urgent: no flapping.
    if (!trip.urgent && now - s.since < this.options.states.minDwellMs) return;
    ch.left(now, this.options.states.relapseHalfLifeMs);
    ch.errors.degraded.reset();
    const next = enter.degraded(now, trip.reason);
    this.transition(ch, now, next, trip.reason, trip.evidence);
  }

  // ---- time ------------------------------------------------------------------------------------

  /** The steps only time triggers: overrides and ejections ending, maintenance, ramps, recovery. */
  tick(): void {
    const now = this.clock.now();
    const dt = Math.max(0, now - this.lastTick);
    this.lastTick = now;
    for (const ch of this.set.list) {
      ch.ring.advanceTo(now);
      const o = ch.override;
      if (o && now >= o.until) this.endOverride(ch, now, 'manual_expired');
      else if (!this.maintain(ch, now) && !o) this.step(ch, now, dt);
    }
    for (const pool of this.set.pools) if (pool.panic) this.reroute(pool, now);
  }

  private reroute(pool: Pool, now: number): void {
    const move = pool.rerouteMove(now, this.options.states.minDwellMs, (id) => this.set.get(id));
    if (!move) return;
    pool.reroute(now);
    this.publish(move.to, now, move.to.state.state, 'panic_reroute', move.evidence, pool);
  }

  private step(ch: ChannelHealth, now: number, dt: number): void {
    const st = this.options.states;
    const s = ch.state;
    switch (s.state) {
      case 'down':
        this.make(ch, now, ejectionElapsed(s, now));
        return;
      case 'degraded':
        this.make(ch, now, degradedCleared(ch, s, now, st));
        return;
      case 'healthy': {
        const ramp = rampStep(s, now, st);
        if (ramp) {
          this.make(ch, now, ramp);
          return;
        }
        ch.forgive(now, st.ejectionDecayMs);
        const trip = now - s.since >= st.minDwellMs ? detectOverTime(ch) : null;
        if (trip) this.apply(ch, now, trip);
        else ch.baselines.learn(ch.short, dt);
        return;
      }
      case 'probing':
      case 'maintenance':
        return;
    }
  }

  private make(ch: ChannelHealth, now: number, move: Move | null): void {
    if (move) this.transition(ch, now, move.next, move.reason, move.evidence);
  }

  /** Planned maintenance: true when it holds the channel or moved it (MaintenancePlan.next). */
  private maintain(ch: ChannelHealth, now: number): boolean {
    const s = ch.state;
    const move = this.plan.next(ch.id, s, ch.override !== null, now);
    this.make(ch, now, move);
    return move !== null || s.state === 'maintenance';
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
    ch.setOverride({ state, until, reason });
    const evidence = { note: reason, until };
    return this.transition(ch, now, forcedState(state, now, until), 'manual', evidence);
  }

  /** End an override now; returns the decision, or null when there was none. */
  clearOverride(id: string): Decision | null {
    const ch = this.channel(id);
    return ch.override ? this.endOverride(ch, this.clock.now(), 'manual') : null;
  }

  private endOverride(ch: ChannelHealth, now: number, reason: DecisionReason): Decision {
    const was = ch.override!;
    ch.setOverride(null);
    ch.errors.reset();
    // Leaving a forced down or maintenance goes through trial calls, like any ejection.
    const next: ChannelState =
      was.state === 'down' || was.state === 'maintenance' || was.state === 'probing'
        ? enter.probing(now, reason)
        : forcedState(was.state, now, now);
    return this.transition(ch, now, next, reason, { note: was.reason, overrideState: was.state });
  }

  addMaintenance(m: MaintenanceInput): PlannedMaintenance {
    this.channel(m.channel);
    const booked = this.plan.add(m);
    this.changed();
    return booked;
  }

  removeMaintenance(id: string): PlannedMaintenance {
    const m = this.plan.get(id);
    if (!m) throw new EngineError('unknown_maintenance', `no maintenance window ${id}`);
    this.plan.delete(id);
    const ch = this.channel(m.channel);
    this.make(ch, this.clock.now(), this.plan.cancelled(m, ch.state, this.clock.now()));
    this.changed();
    return m;
  }

  maintenance(): PlannedMaintenance[] {
    return this.plan.list();
  }

  // ---- restarts -------------------------------------------------------------------------------

  /** The state a store keeps (see EngineSnapshot); the window buckets only when asked for. */
  snapshot({ windows = false }: { windows?: boolean } = {}): EngineSnapshot {
    const now = this.clock.now();
    return {
      version: SNAPSHOT_VERSION,
      at: now,
      ...this.set.snapshot(windows, now),
      plan: this.plan.snapshot(),
    };
  }

  /**
   * Go on from a snapshot, before anything is recorded: states, detectors, shares, bookings and
   * windows as they were. Time that passed since is applied by the next tick (an ejection that
   * ended goes to trial calls, an expired override lapses). Channels and pools the configuration
   * no longer has are reported, not restored; new ones start fresh.
   */
  restore(snap: EngineSnapshot): RestoreReport {
    // A store checks the version before it hands a snapshot over: another one is a bug here.
    if (snap.version !== SNAPSHOT_VERSION)
      throw new RangeError(`snapshot version ${snap.version} is not ${SNAPSHOT_VERSION}`);
    const report = this.set.restore(snap);
    const bookings = snap.plan.bookings.filter((m) => this.set.has(m.channel));
    this.plan.restore({ bookings, lastId: snap.plan.lastId });
    return report;
  }

  // ---- reading --------------------------------------------------------------------------------

  channels(): ChannelView[] {
    return this.set.views(this.clock.now());
  }

  /** One channel's view (GET /v1/channels/:id), without building the others. */
  channelView(id: string): ChannelView {
    return this.set.view(id, this.clock.now());
  }

  pools(): PoolView[] {
    return this.set.pools.map((p) => p.view());
  }

  totals(): ChannelTotals[] {
    return this.set.list.map((ch) => ch.totals());
  }

  // ---- decisions ------------------------------------------------------------------------------

  private transition(
    ch: ChannelHealth,
    now: number,
    next: ChannelState,
    reason: DecisionReason,
    evidence: Evidence,
  ): Decision {
    const from = ch.state.state;
    ch.moveTo(next);
    const pool = this.set.poolOf(ch);
    pool.reweigh();
    return this.publish(ch, now, from, reason, evidence, pool);
  }

  private publish(
    ch: ChannelHealth,
    now: number,
    from: ChannelStateName,
    reason: DecisionReason,
    evidence: Evidence,
    pool: Pool,
  ): Decision {
    const decision: Decision = {
      type: 'decision',
      seq: 0,
      at: now,
      channel: ch.id,
      pool: ch.pool,
      from,
      to: ch.state.state,
      reason,
      evidence,
      weights: { ...pool.weights },
    };
    if (pool.panic) decision.panic = true;
    return this.log.append(decision);
  }

  private channel(id: string): ChannelHealth {
    return this.set.get(id);
  }
}
