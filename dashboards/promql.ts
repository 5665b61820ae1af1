/**
 * Just enough PromQL reading to check dashboards and rules against what the monitor exports:
 * which metric names an expression reads, and with which label matchers. Not a parser: it relies
 * on switchyard's names being plain identifiers that start with `switchyard_`.
 */

/** One label matcher of a selector, e.g. `outcome=~"error|timeout"`. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** A vector selector of a switchyard metric: `switchyard_x{a="b"}`. */
export interface Selector {
  metric: string;
  matchers: LabelMatcher[];
}

const STRING = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
// A name is not part of a longer identifier or of a recording rule's name (`switchyard:…`).
const NAME = /(?<![\w:])switchyard_\w+/g;
const SELECTOR = /(?<![\w:])(switchyard_\w+)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g;
const MATCHER = /(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/** The distinct `switchyard_…` metric names an expression reads (string literals ignored). */
export function metricNames(expr: string): string[] {
  const code = expr.replace(STRING, '""');
  return [...new Set(code.match(NAME) ?? [])];
}

/** Every `switchyard_…{…}` selector with its label matchers. */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  for (const [, metric, body] of expr.matchAll(SELECTOR)) {
    const matchers: LabelMatcher[] = [];
    for (const [, label, op, value] of body.matchAll(MATCHER))
      matchers.push({ label, op: op as LabelMatcher['op'], value: JSON.parse(`"${value}"`) });
    out.push({ metric, matchers });
  }
  return out;
}

/**
 * The literal values a matcher asks for: `a` for `="a"`, `a`, `b` for `=~"a|b"`. Undefined when
 * the matcher is negative, uses a Grafana variable or a regex beyond plain alternatives.
 */
export function literalValues(m: LabelMatcher): string[] | undefined {
  if (m.value.includes('$')) return undefined;
  if (m.op === '=') return [m.value];
  if (m.op === '=~' && /^[\w.+-]+(\|[\w.+-]+)*$/.test(m.value)) return m.value.split('|');
  return undefined;
}
