import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_SPLIT } from '../../src/core/options.ts';
import { DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { SimulatorError, type ErrorDetail } from '../SimulatorError.ts';
import { formatDuration, parseDuration } from './duration.ts';
import type { Expectation, Scenario } from './Scenario.ts';
import { type ScenarioFile, scenarioSchema } from './scenarioSchema.ts';

/** Reads, validates and normalises a scenario file; a SimulatorError (scenario_invalid) names every bad field. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SimulatorError(
      'scenario_not_found',
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return parseScenario(text, basename(path));
}

export function parseScenario(text: string, source = 'scenario'): Scenario {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => ({
      path: `line ${e.linePos?.[0]?.line ?? '?'}`,
      message: e.message.split('\n')[0],
    }));
    throw invalid(source, details);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 }); // past it yaml throws: an alias bomb, not a scenario
  } catch (e) {
    throw invalid(source, [{ path: '(file)', message: `YAML aliases: ${(e as Error).message}` }]);
  }
  const r = scenarioSchema.safeParse(data);
  if (!r.success)
    throw invalid(
      source,
      r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  return normalise(r.data, source);
}

function normalise(f: ScenarioFile, source: string): Scenario {
  const problems: ErrorDetail[] = [];
  const ms = (v: string | number, path: string): number => {
    try {
      return parseDuration(v, path);
    } catch (e) {
      problems.push({ path, message: (e as Error).message });
      return 0;
    }
  };
  const channels = f.channels.map((c, i) => ({
    id: c.id,
    flavour: c.flavour,
    pool: c.pool,
    priority: c.priority ?? i + 1,
    latency: c.latency
      ? {
          medianMs: ms(c.latency.median, `channels[${i}].latency.median`),
          p99Ms: ms(c.latency.p99, `channels[${i}].latency.p99`),
        }
      : DEFAULT_BASELINE.latency,
    declineRate: c.rates?.decline ?? DEFAULT_BASELINE.declineRate,
    riskRate: c.rates?.risk ?? DEFAULT_BASELINE.riskRate,
    errorRate: c.rates?.error ?? DEFAULT_BASELINE.errorRate,
    pendingRate: c.rates?.pending ?? DEFAULT_BASELINE.pendingRate,
    ...(c.limits?.min !== undefined && { minAmount: c.limits.min }),
    ...(c.limits?.max !== undefined && { maxAmount: c.limits.max }),
  }));
  const ids = new Set<string>();
  channels.forEach((c, i) => {
    if (ids.has(c.id))
      problems.push({ path: `channels[${i}].id`, message: `channel "${c.id}" appears twice` });
    ids.add(c.id);
  });
  const poolIds = [...new Set(channels.map((c) => c.pool))];
  const pools = poolIds.map(
    (id) => f.pools?.find((p) => p.id === id) ?? { id, split: DEFAULT_SPLIT },
  );
  f.pools?.forEach((p, i) => {
    if (!poolIds.includes(p.id))
      problems.push({ path: `pools[${i}].id`, message: `no channel is in pool "${p.id}"` });
  });
  const channelRef = (id: string, path: string) => {
    if (!ids.has(id))
      problems.push({ path, message: `no channel "${id}" (have ${[...ids].join(', ')})` });
  };

  const counters = new Map<string, number>();
  const faults = (f.faults ?? []).map((spec, i) => {
    channelRef(spec.channel, `faults[${i}].channel`);
    for (const k of ['at', 'for', 'ramp', 'latency', 'on', 'off'] as const)
      if (spec[k] !== undefined) ms(spec[k]!, `faults[${i}].${k}`);
    if (spec.kind === 'flapping' && (spec.on === undefined || spec.off === undefined))
      problems.push({
        path: `faults[${i}].on`,
        message: 'a flapping fault needs on and off periods',
      });
    const base = `${spec.channel}-${spec.kind}`;
    const n = (counters.get(base) ?? 0) + 1;
    counters.set(base, n);
    return { ...spec, id: spec.id ?? (n === 1 ? base : `${base}-${n}`) };
  });
  const faultIds = new Set<string>();
  faults.forEach((x, i) => {
    if (faultIds.has(x.id))
      problems.push({ path: `faults[${i}].id`, message: `fault id "${x.id}" appears twice` });
    faultIds.add(x.id);
  });

  const durationMs = ms(f.duration, 'duration');
  const maintenance = (f.maintenance ?? []).map((m, i) => {
    channelRef(m.channel, `maintenance[${i}].channel`);
    return {
      channel: m.channel,
      atMs: ms(m.at, `maintenance[${i}].at`),
      forMs: ms(m.for, `maintenance[${i}].for`),
      leadMs: m.lead !== undefined ? ms(m.lead, `maintenance[${i}].lead`) : 0,
    };
  });

  const t = f.traffic;
  const traffic = t && {
    rate:
      typeof t.rate === 'number'
        ? [{ atMs: 0, rps: t.rate }]
        : t.rate.map((p, i) => ({ atMs: ms(p.at, `traffic.rate[${i}].at`), rps: p.rps })),
    timeoutMs: t.timeout !== undefined ? ms(t.timeout, 'traffic.timeout') : 3000,
    stores: t.stores ?? 20,
    terminalsPerStore: t.terminalsPerStore ?? 3,
    pools: t.pools ?? Object.fromEntries(poolIds.map((p) => [p, 1])),
    segments: t.segments ?? { new: 20, regular: 60, vip: 15, corporate: 5 },
    amount: t.amount ?? { median: 4800, p99: 60_000 },
    customerDeclines: t.customerDeclines ?? 0.01,
  };
  if (traffic) {
    for (const p of Object.keys(traffic.pools))
      if (!poolIds.includes(p))
        problems.push({ path: `traffic.pools.${p}`, message: `no channel is in pool "${p}"` });
    traffic.rate.forEach((p, i) => {
      if (i > 0 && p.atMs < traffic.rate[i - 1].atMs)
        problems.push({
          path: `traffic.rate[${i}].at`,
          message: 'rate points must be in time order',
        });
    });
  }

  const expect: Expectation[] = (f.expect ?? []).map((e, i): Expectation => {
    const path = `expect[${i}]`;
    if ('reaches' in e) {
      channelRef(e.channel, `${path}.channel`);
      const states = Array.isArray(e.reaches) ? e.reaches : [e.reaches];
      const withinMs = ms(e.within, `${path}.within`);
      let of: { faultId: string } | { atMs: number };
      if (typeof e.of === 'string' && faultIds.has(e.of)) of = { faultId: e.of };
      else if (typeof e.of === 'number' || /^[\d.]+(ms|h|m|s)?/.test(e.of))
        of = { atMs: ms(e.of, `${path}.of`) };
      else {
        problems.push({
          path: `${path}.of`,
          message: `"${e.of}" is neither a fault id (have ${[...faultIds].join(', ') || 'none'}) nor a time`,
        });
        of = { atMs: 0 };
      }
      const ofText =
        'faultId' in of
          ? `${of.faultId} (${formatDuration(ms(faults.find((x) => x.id === (of as { faultId: string }).faultId)!.at ?? 0, 'at'))})`
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
      channelRef(e.channel, `${path}.channel`);
      const fromMs =
        e.noSwitch === true || e.noSwitch.from === undefined
          ? 0
          : ms(e.noSwitch.from, `${path}.noSwitch.from`);
      const toMs =
        e.noSwitch === true || e.noSwitch.to === undefined
          ? Number.MAX_SAFE_INTEGER
          : ms(e.noSwitch.to, `${path}.noSwitch.to`);
      const range =
        e.noSwitch === true
          ? 'at any time'
          : `from ${formatDuration(fromMs)}${toMs < Number.MAX_SAFE_INTEGER ? ` to ${formatDuration(toMs)}` : ''}`;
      return {
        kind: 'noSwitch',
        text: `${e.channel} takes no switch ${range}`,
        channel: e.channel,
        fromMs,
        toMs,
      };
    }
    if ('noFalseSwitches' in e) return { kind: 'noFalseSwitches', text: 'no false switches' };
    if ('checkoutSuccess' in e) {
      if (!t) problems.push({ path, message: 'checkoutSuccess needs a traffic block' });
      const parts = [
        e.checkoutSuccess.atLeast !== undefined && `at least ${e.checkoutSuccess.atLeast}`,
        e.checkoutSuccess.atLeastStatic && 'at least the static checkout’s',
        e.checkoutSuccess.withinOfOracle !== undefined &&
          `within ${e.checkoutSuccess.withinOfOracle} of the oracle’s`,
      ].filter(Boolean);
      return {
        kind: 'checkoutSuccess',
        text: `checkout success ${parts.join(' and ')}`,
        ...e.checkoutSuccess,
      };
    }
    if ('droppedOrdersFound' in e) {
      if (!t) problems.push({ path, message: 'droppedOrdersFound needs a traffic block' });
      return { kind: 'droppedOrdersFound', text: 'every dropped order found' };
    }
    if (!t) problems.push({ path, message: 'doubleCharges needs a traffic block' });
    return {
      kind: 'doubleCharges',
      text:
        e.doubleCharges === 0 ? 'zero double charges' : `at most ${e.doubleCharges} double charges`,
      atMost: e.doubleCharges,
    };
  });

  if (problems.length > 0) throw invalid(source, problems);
  return {
    name: f.name,
    description: f.description ?? '',
    seed: f.seed ?? 1,
    durationMs,
    probeIntervalMs: f.probeInterval !== undefined ? ms(f.probeInterval, 'probeInterval') : 5000,
    channels,
    pools,
    engine: (f.engine ?? {}) as Scenario['engine'],
    maintenance,
    ...(traffic && { traffic }),
    faults,
    expect,
    graceMs: f.scoring?.grace !== undefined ? ms(f.scoring.grace, 'scoring.grace') : 15_000,
  };
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

function invalid(source: string, details: ErrorDetail[]): SimulatorError {
  return new SimulatorError(
    'scenario_invalid',
    `${source}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}
