/** Families and samples of a Prometheus text exposition (what GET /metrics answers). */

export interface Family {
  type: string;
  /** Each sample's own name (`…_bucket`, `…_sum` for histograms) and labels. */
  samples: { name: string; labels: Record<string, string> }[];
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+\S+/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Reads `# TYPE` lines and samples; a sample belongs to the family it follows. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      current = { type: type[2], samples: [] };
      families.set(type[1], current);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample || !current) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (sample[2] ?? '').matchAll(LABEL)) labels[k] = v;
    current.samples.push({ name: sample[1], labels });
  }
  return families;
}

/** The family a name used in PromQL reads: itself, or the histogram/summary a `_bucket`/`_sum`/`_count` belongs to. */
export function familyOf(name: string, families: Map<string, Family>): string | undefined {
  if (families.has(name)) return name;
  for (const [family, f] of families) {
    if ((SUFFIXES[f.type] ?? []).some((s) => name === family + s)) return family;
  }
  return undefined;
}
