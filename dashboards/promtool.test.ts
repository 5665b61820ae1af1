import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROMTOOL_HINT, findPromtool, runPromtool } from './promtool.ts';
import {
  PROMETHEUS_DIR,
  RULES_PATH,
  allPanels,
  dashboardQueries,
  loadDashboard,
  ruleQueries,
  withGrafanaVariables,
} from './queries.ts';

const TESTS_PATH = join(PROMETHEUS_DIR, 'switchyard.rules.test.yml');
const found = findPromtool();
// CI installs promtool, so a missing one is a failure to fix, never a reason to skip.
function promtool(): string {
  if (!found) throw new Error(PROMTOOL_HINT);
  return found;
}

const tmp = mkdtempSync(join(tmpdir(), 'switchyard-promtool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts?: unknown[];
}
interface TestFile {
  tests: { name: string; alert_rule_test?: AlertTest[] }[];
}

describe('Prometheus rules', () => {
  it('promtool is installed', () => {
    expect(found, PROMTOOL_HINT).toBeDefined();
  });

  it('pass `promtool check rules`', async () => {
    const run = await runPromtool(promtool(), ['check', 'rules', RULES_PATH]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pass their unit tests (`promtool test rules`)', async () => {
    const run = await runPromtool(
      promtool(),
      ['test', 'rules', 'switchyard.rules.test.yml'],
      PROMETHEUS_DIR,
    );
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  it('have unit tests where every alert fires and where it stays silent', () => {
    const alerts = ruleQueries()
      .filter((q) => q.where.startsWith('alert '))
      .map((q) => q.where.slice('alert '.length));
    const cases = (parse(readFileSync(TESTS_PATH, 'utf8')) as TestFile).tests.flatMap(
      (t) => t.alert_rule_test ?? [],
    );
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert}: no test where it fires`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert}: no test where it stays silent`,
      ).toBe(true);
    }
  });

  // The unit tests must be able to fail: with the 95% threshold loosened to 50%, they do.
  it('unit tests fail when a rule is broken', async () => {
    const dir = mkdtempSync(join(tmp, 'mutant-'));
    const rules = readFileSync(RULES_PATH, 'utf8');
    expect(rules).toContain('switchyard:checkout_success:ratio_rate5m < 0.95');
    writeFileSync(
      join(dir, 'switchyard.rules.yml'),
      rules.replace(
        'switchyard:checkout_success:ratio_rate5m < 0.95',
        'switchyard:checkout_success:ratio_rate5m < 0.5',
      ),
    );
    copyFileSync(TESTS_PATH, join(dir, 'switchyard.rules.test.yml'));
    const run = await runPromtool(promtool(), ['test', 'rules', 'switchyard.rules.test.yml'], dir);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('alertname: SwitchyardCheckoutSuccessLow');
  });

  it('the example prometheus.yml passes `promtool check config`, rules included', async () => {
    const run = await runPromtool(promtool(), [
      'check',
      'config',
      join(PROMETHEUS_DIR, 'prometheus.yml'),
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe('Grafana dashboard queries', () => {
  const dashboard = loadDashboard();
  const queries = dashboardQueries(dashboard).filter((q) => q.promql);

  it('are valid PromQL once Grafana has filled in its variables', async () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const file = join(tmp, 'dashboard.rules.yml');
    writeFileSync(
      file,
      stringify({
        groups: [
          {
            name: 'dashboard',
            rules: queries.map((q, i) => ({
              record: `dashboard:query_${i}`,
              expr: withGrafanaVariables(q.expr),
            })),
          },
        ],
      }),
    );
    const run = await runPromtool(promtool(), ['check', 'rules', file]);
    const index = queries.map((q, i) => `query_${i}: ${q.where}`).join('\n');
    expect(run.code, `${run.output}\n${index}`).toBe(0);
  });

  // The state timeline turns the one-gauge-per-state export into one coded value per channel, and
  // the decisions annotation must see a label set's very first decision: both checked on data.
  it('state timeline codes and decision annotations read the right values', async () => {
    const timeline = allPanels(dashboard.panels).find((p) => p.type === 'state-timeline');
    const decisions = dashboard.annotations?.list.find((a) => a.name === 'Decisions');
    expect(timeline?.targets?.[0]?.expr).toBeDefined();
    expect(decisions?.expr).toBeDefined();
    const fill = (e: string) => e.replaceAll('$pool', 'qr').replaceAll('$channel', '.*');
    const state = (name: string, values: string) => ({
      series: `switchyard_channel_state{channel="wechat", pool="qr", state="${name}"}`,
      values,
    });
    const decision = `{channel="wechat", pool="qr", reason="error_rate", to="down"}`;
    const testFile = {
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            state('healthy', '1 0 0 0 0'),
            state('degraded', '0 0 0 0 1'),
            state('down', '0 1 0 0 0'),
            state('probing', '0 0 1 0 0'),
            state('maintenance', '0 0 0 1 0'),
            {
              series: `switchyard_channel_state{channel="alipay", pool="card", state="down"}`,
              values: '1 1 1 1 1',
            },
            // Born at its first decision (value 1) at 3m; a second one at 7m; a ramp never shows.
            { series: `switchyard_decisions_total${decision}`, values: '_ _ _ 1 1 1 1 2 2 2' },
            {
              series: `switchyard_decisions_total{channel="wechat", pool="qr", reason="ramp", to="healthy"}`,
              values: '_ _ _ 1 2 3 4 5 6 7',
            },
          ],
          promql_expr_test: [
            ...['healthy', 'down', 'probing', 'maintenance', 'degraded'].map((_, i) => ({
              expr: fill(timeline!.targets![0].expr!),
              eval_time: `${i}m`,
              exp_samples: [{ labels: '{channel="wechat"}', value: [1, 3, 4, 5, 2][i] }],
            })),
            {
              expr: fill(decisions!.expr!),
              eval_time: '3m',
              exp_samples: [{ labels: decision, value: 1 }],
            },
            { expr: fill(decisions!.expr!), eval_time: '5m', exp_samples: [] },
            {
              expr: fill(decisions!.expr!),
              eval_time: '7m',
              exp_samples: [{ labels: decision, value: 1 }],
            },
          ],
        },
      ],
    };
    const file = join(tmp, 'dashboard.test.yml');
    writeFileSync(file, stringify(testFile));
    const run = await runPromtool(promtool(), ['test', 'rules', file]);
    expect(run.code, run.output).toBe(0);
  });
});
