import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { startMonitor, type RunningMonitor } from '../src/server/startMonitor.ts';
import { PROMETHEUS_HINT, findTool } from './promtool.ts';
import { RULES_PATH, dashboardQueries, loadDashboard } from './queries.ts';

// The dashboard's queries against a real Prometheus (Debian's package) scraping a real monitor
// every 250 ms while traffic flows: each panel, annotation and variable must return series.
// Scrapes run on real time, so the test polls for data (up to a deadline) instead of sleeping.

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}
const prometheusBin = findTool('prometheus');
const tmp = mkdtempSync(join(tmpdir(), 'switchyard-prometheus-'));
let monitor: RunningMonitor | undefined;
let prometheus: ChildProcess | undefined;
let api = '';
let traffic: Promise<void> | undefined;
let stopTraffic = false;
let prometheusLog = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      })
      .on('error', reject);
  });
}

async function query(expr: string): Promise<Series[]> {
  const res = await fetch(`${api}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: Series[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

/** Grafana's variables as a Grafana over this Prometheus would fill them in. */
function fill(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '2s')
    .replaceAll('$__range', '1m')
    .replaceAll('$pool', '.*')
    .replaceAll('$channel', '.*');
}

beforeAll(async () => {
  if (!prometheusBin) return;
  const input = demoConfigInput();
  const config = resolveConfig({
    ...input,
    channels: input.channels.map((c) =>
      c.id === 'wechat'
        ? { ...c, probe: { url: 'http://probe.test/wechat', intervalMs: 200, timeoutMs: 100 } }
        : c,
    ),
  });
  const fakeFetch = (async () => new Response('ok')) as typeof globalThis.fetch;
  monitor = await startMonitor({
    config,
    port: 0,
    host: '127.0.0.1',
    log: silentLogger,
    fetch: fakeFetch,
    epoch: 'prometheus-test',
  });
  // Both card channels forced down: pool card in panic, a decision for each.
  const until = Date.now() + 600_000;
  monitor.engine.setOverride('bank_a', { state: 'down', until, reason: 'prometheus test' });
  monitor.engine.setOverride('bank_b', { state: 'down', until, reason: 'prometheus test' });
  const url = monitor.url;
  traffic = (async () => {
    for (let _n = 0; !stopTraffic; _n++) {
      const events = ['wechat', 'alipay', 'unionpay'].flatMap((channel, i) => [
        { channel, outcome: 'success', latencyMs: 100 + 50 * i },
        { channel, outcome: 'decline', latencyMs: 900 },
      ]);
      await fetch(`${url}/v1/outcomes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(tmp, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '250ms', evaluation_interval: '1s' },
      rule_files: [RULES_PATH],
      scrape_configs: [
        { job_name: 'switchyard', static_configs: [{ targets: [new URL(url).host] }] },
      ],
    }),
  );
  prometheus = spawn(
    prometheusBin,
    [
      `--config.file=${join(tmp, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(tmp, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr!.on('data', (d) => {
    prometheusLog = (prometheusLog + d).slice(-4000);
  });
}, 30_000);

afterAll(async () => {
  stopTraffic = true;
  await traffic;
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus!.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited;
  }
  await monitor?.close();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

describe('the Grafana dashboard on a real Prometheus scraping a real monitor', () => {
  it('prometheus is installed', () => {
    expect(prometheusBin, PROMETHEUS_HINT).toBeDefined();
  });

  it('every panel, annotation and variable query returns data', async () => {
    if (!prometheusBin) throw new Error(PROMETHEUS_HINT);
    const queries = dashboardQueries(loadDashboard()).map((q) => ({
      ...q,
      // Variable queries are label_values(metric, label): their metric must have series.
      expr: q.promql ? fill(q.expr) : fill(/^label_values\((.*), \w+\)$/.exec(q.expr)![1]),
    }));
    const deadline = Date.now() + 25_000;
    let empty = queries;
    while (empty.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      const results = await Promise.all(empty.map((q) => query(q.expr).catch(() => [])));
      empty = empty.filter((_, i) => results[i].length === 0);
    }
    expect(
      empty.map((q) => `${q.where}: ${q.expr}`),
      `no data; prometheus said: ${prometheusLog}`,
    ).toEqual([]);
  }, 30_000);

  it('shows what the monitor knows: states coded, weights adding up, panic, success without declines', async () => {
    if (!prometheusBin) throw new Error(PROMETHEUS_HINT);
    const dashboard = loadDashboard();
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
    const expr = (title: string) => fill(panels.find((p) => p.title === title)!.targets![0].expr!);
    const byLabel = (series: Series[], label: string) =>
      Object.fromEntries(series.map((s) => [s.metric[label], Number(s.value[1])]));

    const states = byLabel(await query(expr('Channel states — $pool')), 'channel');
    expect(states).toEqual({ bank_a: 3, bank_b: 3, wechat: 1, alipay: 1, unionpay: 1 }); // 3 = down, 1 = healthy
    const weights = byLabel(
      await query(
        `sum by (pool) (${expr('Traffic weights — $pool').replace('max by (channel)', 'max by (pool, channel)')})`,
      ),
      'pool',
    );
    expect(weights.qr).toBeCloseTo(1, 9);
    expect(Number((await query(expr('Pools in panic')))[0].value[1])).toBe(1);
    // As many declines as successes, nothing else: counted as failures, declines would make it 50%.
    const success = byLabel(await query(expr('Checkout success by pool')), 'pool');
    expect(success.qr).toBe(1);
  }, 30_000);
});
