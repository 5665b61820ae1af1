import type { Decision } from '../../src/core/decision.ts';
import { round } from '../../src/core/round.ts';
import type { Fault } from '../faults/Fault.ts';
import type { ChannelTimeline } from './ChannelTimeline.ts';
import { formatDuration } from './duration.ts';
import type { ExpectationResult, RecoveryReport } from './Report.ts';
import type { Expectation, PlannedMaintenance } from './Scenario.ts';
import type { RunFacts } from './score.ts';

type StateExpectation = Extract<
  Expectation,
  { kind: 'in' | 'transitions' | 'backToHealthy' | 'backToFullWeight' | 'panic' }
>;

/** How long ahead of its start a fault's channel is drained: a planned window's lead, else 0. */
export function leadOf(f: Fault, start: number, planned: readonly PlannedMaintenance[]): number {
  return (
    planned.find(
      (p) => p.channel === f.channel && start + p.atMs === f.from && f.kind === 'maintenance',
    )?.leadMs ?? 0
  );
}

/** The way back after a fault: its end → healthy, and → full weight (see ChannelTimeline.fullWeightTarget). */
export function recoveryOf(f: Fault, facts: RunFacts, tl: ChannelTimeline): RecoveryReport {
  const onset = f.from - leadOf(f, facts.start, facts.planned);
  const healthyAt = tl.healthyFrom(f.channel, f.to);
  const fullWeight = tl.fullWeightTarget(f.channel, onset);
  const fullWeightAt = tl.weightFrom(f.channel, f.to, fullWeight);
  return {
    healthyAt: healthyAt === null ? null : healthyAt - facts.start,
    healthyMs: healthyAt === null ? null : healthyAt - f.to,
    fullWeight: round(fullWeight),
    fullWeightAt: fullWeightAt === null ? null : fullWeightAt - facts.start,
    fullWeightMs: fullWeightAt === null ? null : fullWeightAt - f.to,
  };
}

/** The expectations read from the channels' states and weights over time. */
export function scoreStates(
  e: StateExpectation,
  facts: RunFacts,
  tl: ChannelTimeline,
): ExpectationResult {
  const { start } = facts;
  const rel = (t: number) => formatDuration(t - start);
  const range = (r: { fromMs: number; toMs: number }) => ({
    from: start + r.fromMs,
    to: r.toMs >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : start + r.toMs,
  });
  const step = (d: Decision) => `${d.from}→${d.to} at ${rel(d.at)} (${d.reason})`;
  const result = (pass: boolean, observed: string) => ({ text: e.text, pass, observed });

  switch (e.kind) {
    case 'in': {
      const r = range(e);
      const first = tl.stateAt(e.channel, r.from);
      if (!e.states.includes(first)) {
        const since = tl.decisionsOf(e.channel).filter((d) => d.at <= r.from && d.from !== d.to);
        const d = since[since.length - 1];
        return result(
          false,
          `${first} at ${rel(r.from)}${d ? ` (since ${step(d)})` : ' (from the start)'}`,
        );
      }
      const changes = tl.changes(e.channel, r.from, r.to).filter((d) => d.at > r.from);
      const out = changes.find((d) => !e.states.includes(d.to));
      if (out) return result(false, `left the range's states: ${step(out)}`);
      const seen = [...new Set([first, ...changes.map((d) => d.to)])];
      return result(true, `${seen.join(', ')} throughout (${changes.length} change(s))`);
    }
    case 'transitions': {
      const r = range(e);
      const ids = e.channel !== undefined ? [e.channel] : tl.channelIds();
      const counts = ids.map((id) => ({ id, changes: tl.changes(id, r.from, r.to) }));
      const over = counts.filter((c) => c.changes.length > e.atMost);
      if (over.length === 0)
        return result(true, counts.map((c) => `${c.id} ${c.changes.length}`).join(', ') || 'none');
      return result(
        false,
        over
          .map(
            (c) =>
              `${c.id} ${c.changes.length}: ${c.changes
                .slice(0, 4)
                .map(step)
                .join(', ')}${c.changes.length > 4 ? ', …' : ''}`,
          )
          .join('; '),
      );
    }
    case 'backToHealthy':
    case 'backToFullWeight': {
      const f = facts.faults.find((x) => x.id === e.faultId);
      if (!f) return result(false, `no fault ${e.faultId} in the run`);
      const rec = recoveryOf(f, facts, tl);
      const healthy = e.kind === 'backToHealthy';
      const ms = healthy ? rec.healthyMs : rec.fullWeightMs;
      const what = healthy
        ? 'healthy'
        : `weight ${rec.fullWeight} (${round3(tl.weightAt(f.channel, f.to))} at the fault's end)`;
      const after = tl.decisionsOf(f.channel).filter((d) => d.at >= f.to);
      if (ms === null) {
        const lastD = after[after.length - 1];
        return result(
          false,
          `not back to ${what} by the end of the run: ${tl.stateAt(f.channel, Number.POSITIVE_INFINITY)} at weight ${round3(tl.weightAt(f.channel, Number.POSITIVE_INFINITY))}${lastD ? `, last ${step(lastD)}` : ''}`,
        );
      }
      const when =
        ms === 0
          ? `${what} at the fault's end (${rel(f.to)})`
          : `${what} at ${rel(f.to + ms)}, +${ms}ms after the end (${rel(f.to)})`;
      const path = after
        .filter((d) => d.at <= f.to + ms)
        .slice(0, 4)
        .map(step)
        .join(', ');
      return result(ms <= e.withinMs, path ? `${when}; on the way: ${path}` : when);
    }
    case 'panic': {
      const r = range(e);
      const pools = e.pool !== undefined ? [e.pool] : tl.pools();
      const hits = pools
        .map((p) => ({ p, at: tl.firstPanic(p, r.from, r.to) }))
        .filter((x): x is { p: string; at: number } => x.at !== null);
      const observed =
        hits.length === 0
          ? 'no panic'
          : hits.map((h) => `${h.p} in a panic at ${rel(h.at)}`).join(', ');
      return result(e.happens ? hits.length > 0 : hits.length === 0, observed);
    }
    default:
      return e satisfies never;
  }
}

const round3 = (x: number) => round(x, 3);
