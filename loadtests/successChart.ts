/**
 * The failover chart: success rate over time per strategy, fault windows shaded. Plain SVG text,
 * no dependency, so that the bench writes it beside its JSON and the README shows it as is.
 */
export interface ChartPoint {
  /** ms from the run's start. */
  t: number;
  /** 0..1, or null where the bucket had no orders (the line breaks there). */
  successRate: number | null;
}

export interface ChartFault {
  channel: string;
  kind: string;
  /** ms from the run's start. */
  from: number;
  to: number;
}

export interface SuccessChartOptions {
  title: string;
  series: Record<string, ChartPoint[]>;
  faults: ChartFault[];
  /** Total run length in ms (the x axis); default the last point. */
  durationMs?: number;
  width?: number;
  height?: number;
  /** Lowest success rate shown; default the lowest point rounded down to a tenth. */
  yMin?: number;
}

const COLOURS = ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];

export function renderSuccessChart(o: SuccessChartOptions): string {
  const width = o.width ?? 900;
  const height = o.height ?? 420;
  const m = { left: 60, right: 170, top: 40, bottom: 50 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const names = Object.keys(o.series);
  const all = names.flatMap((n) => o.series[n]);
  const duration =
    o.durationMs ?? Math.max(1, ...all.map((p) => p.t), ...o.faults.map((f) => f.to));
  const lowest = Math.min(
    1,
    ...all.flatMap((p) => (p.successRate === null ? [] : [p.successRate])),
  );
  const yMin = o.yMin ?? Math.max(0, Math.floor(lowest * 10) / 10 - (lowest % 0.1 === 0 ? 0.1 : 0));
  const x = (t: number) => m.left + (Math.min(Math.max(t, 0), duration) / duration) * pw;
  const y = (r: number) => m.top + (1 - (Math.max(r, yMin) - yMin) / (1 - yMin || 1)) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(o.title)}</text>`);
  // Fault windows first, so that the lines run over them.
  for (const f of o.faults) {
    const x0 = x(f.from);
    const w = Math.max(1, x(f.to) - x0);
    out.push(
      `<rect x="${fmt(x0)}" y="${m.top}" width="${fmt(w)}" height="${ph}" fill="#f4a6a6" fill-opacity="0.35"><title>${esc(`${f.channel} ${f.kind} ${sec(f.from)}–${sec(f.to)}`)}</title></rect>`,
    );
    out.push(
      `<text x="${fmt(x0 + 2)}" y="${m.top + 12}" font-size="10" fill="#a33">${esc(`${f.channel} ${f.kind}`)}</text>`,
    );
  }
  // Axes, grid and ticks.
  const yTicks = 5;
  for (let i = 0; i <= yTicks; i++) {
    const r = yMin + ((1 - yMin) * i) / yTicks;
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${fmt(y(r))}" y2="${fmt(y(r))}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${m.left - 6}" y="${fmt(y(r) + 4)}" text-anchor="end">${(r * 100).toFixed(r === 1 || yMin < 0.9 ? 0 : 1)}%</text>`,
    );
  }
  const step = niceStep(duration / 8);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    out.push(
      `<line x1="${fmt(x(t))}" x2="${fmt(x(t))}" y1="${m.top + ph}" y2="${m.top + ph + 4}" stroke="#333"/>`,
    );
    out.push(`<text x="${fmt(x(t))}" y="${m.top + ph + 18}" text-anchor="middle">${sec(t)}</text>`);
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
  );
  out.push(
    `<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle">time since start</text>`,
  );
  out.push(
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">checkout success</text>`,
  );
  names.forEach((name, i) => {
    const colour = COLOURS[i % COLOURS.length];
    // Break the line at empty buckets rather than draw through them.
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1)
        out.push(
          `<polyline fill="none" stroke="${colour}" stroke-width="1.8" points="${run.join(' ')}"/>`,
        );
      else if (run.length === 1)
        out.push(
          `<circle cx="${run[0].split(',')[0]}" cy="${run[0].split(',')[1]}" r="1.5" fill="${colour}"/>`,
        );
      run = [];
    };
    for (const p of o.series[name]) {
      if (p.successRate === null) flush();
      else run.push(`${fmt(x(p.t))},${fmt(y(p.successRate))}`);
    }
    flush();
    const ly = m.top + 10 + i * 20;
    out.push(
      `<line x1="${m.left + pw + 14}" x2="${m.left + pw + 38}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
    );
    out.push(`<text x="${m.left + pw + 44}" y="${ly + 4}">${esc(name)}</text>`);
  });
  out.push(
    `<rect x="${m.left + pw + 14}" y="${m.top + 10 + names.length * 20}" width="24" height="10" fill="#f4a6a6" fill-opacity="0.35"/>`,
  );
  out.push(
    `<text x="${m.left + pw + 44}" y="${m.top + 19 + names.length * 20}">fault window</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function niceStep(raw: number): number {
  const steps = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
  return steps.find((s) => s >= raw) ?? 1_800_000;
}

function sec(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}` : `${s}s`;
}

function fmt(n: number): string {
  return n.toFixed(1);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}
