import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Where each artefact lives, for tests and tools. */
export const DASHBOARD_PATH = fileURLToPath(new URL('./grafana/switchyard.json', import.meta.url));
export const PROMETHEUS_DIR = fileURLToPath(new URL('./prometheus/', import.meta.url));
export const RULES_PATH = `${PROMETHEUS_DIR}switchyard.rules.yml`;

/** A PromQL expression and where it was found, for messages that point at the culprit. */
export interface Query {
  where: string;
  expr: string;
  /** False for Grafana's `label_values(…)` variable queries, which are not PromQL. */
  promql: boolean;
}

// Grafana dashboard JSON, as much of it as the checks read.
export interface GrafanaTarget {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
export interface GrafanaPanel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
  collapsed?: boolean;
  repeat?: string;
}
export interface GrafanaDashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels: GrafanaPanel[];
  annotations?: {
    list: { name: string; expr?: string; datasource?: { type?: string; uid?: string } }[];
  };
  templating?: {
    list: {
      name: string;
      type: string;
      query?: unknown;
      definition?: string;
      datasource?: { type?: string; uid?: string };
    }[];
  };
  __requires?: { type: string; id: string }[];
}

export function loadDashboard(path = DASHBOARD_PATH): GrafanaDashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as GrafanaDashboard;
}

/** Every panel, rows included, with the children of collapsed rows. */
export function allPanels(panels: GrafanaPanel[]): GrafanaPanel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Panel targets, annotation queries and variable queries of a dashboard. */
export function dashboardQueries(d: GrafanaDashboard): Query[] {
  const out: Query[] = [];
  for (const p of allPanels(d.panels)) {
    for (const t of p.targets ?? [])
      if (t.expr)
        out.push({
          where: `panel ${p.id} "${p.title}" target ${t.refId}`,
          expr: t.expr,
          promql: true,
        });
  }
  for (const a of d.annotations?.list ?? [])
    if (a.expr) out.push({ where: `annotation "${a.name}"`, expr: a.expr, promql: true });
  for (const v of d.templating?.list ?? [])
    if (v.type === 'query' && v.definition)
      out.push({ where: `variable ${v.name}`, expr: v.definition, promql: false });
  return out;
}

/** Every `expr` of a Prometheus rules file. */
export function ruleQueries(path = RULES_PATH): Query[] {
  const doc = parse(readFileSync(path, 'utf8')) as {
    groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
  };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => ({
      where: r.alert ? `alert ${r.alert}` : `record ${r.record}`,
      expr: String(r.expr),
      promql: true,
    })),
  );
}

/**
 * An expression as Prometheus would see it once Grafana has filled in its variables: interval
 * variables become durations, the others a plain value.
 */
export function withGrafanaVariables(expr: string): string {
  return expr
    .replace(
      /\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}/g,
      '5m',
    )
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, 'x');
}
