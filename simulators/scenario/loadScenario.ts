import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_SPLIT } from '../../src/core/options.ts';
import { round } from '../../src/core/round.ts';
import { DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { DEFAULT_FAULT_TTL_MS, specProblems } from '../faults/faultSpec.ts';
import { SimulatorError, type ErrorDetail } from '../SimulatorError.ts';
import { parseDuration } from './duration.ts';
import { storeId } from '../traffic/TrafficGenerator.ts';
import { EXPECTATION_KEYS, EXPECTATION_SCHEMAS } from './expectationSchema.ts';
import { plannedFaultId, type Scenario } from './Scenario.ts';
import { type ScenarioFile, scenarioSchema } from './scenarioSchema.ts';
import { type ExpectationContext, toExpectation } from './toExpectation.ts';

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
  const raw = data;
  const r = scenarioSchema.safeParse(raw);
  if (!r.success)
    throw invalid(
      source,
      r.error.issues.flatMap((i) => explain(i, raw)),
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
    ...(c.rates?.payerConfirms !== undefined && { payerConfirms: c.rates.payerConfirms }),
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
    for (const d of specProblems(spec))
      problems.push({ path: `faults[${i}].${d.path}`, message: d.message });
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
    storeShares: t.storeShares ?? {},
  };
  if (traffic) {
    for (const p of Object.keys(traffic.pools))
      if (!poolIds.includes(p))
        problems.push({ path: `traffic.pools.${p}`, message: `no channel is in pool "${p}"` });
    const stores = traffic.stores;
    const last = storeId(stores);
    let sum = 0;
    for (const [id, share] of Object.entries(traffic.storeShares)) {
      sum += share;
      const n = /^s-(\d{3,})$/.exec(id);
      if (!n || Number(n[1]) < 1 || Number(n[1]) > stores)
        problems.push({
          path: `traffic.storeShares.${id}`,
          message: `no store "${id}": stores are ${storeId(1)} … ${last} (traffic.stores: ${stores}); name one of those or raise traffic.stores`,
        });
    }
    if (sum > 1 + 1e-9)
      problems.push({
        path: 'traffic.storeShares',
        message: `the shares sum to ${round(sum, 3)}; they must sum to at most 1 (the other stores split the rest)`,
      });
    traffic.rate.forEach((p, i) => {
      if (i > 0 && p.atMs < traffic.rate[i - 1].atMs)
        problems.push({
          path: `traffic.rate[${i}].at`,
          message: 'rate points must be in time order',
        });
    });
  }

  const windows = new Map<string, { channel: string; atMs: number; endMs: number }>();
  for (const x of faults) {
    // bad durations are reported above, under the fault's own path
    const atMs = x.at !== undefined ? quiet(x.at) : 0;
    const forMs = x.for !== undefined ? quiet(x.for) : DEFAULT_FAULT_TTL_MS;
    windows.set(x.id, { channel: x.channel, atMs, endMs: atMs + forMs });
  }
  for (const [i, m] of maintenance.entries())
    windows.set(plannedFaultId(m.channel, i), {
      channel: m.channel,
      atMs: m.atMs,
      endMs: m.atMs + m.forMs,
    });
  const ctx: ExpectationContext = {
    ms,
    problems,
    channels: new Map(channels.map((c) => [c.id, c])),
    windows,
    trafficPools: traffic ? Object.keys(traffic.pools) : null,
  };
  const expect = (f.expect ?? []).map((e, i) => toExpectation(e, `expect[${i}]`, ctx));

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

/**
 * A zod issue as details that name the field and say what to write. A union's "Invalid input" is
 * opened: an `expect` entry by the key that names its kind, any other union by the one branch the
 * value nearly fits (else the union's own message, which lists the forms).
 */
function explain(issue: z.core.$ZodIssue, raw: unknown, prefix: PropertyKey[] = []): ErrorDetail[] {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union') return [{ path: formatPath(path), message: issue.message }];
  if (path.length === 2 && path[0] === 'expect' && typeof path[1] === 'number') {
    const entry = (raw as { expect?: unknown[] }).expect?.[path[1]];
    const keys = EXPECTATION_KEYS.filter(
      (k) => typeof entry === 'object' && entry !== null && k in entry,
    );
    if (keys.length !== 1)
      return [
        {
          path: formatPath(path),
          message:
            keys.length === 0
              ? `not an expectation: give one of ${EXPECTATION_KEYS.join(', ')}`
              : `one expectation per entry, found ${keys.join(' and ')}: split them`,
        },
      ];
    const r = EXPECTATION_SCHEMAS[keys[0]].safeParse(entry);
    if (!r.success) return r.error.issues.flatMap((i) => explain(i, raw, path));
  }
  const near = issue.errors.filter(
    (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  if (near.length === 1) return near[0].flatMap((i) => explain(i, raw, path));
  return [{ path: formatPath(path), message: issue.message }];
}

function quiet(v: string | number): number {
  try {
    return parseDuration(v);
  } catch {
    return 0;
  }
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
