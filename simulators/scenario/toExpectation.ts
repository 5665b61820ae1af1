import { round } from '../../src/core/round.ts';
import type { ErrorDetail } from '../SimulatorError.ts';
import { formatDuration } from './duration.ts';
import type { ExpectationSpec } from './expectationSchema.ts';
import type { Expectation, Range } from './Scenario.ts';

/** What normalising an expectation needs from the rest of the file. */
export interface ExpectationContext {
  /** A duration in ms; a bad one is recorded as a problem at `path`. */
  ms(v: string | number, path: string): number;
  problems: ErrorDetail[];
  channels: ReadonlyMap<string, { pool: string }>;
  /** Faults and planned windows by id, times in ms from the start. */
  windows: ReadonlyMap<string, { channel: string; atMs: number; endMs: number }>;
  /** Pools that get orders. */
  trafficPools: readonly string[] | null;
}

const END = Number.MAX_SAFE_INTEGER;

/** One `expect` entry, validated against the file and given its readable text; times in ms from the start. */
export function toExpectation(
  e: ExpectationSpec,
  path: string,
  ctx: ExpectationContext,
): Expectation {
  const { ms, problems } = ctx;
  const problem = (at: string, message: string) => problems.push({ path: at, message });
  const channel = (id: string) => {
    if (!ctx.channels.has(id))
      problem(
        `${path}.channel`,
        `no channel "${id}" (have ${[...ctx.channels.keys()].join(', ')})`,
      );
    return id;
  };
  const needsTraffic = (what: string) => {
    if (!ctx.trafficPools) problem(path, `${what} needs a traffic block`);
  };
  const range = (r: { from?: string | number; to?: string | number }, at = path): Range => {
    const fromMs = r.from !== undefined ? ms(r.from, `${at}.from`) : 0;
    const toMs = r.to !== undefined ? ms(r.to, `${at}.to`) : END;
    if (toMs < fromMs)
      problem(
        `${at}.to`,
        `the range ends (${r.to}) before it starts (${r.from}): swap from and to`,
      );
    return { fromMs, toMs };
  };
  const window = (id: string, at: string) => {
    const w = ctx.windows.get(id);
    if (!w) problem(at, `no fault "${id}" (have ${[...ctx.windows.keys()].join(', ') || 'none'})`);
    return w ?? { channel: '?', atMs: 0, endMs: 0 };
  };

  if ('reaches' in e) {
    channel(e.channel);
    const states = Array.isArray(e.reaches) ? e.reaches : [e.reaches];
    const withinMs = ms(e.within, `${path}.within`);
    let of: { faultId: string } | { atMs: number };
    if (typeof e.of === 'string' && ctx.windows.has(e.of)) of = { faultId: e.of };
    else if (typeof e.of === 'number' || /^[\d.]+(ms|h|m|s)?/.test(e.of))
      of = { atMs: ms(e.of, `${path}.of`) };
    else {
      problem(
        `${path}.of`,
        `"${e.of}" is neither a fault id (have ${[...ctx.windows.keys()].join(', ') || 'none'}) nor a time`,
      );
      of = { atMs: 0 };
    }
    const ofText =
      'faultId' in of
        ? `${of.faultId} (${formatDuration(ctx.windows.get(of.faultId)!.atMs)})`
        : formatDuration(of.atMs);
    return {
      kind: 'reaches',
      text: `${e.channel} ${states.join(' or ')} within ${formatDuration(withinMs)} of ${ofText}`,
      channel: e.channel,
      states,
      withinMs,
      of,
    };
  }
  if ('noSwitch' in e) {
    channel(e.channel);
    const r =
      e.noSwitch === true ? { fromMs: 0, toMs: END } : range(e.noSwitch, `${path}.noSwitch`);
    const text =
      e.noSwitch === true
        ? 'at any time'
        : `from ${formatDuration(r.fromMs)}${r.toMs < END ? ` to ${formatDuration(r.toMs)}` : ''}`;
    return {
      kind: 'noSwitch',
      text: `${e.channel} takes no switch ${text}`,
      channel: e.channel,
      ...r,
    };
  }
  if ('noFalseSwitches' in e) return { kind: 'noFalseSwitches', text: 'no false switches' };
  if ('checkoutSuccess' in e) {
    needsTraffic('checkoutSuccess');
    const c = e.checkoutSuccess;
    const parts = [
      c.atLeast !== undefined && `at least ${c.atLeast}`,
      c.atLeastStatic && 'at least the static checkout’s',
      c.withinOfOracle !== undefined && `within ${c.withinOfOracle} of the oracle’s`,
    ].filter(Boolean);
    return { kind: 'checkoutSuccess', text: `checkout success ${parts.join(' and ')}`, ...c };
  }
  if ('droppedOrdersFound' in e) {
    needsTraffic('droppedOrdersFound');
    return { kind: 'droppedOrdersFound', text: 'every dropped order found' };
  }
  if ('doubleCharges' in e) {
    needsTraffic('doubleCharges');
    const n = e.doubleCharges;
    return {
      kind: 'doubleCharges',
      text: n === 0 ? 'zero double charges' : `at most ${n} double charges`,
      atMost: n,
    };
  }
  if ('in' in e) {
    channel(e.channel);
    const states = Array.isArray(e.in) ? e.in : [e.in];
    const r = range(e);
    return {
      kind: 'in',
      text: `${e.channel} in ${states.join(' or ')} ${rangeText(r, 'throughout the run')}`,
      channel: e.channel,
      states,
      ...r,
    };
  }
  if ('transitions' in e) {
    if (e.channel !== undefined) channel(e.channel);
    const n = e.transitions.atMost;
    const r = range(e);
    return {
      kind: 'transitions',
      text: `${e.channel ?? 'every channel'}: at most ${n} transition${n === 1 ? '' : 's'} ${rangeText(r, 'in the run')}`,
      ...(e.channel !== undefined && { channel: e.channel }),
      atMost: n,
      ...r,
    };
  }
  if ('backToHealthy' in e || 'backToFullWeight' in e) {
    const healthy = 'backToHealthy' in e;
    const spec = healthy ? e.backToHealthy : e.backToFullWeight;
    const key = healthy ? 'backToHealthy' : 'backToFullWeight';
    const w = window(spec.of, `${path}.${key}.of`);
    const withinMs = ms(spec.within, `${path}.${key}.within`);
    return {
      kind: key,
      text: `${w.channel} back to ${healthy ? 'healthy' : 'full weight'} within ${formatDuration(withinMs)} of ${spec.of}'s end (${formatDuration(w.endMs)})`,
      faultId: spec.of,
      withinMs,
    };
  }
  if ('panic' in e) {
    const pools = new Set([...ctx.channels.values()].map((c) => c.pool));
    if (e.pool !== undefined && !pools.has(e.pool))
      problem(`${path}.pool`, `no pool "${e.pool}" (have ${[...pools].join(', ')})`);
    const who =
      e.pool !== undefined
        ? `pool ${e.pool} ${e.panic ? 'panics' : 'never panics'}`
        : `${e.panic ? 'some' : 'no'} pool panics`;
    const r = range(e);
    return {
      kind: 'panic',
      text: `${who} ${rangeText(r, 'in the run')}`,
      ...(e.pool !== undefined && { pool: e.pool }),
      happens: e.panic,
      ...r,
    };
  }
  if ('share' in e) {
    needsTraffic('share');
    channel(e.channel);
    const { atLeast, atMost } = e.share;
    if (atLeast === undefined && atMost === undefined)
      problem(`${path}.share`, 'give atLeast, atMost or both (shares as fractions: 0.4 is 40 %)');
    if (atLeast !== undefined && atMost !== undefined && atLeast > atMost)
      problem(`${path}.share`, `atLeast ${atLeast} is over atMost ${atMost}: swap them`);
    const pool = ctx.channels.get(e.channel)?.pool;
    if (pool && ctx.trafficPools && !ctx.trafficPools.includes(pool))
      problem(`${path}.channel`, `pool "${pool}" gets no orders: give it a share in traffic.pools`);
    const parts = [
      atLeast !== undefined && `at least ${pct(atLeast)}`,
      atMost !== undefined && `at most ${pct(atMost)}`,
    ].filter(Boolean);
    const r = range(e);
    return {
      kind: 'share',
      text: `${e.channel} takes ${parts.join(' and ')} of first attempts ${rangeText(r, 'in the run')}`,
      channel: e.channel,
      ...(atLeast !== undefined && { atLeast }),
      ...(atMost !== undefined && { atMost }),
      ...r,
    };
  }
  if ('checkoutP95' in e) {
    needsTraffic('checkoutP95');
    const atMostMs = ms(e.checkoutP95.atMost, `${path}.checkoutP95.atMost`);
    const r = range(e);
    return {
      kind: 'checkoutP95',
      text: `checkout p95 at most ${atMostMs} ms ${rangeText(r, 'over the run')}`,
      atMostMs,
      ...r,
    };
  }
  if ('failovers' in e) {
    needsTraffic('failovers');
    const r = range(e);
    return {
      kind: 'failovers',
      text: `at most ${e.failovers.atMost} failovers (orders needing a second channel) ${rangeText(r, 'in the run')}`,
      atMost: e.failovers.atMost,
      ...r,
    };
  }
  needsTraffic('chargedButReportedFailed');
  const n = e.chargedButReportedFailed;
  return {
    kind: 'chargedButReportedFailed',
    text: `${n === 0 ? 'no' : `at most ${n}`} charged order${n === 1 ? '' : 's'} reported failed`,
    atMost: n,
  };
}

function rangeText({ fromMs, toMs }: Range, whole: string): string {
  if (fromMs === 0 && toMs === END) return whole;
  if (toMs === END) return `from ${formatDuration(fromMs)}`;
  if (fromMs === 0) return `until ${formatDuration(toMs)}`;
  return `from ${formatDuration(fromMs)} to ${formatDuration(toMs)}`;
}

const pct = (x: number) => `${round(x * 100, 1)}%`;
