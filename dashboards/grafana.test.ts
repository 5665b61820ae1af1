import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DASHBOARD_PATH,
  allPanels,
  dashboardQueries,
  loadDashboard,
  type GrafanaPanel,
} from './queries.ts';

const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
const dashboard = loadDashboard();
const panels = allPanels(dashboard.panels);
const queryPanels = panels.filter((p) => p.type !== 'row');

function overlaps(a: GrafanaPanel, b: GrafanaPanel): boolean {
  const [p, q] = [a.gridPos!, b.gridPos!];
  return p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h;
}

describe('Grafana dashboard switchyard.json', () => {
  it('is JSON Grafana imports as is: uid, title, schema version, no fixed datasource', () => {
    const text = readFileSync(DASHBOARD_PATH, 'utf8');
    expect(() => JSON.parse(text)).not.toThrow();
    expect(dashboard.uid).toBe('switchyard-channels');
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    // A datasource uid from someone's Grafana would break the import elsewhere.
    const uids = [...text.matchAll(/"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(uids)).toEqual(
      new Set(['switchyard-channels', '${datasource}', '-- Grafana --']),
    );
  });

  it('has a Prometheus datasource variable and pool and channel variables that use it', () => {
    const vars = dashboard.templating!.list;
    const ds = vars.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['pool', 'channel']) {
      const v = vars.find((x) => x.name === name);
      expect(v, name).toMatchObject({ type: 'query', datasource: PROMETHEUS });
      expect(v!.definition).toMatch(new RegExp(`^label_values\\(switchyard_\\w+.*, ${name}\\)$`));
    }
  });

  it('gives every panel and every target the datasource variable', () => {
    expect(queryPanels.length).toBeGreaterThanOrEqual(15);
    for (const p of queryPanels) {
      expect(p.datasource, `panel ${p.id} "${p.title}"`).toEqual(PROMETHEUS);
      expect(p.targets?.length, `panel ${p.id} "${p.title}" has no query`).toBeGreaterThan(0);
      for (const t of p.targets!) {
        expect(t.datasource, `panel ${p.id} target ${t.refId}`).toEqual(PROMETHEUS);
        expect(t.expr, `panel ${p.id} target ${t.refId}`).toMatch(/switchyard_/);
      }
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size, `panel ${p.id} repeats a refId`).toBe(refIds.length);
    }
  });

  it('has unique panel ids', () => {
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    // Collapsed rows keep their children apart; each layout is checked on its own.
    const layouts = [
      dashboard.panels,
      ...dashboard.panels.filter((p) => p.collapsed).map((p) => p.panels ?? []),
    ];
    for (const layout of layouts) {
      for (const p of layout) {
        expect(p.gridPos, `panel ${p.id}`).toBeDefined();
        expect(
          p.gridPos!.x + p.gridPos!.w,
          `panel ${p.id} is wider than the grid`,
        ).toBeLessThanOrEqual(24);
      }
      for (let i = 0; i < layout.length; i++) {
        for (let j = i + 1; j < layout.length; j++)
          expect(
            overlaps(layout[i], layout[j]),
            `panels ${layout[i].id} and ${layout[j].id} overlap`,
          ).toBe(false);
      }
    }
  });

  it('has the overview per pool, the channel drill-down and the monitor rows', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row');
    expect(rows.find((r) => r.repeat === 'pool')?.title).toContain('$pool');
    expect(rows.find((r) => r.repeat === 'channel')?.title).toContain('$channel');
    const types = new Set(queryPanels.map((p) => p.type));
    expect(types).toEqual(new Set(['stat', 'timeseries', 'state-timeline']));
    // Every panel type used is declared, so that an import names what it needs.
    const required = new Set(
      (dashboard.__requires ?? []).filter((r) => r.type === 'panel').map((r) => r.id),
    );
    for (const t of types) expect(required.has(t), `__requires lacks panel ${t}`).toBe(true);
    const exprs = queryPanels.flatMap((p) => p.targets!.map((t) => t.expr!));
    expect(
      exprs.some((e) => /histogram_quantile\(0\.95, .*switchyard_latency_seconds_bucket/.test(e)),
    ).toBe(true);
    for (const metric of [
      'switchyard_channel_weight',
      'switchyard_channel_state',
      'switchyard_decisions_total',
      'switchyard_probe_results_total',
      'switchyard_unknown_codes_total',
    ]) {
      expect(
        exprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    }
  });

  it('marks decisions as annotations from switchyard_decisions_total', () => {
    const a = dashboard.annotations!.list.find((x) => x.name === 'Decisions');
    expect(a).toMatchObject({ datasource: PROMETHEUS });
    expect(a!.expr).toContain('switchyard_decisions_total');
  });

  it('uses only variables it defines', () => {
    const defined = new Set(dashboard.templating!.list.map((v) => v.name));
    const used = dashboardQueries(dashboard).flatMap((q) =>
      [...q.expr.matchAll(/\$\{?(\w+)/g)].map((m) => m[1]),
    );
    const unknown = used.filter((v) => !v.startsWith('__') && !defined.has(v));
    expect(used.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
    for (const r of panels.filter((p) => p.repeat))
      expect(defined.has(r.repeat!), `repeat ${r.repeat}`).toBe(true);
  });
});
