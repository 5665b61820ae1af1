import type { ChannelHealth } from './ChannelHealth.ts';
import { type ChannelState, enter } from './ChannelState.ts';
import { degradeCleared } from './detectors/detect.ts';
import type { Move } from './MaintenancePlan.ts';
import type { Trip } from './ChannelState.ts';
import type { StateOptions } from './options.ts';

type In<S extends ChannelState['state']> = Extract<ChannelState, { state: S }>;

/**
 * The way back to full traffic, each step judged on evidence: an ejection ended by its probes
 * or by time, a degraded channel cleared by upper confidence bounds, a ramp step. Each returns
 * the move it calls for (the Engine makes it), or null.
 */

/**
 * A probe result while down: successes in a row end the ejection early into trial calls (as
 * many more for each ejection not yet forgiven, so a channel that keeps relapsing, a flapping
 * one, must stay good longer than its good phases last); a failure keeps it down for at least
 * its current ejection time again, so a channel whose probes still fail now and then stays out. Live calls while down (a panic, a
 * gateway not following) move nothing: at volume, a few successes in a row say little.
 */
export function probedWhileDown(
  ch: ChannelHealth,
  s: In<'down'>,
  failure: boolean,
  now: number,
  st: StateOptions,
): Move | null {
  const oks = ch.downStreak(failure);
  if (failure) {
    s.until = Math.max(s.until, now + ejectionMs(ch.unforgivenEjections, st));
    return null;
  }
  if (oks < st.probeSuccesses * Math.max(1, ch.unforgivenEjections)) return null;
  return {
    next: enter.probing(now, 'probes_recovered'),
    reason: 'probes_recovered',
    evidence: { probeSuccesses: oks, downForMs: now - s.since },
  };
}

/** Without probes to end it, an ejection runs out: trial calls. */
export function ejectionElapsed(s: In<'down'>, now: number): Move | null {
  if (now < s.until) return null;
  return {
    next: enter.probing(now, 'ejection_elapsed'),
    reason: 'ejection_elapsed',
    evidence: { downForMs: now - s.since },
  };
}

/**
 * A degraded channel cleared on evidence (detectors/degradeCleared). Each recent re-entry
 * doubles the dwell before the next exit, and a channel that relapsed ramps back instead of
 * taking its full share at once: it cannot cycle.
 */
export function degradedCleared(
  ch: ChannelHealth,
  s: In<'degraded'>,
  now: number,
  st: StateOptions,
): Move | null {
  const relapses = Math.min(4, Math.floor(ch.relapses(now, st.relapseHalfLifeMs)));
  if (now - s.since < st.minDwellMs * 2 ** relapses) return null;
  const cleared = degradeCleared(ch, s.reason, st.exitZ, now - s.since);
  if (!cleared) return null;
  ch.recovered(now);
  const ramp = relapses > 0 ? 1 / st.rampSteps : 1;
  return {
    next: enter.healthy(now, 'recovered', ramp),
    reason: 'recovered',
    evidence: { ...cleared, relapses, ramp },
  };
}

/** The next step of a healthy channel's ramp back to full weight (state unchanged). */
export function rampStep(s: In<'healthy'>, now: number, st: StateOptions): Move | null {
  if (s.ramp >= 1) return null;
  const step = Math.floor((now - s.since) / (st.rampMs / st.rampSteps));
  if (step <= s.rampStep) return null;
  const ramp = Math.min(1, (step + 1) / st.rampSteps);
  return { next: { ...s, ramp, rampStep: step }, reason: 'ramp', evidence: { ramp } };
}

/** Down for an ejection time that doubles with each ejection not yet forgiven (probes can end it early). */
export function ejection(ch: ChannelHealth, now: number, trip: Trip, st: StateOptions): Move {
  const ms = ejectionMs(ch.ejected(), st);
  return {
    next: enter.down(now, trip.reason, now + ms),
    reason: trip.reason,
    evidence: { ...trip.evidence, ejectionMs: ms },
  };
}

/** The ejection time after `ejections` not yet forgiven: doubling from ejectionMs up to maxEjectionMs. */
function ejectionMs(ejections: number, st: StateOptions): number {
  return Math.min(st.maxEjectionMs, st.ejectionMs * 2 ** (Math.max(1, ejections) - 1));
}

/** A trial call failed: down again. */
export function trialFailed(s: In<'probing'>, code: string | number, source: string): Trip {
  const evidence = { trials: s.trials, code, source };
  return { to: 'down', reason: 'trial_failed', urgent: true, evidence };
}

/** One more trial call succeeded: once enough have, healthy again, ramping back to full weight. */
export function trialPassed(
  ch: ChannelHealth,
  s: In<'probing'>,
  now: number,
  st: StateOptions,
): Move | null {
  if (++s.trials < st.trialSuccesses) return null;
  const ramp = 1 / st.rampSteps;
  ch.errors.reset();
  ch.recovered(now);
  return {
    next: enter.healthy(now, 'recovered', ramp),
    reason: 'recovered',
    evidence: { trials: s.trials, ramp },
  };
}
