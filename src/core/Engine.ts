import type { ChannelHealth } from './ChannelHealth.ts';
import { ChannelSet } from './ChannelSet.ts';
import { type ChannelState, enter, forcedState, type Trip } from './ChannelState.ts';
import type { Clock } from './clock.ts';
import type { CodeClassifier } from './codes/index.ts';
import { type DecisionListener, type DecisionLog, MemoryDecisionLog } from './DecisionLog.ts';
import type { ChannelStateName, Decision, DecisionReason, Evidence } from './decision.ts';
import { degradeCleared, detect, detectOverTime } from './detectors/detect.ts';
import { EngineError } from './errors.ts';
import { type MaintenanceInput, MaintenancePlan } from './MaintenancePlan.ts';
import type { EngineOptions } from './options.ts';
import type { Pool } from './Pool.ts';
import { round } from './round.ts';
import { isTechFailure, NEUTRAL, type Outcome, recordedClassId } from './outcome.ts';
import { type OutcomeEvent, toOutcome } from './toOutcome.ts';
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
  private lastTick: number;

  constructor(
    private readonly options: EngineOptions,
    { clock, log, epoch }: EngineDeps,
  ) {
    this.clock = clock;
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
      this.whileDown(ch, s, failure, probe, now);
      return;
    }
    if (s.state === 'probing') {
      if (failure)
        this.eject(ch, now, {
          to: 'down',
          reason: 'trial_failed',
          urgent: true,
          evidence: { trials: s.trials, code: code ?? cls, source: probe ? 'probe' : 'live' },
        });
      else if (++s.trials >= this.options.states.trialSuccesses) this.recover(ch, now, s.trials);
      return;
    }
    const trip = detect(ch, cls, failure, latencyMs, probe, instant, code, now);
    if (trip) this.apply(ch, now, trip);
  }

  /**
   * Down listens to its probes: successes in a row end the ejection early into trial calls; a
   * failure keeps it down at least one base ejection longer. Live calls while down (a panic, a
   * gateway not following) are counted in the windows but move nothing: at volume, a few
   * successes in a row say little. Without probes the ejection simply runs out.
   */
  private whileDown(
    ch: ChannelHealth,
    s: Extract<ChannelState, { state: 'down' }>,
    failure: boolean,
    probe: boolean,
    now: number,
  ): void {
    if (!probe) return;
    const st = this.options.states;
    const oks = ch.downStreak(failure);
    if (failure) {
      s.until = Math.max(s.until, now + st.ejectionMs);
      return;
    }
    if (oks < st.probeSuccesses) return;
    const evidence = { probeSuccesses: oks, downForMs: now - s.since };
    this.transition(ch, now, enter.probing(now, 'probes_recovered'), 'probes_recovered', evidence);
  }

  private apply(ch: ChannelHealth, now: number, trip: Trip): void {
    const s = ch.state;
    if (trip.to === 'down') {
      if (s.state === 'healthy') ch.left(now, this.options.states.relapseHalfLifeMs);
      this.eject(ch, now, trip);
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

  /** Down for an ejection time that doubles with each ejection not yet forgiven (probes can end it early). */
  private eject(ch: ChannelHealth, now: number, trip: Trip): void {
    const st = this.options.states;
    const ejectionMs = Math.min(st.maxEjectionMs, st.ejectionMs * 2 ** (ch.ejected() - 1));
    const next = enter.down(now, trip.reason, now + ejectionMs);
    this.transition(ch, now, next, trip.reason, { ...trip.evidence, ejectionMs });
  }

  /** Enough trial calls succeeded: healthy again, ramping back to full weight. */
  private recover(ch: ChannelHealth, now: number, trials: number): void {
    const ramp = 1 / this.options.states.rampSteps;
    ch.errors.reset();
    ch.recovered(now);
    const next = enter.healthy(now, 'recovered', ramp);
    this.transition(ch, now, next, 'recovered', { trials, ramp });
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

  /**
   * In a panic the serving channel is the least bad by current evidence, and it moves when that
   * does: clearly (its failure rate 10 points better), and no more often than the dwell.
   */
  private reroute(pool: Pool, now: number): void {
    const was = pool.leader();
    const next = pool.leader(pool.preview().weights);
    if (!was || !next || next === was || now - pool.reroutedAt < this.options.states.minDwellMs)
      return;
    const from = this.set.get(was);
    const to = this.set.get(next);
    if (!(to.shortErrorRate() + 0.1 < from.shortErrorRate())) return;
    pool.reroute(now);
    const evidence = {
      previous: was,
      errorRate: round(to.shortErrorRate()),
      previousErrorRate: round(from.shortErrorRate()),
    };
    this.publish(to, now, to.state.state, 'panic_reroute', evidence, pool);
  }

  private step(ch: ChannelHealth, now: number, dt: number): void {
    const st = this.options.states;
    const s = ch.state;
    switch (s.state) {
      case 'down':
        if (now >= s.until) {
          const next = enter.probing(now, 'ejection_elapsed');
          this.transition(ch, now, next, 'ejection_elapsed', { downForMs: now - s.since });
        }
        return;
      case 'degraded': {
        // Each recent re-entry doubles the dwell before the next exit, and a channel that
        // relapsed ramps back instead of taking its full share at once: it cannot cycle.
        const relapses = Math.min(4, Math.floor(ch.relapses(now, st.relapseHalfLifeMs)));
        const dwell = st.minDwellMs * 2 ** relapses;
        const cleared =
          now - s.since >= dwell ? degradeCleared(ch, s.reason, st.exitZ, now - s.since) : null;
        if (!cleared) return;
        ch.recovered(now);
        const ramp = relapses > 0 ? 1 / st.rampSteps : 1;
        const evidence = { ...cleared, relapses, ramp };
        this.transition(ch, now, enter.healthy(now, 'recovered', ramp), 'recovered', evidence);
        return;
      }
      case 'healthy': {
        if (s.ramp < 1) {
          const step = Math.floor((now - s.since) / (st.rampMs / st.rampSteps));
          if (step > s.rampStep) {
            const ramp = Math.min(1, (step + 1) / st.rampSteps);
            this.transition(ch, now, { ...s, ramp, rampStep: step }, 'ramp', { ramp });
            return;
          }
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

  /** Planned maintenance: true when it holds the channel or moved it (MaintenancePlan.next). */
  private maintain(ch: ChannelHealth, now: number): boolean {
    const s = ch.state;
    const move = this.plan.next(ch.id, s, ch.override !== null, now);
    if (move) this.transition(ch, now, move.next, move.reason, move.evidence);
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
    return this.transition(ch, now, forcedState(state, now, until), 'manual', {
      note: reason,
      until,
    });
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
    return this.plan.add(m);
  }

  removeMaintenance(id: string): PlannedMaintenance {
    const m = this.plan.get(id);
    if (!m) throw new EngineError('unknown_maintenance', `no maintenance window ${id}`);
    this.plan.delete(id);
    const ch = this.channel(m.channel);
    const s = ch.state;
    if (s.state === 'maintenance' && s.plan === id) {
      const now = this.clock.now();
      const next = enter.probing(now, 'maintenance_end');
      this.transition(ch, now, next, 'maintenance_end', { window: id, cancelled: true });
    }
    return m;
  }

  maintenance(): PlannedMaintenance[] {
    return this.plan.list();
  }

  // ---- reading --------------------------------------------------------------------------------

  channels(): ChannelView[] {
    const now = this.clock.now();
    return this.set.list.map((ch) => ch.view(now, this.weightOf(ch)));
  }

  /** One channel's view (GET /v1/channels/:id), without building the others. */
  channelView(id: string): ChannelView {
    const ch = this.channel(id);
    return ch.view(this.clock.now(), this.weightOf(ch));
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

  private weightOf(ch: ChannelHealth): number {
    return this.set.poolOf(ch).weightOf(ch.id);
  }

  private channel(id: string): ChannelHealth {
    return this.set.get(id);
  }
}
