// One channel's recent history as an inline SVG: success rate, tech-error rate and p95 latency
// on a shared time axis, with decisions as vertical marks, injected faults and maintenance
// windows shaded, monitor restarts dashed. Returns markup; pure, so it is tested in Node.

import { esc, ms, niceCeil, pct, clock } from './format.js';

export const STATE_COLOURS = {
  healthy: '#2e9d57',
  degraded: '#d99a00',
  down: '#d63a3a',
  probing: '#3a7bd5',
  maintenance: '#8a63d2',
};

const W = 600;
const BAND = 52;
const GAP = 8;
const AXIS = 16;
const H = 3 * BAND + 2 * GAP + AXIS;

/**
 * @param {object} o
 * @param {string} o.id channel id
 * @param {{t:number, success:number|null, error:number|null, p95:number|null}[]} o.points oldest first
 * @param {any[]} o.decisions this channel's decisions
 * @param {{from:number,to:number,kind:string}[]} o.faults injected faults on this channel
 * @param {{from:number,to:number,leadMs?:number,reason?:string}[]} o.maintenance windows on this channel
 * @param {number[]} o.restarts server times of monitor restarts
 * @param {number} o.from left edge (server ms)
 * @param {number} o.to right edge (server ms)
 */
export function channelChart({
  id,
  points,
  decisions = [],
  faults = [],
  maintenance = [],
  restarts = [],
  from,
  to,
}) {
  const span = Math.max(1, to - from);
  const x = (t) => ((t - from) / span) * W;
  const inView = (a, b) => b >= from && a <= to;
  const clampX = (t) => Math.min(W, Math.max(0, x(t)));
  const visible = points.filter((p) => p.t >= from - 5000 && p.t <= to);
  const last = [...points].reverse().find((p) => p.success != null);

  const errMax = niceCeil(Math.max(0.05, ...visible.map((p) => p.error ?? 0)));
  const latMax = niceCeil(Math.max(100, ...visible.map((p) => p.p95 ?? 0)));
  const bands = [
    { key: 'success', label: 'success', max: 1, colour: '#2e9d57', fmt: pct, top: 0 },
    {
      key: 'error',
      label: 'tech errors',
      max: errMax,
      colour: '#d63a3a',
      fmt: pct,
      top: BAND + GAP,
    },
    { key: 'p95', label: 'p95', max: latMax, colour: '#7a4fd0', fmt: ms, top: 2 * (BAND + GAP) },
  ];

  const out = [];
  out.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(id)}: success rate, error rate and p95 latency" data-channel="${esc(id)}">`,
  );
  // Backgrounds, then shading, then lines and marks over it.
  for (const b of bands)
    out.push(`<rect class="band" x="0" y="${b.top}" width="${W}" height="${BAND}"/>`);
  for (const m of maintenance) {
    const a = m.from - (m.leadMs || 0);
    if (!inView(a, m.to)) continue;
    out.push(
      `<rect class="maint" x="${clampX(a).toFixed(1)}" y="0" width="${(clampX(m.to) - clampX(a)).toFixed(1)}" height="${3 * BAND + 2 * GAP}"><title>maintenance ${esc(clock(m.from))}–${esc(clock(m.to))} ${esc(m.reason || '')}</title></rect>`,
    );
  }
  for (const f of faults) {
    if (!inView(f.from, f.to)) continue;
    out.push(
      `<rect class="fault" data-kind="${esc(f.kind)}" x="${clampX(f.from).toFixed(1)}" y="0" width="${Math.max(1, clampX(f.to) - clampX(f.from)).toFixed(1)}" height="${3 * BAND + 2 * GAP}"><title>injected fault: ${esc(f.kind)} ${esc(clock(f.from))}–${esc(clock(f.to))}</title></rect>`,
    );
  }
  for (const b of bands) {
    const y = (v) => b.top + BAND - (Math.min(v, b.max) / b.max) * BAND;
    let d = '';
    let pen = false;
    for (const p of visible) {
      const v = p[b.key];
      if (v == null || !Number.isFinite(v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    }
    if (d) out.push(`<path class="line" d="${d}" stroke="${b.colour}"/>`);
    const now = last ? b.fmt(last[b.key]) : '–';
    out.push(`<text class="lbl" x="4" y="${b.top + 12}">${b.label} ${esc(now)}</text>`);
    out.push(
      `<text class="lbl max" x="${W - 4}" y="${b.top + 12}" text-anchor="end">${esc(b.fmt(b.max))}</text>`,
    );
  }
  for (const t of restarts) {
    if (!inView(t, t)) continue;
    out.push(
      `<line class="restart" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="0" y2="${3 * BAND + 2 * GAP}"><title>monitor restarted ${esc(clock(t))}</title></line>`,
    );
  }
  for (const d of decisions) {
    if (!inView(d.at, d.at)) continue;
    const xx = x(d.at).toFixed(1);
    const colour = STATE_COLOURS[d.to] || '#888';
    out.push(
      `<g class="mark" data-seq="${esc(d.seq)}"><line x1="${xx}" x2="${xx}" y1="0" y2="${3 * BAND + 2 * GAP}" stroke="${colour}"/><circle cx="${xx}" cy="3" r="3.5" fill="${colour}"/><title>${esc(clock(d.at))} ${esc(d.from)} → ${esc(d.to)} (${esc(d.reason)})</title></g>`,
    );
  }
  // Minute ticks, labelled relative to now: "−3m".
  const axisY = 3 * BAND + 2 * GAP;
  for (let k = 0; ; k++) {
    const t = to - k * 60_000;
    if (t < from) break;
    const xx = x(t).toFixed(1);
    out.push(`<line class="tick" x1="${xx}" x2="${xx}" y1="${axisY}" y2="${axisY + 4}"/>`);
    out.push(
      `<text class="lbl axis" x="${xx}" y="${axisY + 14}" text-anchor="${k === 0 ? 'end' : x(t) < 20 ? 'start' : 'middle'}">${k === 0 ? 'now' : `−${k}m`}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
