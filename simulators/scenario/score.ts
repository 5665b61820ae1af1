import type { Decision } from '../../src/core/decision.ts';
import { actsOn, type Fault, HEALTH_FAULTS, isLocal } from '../faults/Fault.ts';
import { formatDuration } from './duration.ts';
import type {
  CheckoutReport,
  ExpectationResult,
  FaultReport,
  ScenarioReport,
  SwitchReport,
} from './Report.ts';
import type { Expectation, PlannedMaintenance, Scenario } from './Scenario.ts';

/** What the scorer reads: the ground truth and what the monitor decided; times absolute, `start` the scenario's t0. */
export interface RunFacts {
  start: number;
  faults: readonly Fault[];
  planned: readonly PlannedMaintenance[];
  decisions: readonly Decision[];
  graceMs: number;
  checkout?: CheckoutReport;
}

const OUT_OF_SERVICE = new Set(['degraded', 'down', 'maintenance']);

/** Detection time per fault (negative for a planned window drained ahead): the first decision at or after onset moving its channel out of service, up to its end plus grace. */
export function scoreFaults({
  start,
  faults,
  planned,
  decisions,
  graceMs,
}: RunFacts): FaultReport[] {
  return faults.map((f) => {
    // An announced window is drained `lead` ahead: reacting then is on time, not early.
    const lead =
      planned.find(
        (p) => p.channel === f.channel && start + p.atMs === f.from && f.kind === 'maintenance',
      )?.leadMs ?? 0;
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
  return expect.map((e): ExpectationResult => {
    switch (e.kind) {
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
      case 'checkoutSuccess': {
        const c = facts.checkout;
        if (!c) return { text: e.text, pass: false, observed: 'no checkout ran' };
        const okAbs = e.atLeast === undefined || c.successRate >= e.atLeast;
        const okStatic =
          !e.atLeastStatic ||
          (c.staticSuccessRate !== null && c.successRate >= c.staticSuccessRate);
        const okOracle =
          e.withinOfOracle === undefined ||
          (c.oracleSuccessRate !== null &&
            c.oracleSuccessRate - c.successRate <= e.withinOfOracle + 1e-9);
        return {
          text: e.text,
          pass: okAbs && okStatic && okOracle,
          observed: `switchyard ${c.successRate}, static ${c.staticSuccessRate ?? '-'}, oracle ${c.oracleSuccessRate ?? '-'}`,
        };
      }
      case 'doubleCharges': {
        const c = facts.checkout;
        if (!c) return { text: e.text, pass: false, observed: 'no checkout ran' };
        return {
          text: e.text,
          pass: c.doubleCharges <= e.atMost,
          observed: `${c.doubleCharges} double charge(s) of ${c.succeeded} paid`,
        };
      }
      case 'droppedOrdersFound': {
        const c = facts.checkout;
        if (!c) return { text: e.text, pass: false, observed: 'no checkout ran' };
        const { injected, found } = c.droppedOrders;
        return {
          text: e.text,
          pass: found === injected,
          observed: `${found} of ${injected} found`,
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
  facts: RunFacts,
): ScenarioReport {
  const switches = scoreSwitches(facts);
  const expectations = scoreExpectations(scenario.expect, facts, switches);
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
  };
}
