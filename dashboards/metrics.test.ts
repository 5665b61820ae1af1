import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { startMonitor, type RunningMonitor } from '../src/server/startMonitor.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';
import { familyOf, parseExposition, type Family } from './exposition.ts';
import { literalValues, metricNames, selectors } from './promql.ts';
import { dashboardQueries, loadDashboard, ruleQueries, type Query } from './queries.ts';

// A real monitor on an ephemeral port, on virtual time, with one probe answered by a fake fetch.
// The lazily created counters (decisions, probe results, ingest requests) get a sample each, so
// label checks see every metric with labels.
let monitor: RunningMonitor;
let families: Map<string, Family>;

beforeAll(async () => {
  const input = demoConfigInput();
  const config = resolveConfig({
    ...input,
    channels: input.channels.map((c) =>
      c.id === 'wechat'
        ? { ...c, probe: { url: 'http://probe.test/wechat', intervalMs: 1000, timeoutMs: 500 } }
        : c,
    ),
  });
  const scheduler = new VirtualScheduler(Date.UTC(2026, 10, 22));
  let probed = 0;
  const fetch = (async () => {
    probed++;
    return new Response('ok');
  }) as typeof globalThis.fetch;
  monitor = await startMonitor({
    config,
    port: 0,
    host: '127.0.0.1',
    scheduler,
    log: silentLogger,
    fetch,
    epoch: 'metrics-test',
    processMetrics: true,
  });
  for (let i = 0; i < 5 && probed === 0; i++) await scheduler.advance(1000);
  expect(probed).toBeGreaterThan(0);
  const ingest = await globalThis.fetch(`${monitor.url}/v1/outcomes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      { channel: 'wechat', outcome: 'success', latencyMs: 120 },
      { channel: 'alipay', code: 'NOT_A_KNOWN_CODE', latencyMs: 80 },
    ]),
  });
  expect(ingest.status).toBe(202);
  monitor.engine.setOverride('alipay', {
    state: 'down',
    until: scheduler.clock.now() + 60_000,
    reason: 'metrics test',
  });
  const res = await globalThis.fetch(`${monitor.url}/metrics`);
  expect(res.status).toBe(200);
  families = parseExposition(await res.text());
});

afterAll(async () => {
  await monitor?.close();
});

const queries: Query[] = [...dashboardQueries(loadDashboard()), ...ruleQueries()];

describe('every metric the dashboard and the rules read', () => {
  it('is exported by the monitor', () => {
    const used = new Set(queries.flatMap((q) => metricNames(q.expr)));
    expect(used.size).toBeGreaterThanOrEqual(15);
    const missing = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((n) => !familyOf(n, families))
        .map((n) => `${n} (${q.where})`),
    );
    expect(missing, `not in GET /metrics: ${missing.join(', ')}`).toEqual([]);
  });

  it('is read with labels it has, and with label values it exports', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const q of queries) {
      for (const s of selectors(q.expr)) {
        const family = familyOf(s.metric, families);
        if (!family) continue; // reported by the test above
        const samples = families
          .get(family)!
          .samples.filter((x) => x.name === s.metric || family === s.metric);
        if (samples.length === 0) {
          problems.push(`${s.metric} has no sample to check labels against (${q.where})`);
          continue;
        }
        for (const m of s.matchers) {
          checked++;
          if (!samples.some((x) => m.label in x.labels)) {
            problems.push(`${s.metric} has no label "${m.label}" (${q.where})`);
            continue;
          }
          for (const v of literalValues(m) ?? []) {
            if (!samples.some((x) => x.labels[m.label] === v))
              problems.push(`${s.metric} never has ${m.label}="${v}" (${q.where})`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(50);
    expect(problems).toEqual([]);
  });
});
