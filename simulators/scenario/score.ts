import type { Decision } from '../../src/core/decision.ts';
import { actsOn, type Fault, HEALTH_FAULTS, isLocal } from '../faults/Fault.ts';
import { ChannelTimeline, type TimelineChannel, timelineChannels } from './ChannelTimeline.ts';
import { formatDuration } from './duration.ts';
import type { OrderFact } from './orderFacts.ts';
import type {
  CheckoutReport,
  ExpectationResult,
  FaultReport,
  ScenarioReport,
  SwitchReport,
  TimelineEntry,
} from './Report.ts';
import type { Expectation, PlannedMaintenance, Scenario } from './Scenario.ts';
import { scoreOrders } from './scoreOrders.ts';
import { leadOf, recoveryOf, scoreStates } from './scoreStates.ts';

/** What the scorer reads: the ground truth and what the monitor decided; times absolute, `start` the scenario's t0. */
export interface RunFacts {
  start: number;
  faults: readonly Fault[];
  planned: readonly PlannedMaintenance[];
  decisions: readonly Decision[];
  graceMs: number;
  checkout?: CheckoutReport;
  /** The switchyard checkout's orders, when the run had traffic. */
  orders?: readonly OrderFact[];
  /** Channels with their pool and top share (weights before any decision); scoreRun fills them from the scenario. */
  channels?: readonly TimelineChannel[];
}

function timelineOf(facts: RunFacts): ChannelTimeline {
  return new ChannelTimeline(facts.decisions, facts.channels ?? []);
}

const OUT_OF_SERVICE = new Set(['degraded', 'down', 'maintenance']);

/**
 * Per fault: detection (negative for a planned window drained ahead) is the first decision at or
 * after the fault's own onset moving its channel out of service, up to its end plus grace; a
 * decision before its onset is never its. When faults overlap on a channel that decision may be
 * another's: `detectedBy.alsoActive` names the other health faults then in force, and
 * `stateAtStart` says whether the channel was out already. Then the way back from its end.
 */
export function scoreFaults(facts: RunFacts): FaultReport[] {
  const { start, faults, planned, decisions, graceMs } = facts;
  const tl = timelineOf(facts);
  return faults.map((f) => {
    // An announced window is drained `lead` ahead: reacting then is on time, not early.
    const lead = leadOf(f, start, planned);
    const d = decisions.find(
      (x) =>
        x.channel === f.channel &&
        OUT_OF_SERVICE.has(x.to) &&
        x.from !== x.to &&
        x.at >= f.from - lead &&
        x.at <= f.to + graceMs,
    );
    return {
      id: f.id,
      channel: f.channel,
      kind: f.kind,
      ...(f.scope && { scope: f.scope }),
      probability: f.probability,
      from: f.from - start,
      to: f.to - start,
      detectedAt: d ? d.at - start : null,
      detectionMs: d ? d.at - f.from : null,
      stateAtStart: tl.stateAt(f.channel, f.from - lead - 1),
      detectedBy: d
        ? {
            seq: d.seq,
            to: d.to,
            reason: d.reason,
            alsoActive: faults
              .filter(
                (g) =>
                  g !== f &&
                  g.channel === f.channel &&
                  HEALTH_FAULTS.has(g.kind) &&
                  g.from <= d.at &&
                  d.at <= g.to + graceMs,
              )
              .map((g) => g.id),
          }
        : null,
      recovery: recoveryOf(f, facts, tl),
    };
  });
}

/**
 * A fault that justifies taking its channel out: a health fault the monitor can see (it acts on
 * pay), not local to a store or terminal. Scoped by method alone it is channel-wide for that
 * method: every store's orders of that method fail, which is the channel failing them.
 */
export function justifiesSwitch(f: Fault): boolean {
  return HEALTH_FAULTS.has(f.kind) && !isLocal(f) && actsOn(f, 'pay');
}

/**
 * Every decision taking a channel out of healthy, with its cause. It is false when no
 * channel-wide health fault (or planned window) was on that channel at the time (grace after the
 * end allowed, since windows lag): a switch on a local (store or terminal) fault, a fault on
 * query or close alone, a decline storm or lost callbacks is a false switch.
 */
export function scoreSwitches({
  start,
  faults,
  planned,
  decisions,
  graceMs,
}: RunFacts): SwitchReport[] {
  const out: SwitchReport[] = [];
  for (const d of decisions) {
    if (d.from !== 'healthy' || d.to === 'healthy') continue;
    const at = d.at;
    const onChannel = faults.filter(
      (f) => f.channel === d.channel && at >= f.from && at <= f.to + graceMs,
    );
    const cause = onChannel.find(justifiesSwitch);
    const plan = planned.find(
      (p) =>
        p.channel === d.channel &&
        at - start >= p.atMs - p.leadMs &&
        at - start <= p.atMs + p.forMs + graceMs,
    );
    const base = { at: at - start, channel: d.channel, from: d.from, to: d.to, reason: d.reason };
    if (cause) out.push({ ...base, cause: cause.id });
    else if (plan)
      out.push({ ...base, cause: `planned maintenance at ${formatDuration(plan.atMs)}` });
    else {
      const local = onChannel.find(isLocal);
      const offPay = onChannel.find((f) => !actsOn(f, 'pay') && HEALTH_FAULTS.has(f.kind));
      const why = local
        ? `only a local fault (${local.id}, scope ${JSON.stringify(local.scope)}) was active`
        : offPay
          ? `only a fault on ${offPay.scope!.operation!.join(', ')} (${offPay.id}) was active, which pays and probes do not see`
          : onChannel.length > 0
            ? `only ${onChannel.map((f) => f.kind).join(', ')} (no health fault) was active`
            : 'no fault was active';
      out.push({ ...base, cause: null, why });
    }
  }
  return out;
}

export function scoreExpectations(
  expect: readonly Expectation[],
  facts: RunFacts,
  switches: readonly SwitchReport[],
): ExpectationResult[] {
  const { start, decisions } = facts;
  const rel = (t: number) => formatDuration(t - start);
  const tl = timelineOf(facts);
  return expect.map((e): ExpectationResult => {
    switch (e.kind) {
      case 'in':
      case 'transitions':
      case 'backToHealthy':
      case 'backToFullWeight':
      case 'panic':
        return scoreStates(e, facts, tl);
      case 'checkoutSuccess':
      case 'doubleCharges':
      case 'droppedOrdersFound':
      case 'share':
      case 'checkoutP95':
      case 'failovers':
      case 'chargedButReportedFailed':
        return scoreOrders(e, facts, tl);
      case 'reaches': {
        const f =
          'faultId' in e.of
            ? facts.faults.find((x) => x.id === (e.of as { faultId: string }).faultId)
            : undefined;
        const t0 = f ? f.from : start + (e.of as { atMs: number }).atMs;
        const hit = decisions.find(
          (d) =>
            d.channel === e.channel &&
            e.states.includes(d.to) &&
            d.at >= t0 &&
            d.at <= t0 + e.withinMs,
        );
        if (hit)
          return {
            text: e.text,
            pass: true,
            observed: `${hit.to} at ${rel(hit.at)} (+${hit.at - t0}ms, ${hit.reason})`,
          };
        const later = decisions.find(
          (d) => d.channel === e.channel && d.at >= t0 && d.from !== d.to,
        );
        return {
          text: e.text,
          pass: false,
          observed: later
            ? `first change after onset: ${later.from}→${later.to} at +${later.at - t0}ms (${later.reason})`
            : 'no state change after onset',
        };
      }
      case 'noSwitch': {
        const hits = decisions.filter(
          (d) =>
            d.channel === e.channel &&
            d.from !== d.to &&
            d.at - start >= e.fromMs &&
            d.at - start <= e.toMs,
        );
        return {
          text: e.text,
          pass: hits.length === 0,
          observed:
            hits.length === 0
              ? 'no switch'
              : `${hits.length} switch(es), first ${hits[0].from}→${hits[0].to} at ${rel(hits[0].at)} (${hits[0].reason})`,
        };
      }
      case 'noFalseSwitches': {
        const bad = switches.filter((s) => s.cause === null);
        return {
          text: e.text,
          pass: bad.length === 0,
          observed:
            bad.length === 0
              ? `0 false of ${switches.length} switch(es)`
              : `${bad.length} false: ${bad
                  .slice(0, 3)
                  .map(
                    (s) =>
                      `${s.channel} ${s.to} at ${formatDuration(s.at)} (${s.reason}; ${s.why})`,
                  )
                  .join('; ')}`,
        };
      }
      default:
        return e satisfies never;
    }
  });
}

/** The whole report of a run, real or virtual: every figure scored from the same facts. */
export function scoreRun(
  scenario: Scenario,
  seed: number,
  virtual: boolean,
  given: RunFacts,
): ScenarioReport {
  const facts: RunFacts = {
    ...given,
    channels: given.channels ?? timelineChannels(scenario.channels, scenario.pools),
  };
  const switches = scoreSwitches(facts);
  const expectations = scoreExpectations(scenario.expect, facts, switches);
  const tl = timelineOf(facts);
  return {
    scenario: scenario.name,
    seed,
    virtual,
    verdict: expectations.every((e) => e.pass) ? 'pass' : 'fail',
    durationMs: scenario.durationMs,
    expectations,
    faults: scoreFaults(facts),
    falseSwitches: switches.filter((x) => x.cause === null).length,
    switches,
    decisions: facts.decisions.length,
    ...(facts.checkout && { checkout: facts.checkout }),
    timeline: facts.decisions.map((d) => timelineEntry(d, facts.start)),
    transitions: Object.fromEntries(
      scenario.channels.map((c) => [c.id, tl.changes(c.id, -Infinity, Infinity).length]),
    ),
  };
}

function timelineEntry(d: Decision, start: number): TimelineEntry {
  return {
    seq: d.seq,
    at: d.at - start,
    channel: d.channel,
    pool: d.pool,
    from: d.from,
    to: d.to,
    reason: d.reason,
    evidence: d.evidence,
    weights: d.weights,
    ...(d.panic && { panic: true }),
  };
}
