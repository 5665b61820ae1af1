// HTML for each part of the page, from the DashboardState. Pure string builders (every value
// escaped), so they are tested in Node; app.js puts them into the DOM.

import { clock, duration, esc, evidence, ms, pct, shares } from './format.js';

/** What an SRE reads first: is anything sick, since when, why. */
export function summaryHtml(state, now) {
  const sick = state.sick();
  const total = state.channels.size;
  if (total === 0) return '<p class="calm">waiting for the monitor…</p>';
  if (sick.length === 0) return `<p class="calm"><b>all ${total} channels healthy</b></p>`;
  const items = sick.map(({ channel: ch, decision: d }) => {
    const why = d
      ? `${esc(d.reason)}${d.evidence ? ` <span class="ev">${esc(evidence(d.evidence))}</span>` : ''}`
      : esc(ch.reason || '');
    return `<li class="sick state-${esc(ch.state)}" data-channel="${esc(ch.id)}"><b>${esc(ch.id)}</b> <span class="st">${esc(ch.state)}</span> for ${esc(duration(now - ch.since))} · ${why}</li>`;
  });
  return `<p class="alarm"><b>${sick.length} of ${total} channels not healthy</b></p><ul>${items.join('')}</ul>`;
}

/** One channel's tile: state word, time in state, why, figures, traffic share, override. */
export function tileHtml(ch, { now, admin = false, selected = false }) {
  const w = ch.windows?.['10s'] ?? {};
  const has = w.total > 0;
  const why = ch.reason
    ? `<div class="why">${esc(ch.reason)}</div>`
    : '<div class="why">&nbsp;</div>';
  // Under an override `until` is the override's end, shown on its own line below.
  const until = ch.override
    ? ''
    : ch.state === 'down' && ch.until
      ? ` · trial ${esc(clock(ch.until))}`
      : ch.state === 'maintenance' && ch.until
        ? ` · until ${esc(clock(ch.until))}`
        : '';
  const ov = ch.override
    ? `<div class="override">forced ${esc(ch.override.state)} until ${esc(clock(ch.override.until))}${ch.override.reason ? ` · ${esc(ch.override.reason)}` : ''}${admin ? ` <button type="button" class="lift" data-lift="${esc(ch.id)}">lift</button>` : ''}</div>`
    : '';
  return `<article class="tile state-${esc(ch.state)}${selected ? ' selected' : ''}" id="tile-${esc(ch.id)}" data-channel="${esc(ch.id)}" data-state="${esc(ch.state)}" tabindex="0">
<header><span class="name">${esc(ch.id)}</span><span class="st">${esc(ch.state)}</span></header>
<div class="since">for ${esc(duration(now - ch.since))}${until}</div>${why}
<dl class="figs"><div><dt>success</dt><dd>${has ? pct(w.successRate) : '–'}</dd></div><div><dt>tech err</dt><dd class="err">${has ? pct(w.errorRate) : '–'}</dd></div><div><dt>p95</dt><dd>${has ? ms(w.p95Ms) : '–'}</dd></div><div><dt>weight</dt><dd>${Math.round((ch.weight ?? 0) * 100)}%</dd></div></dl>
<div class="rate">${has ? `${esc(w.total)} in 10 s` : 'no traffic in 10 s'}</div>${ov}</article>`;
}

/** A pool: where its traffic goes (a bar of shares coloured by state), then its tiles. */
export function poolHtml(pool, channels, opts) {
  const segs = Object.entries(pool.weights || {})
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([id, w]) => {
      const st = channels.find((c) => c.id === id)?.state ?? 'healthy';
      return `<span class="seg state-${esc(st)}" style="flex-grow:${w}" title="${esc(id)} ${Math.round(w * 100)}%">${esc(id)} ${Math.round(w * 100)}%</span>`;
    });
  const panic = pool.panic
    ? '<span class="panic">PANIC: every channel down, least bad one serves</span>'
    : '';
  return `<section class="pool" data-pool="${esc(pool.id)}"><header><h2>pool ${esc(pool.id)}</h2>${panic}</header>
<div class="traffic" aria-label="traffic shares: ${esc(shares(pool.weights))}">${segs.join('') || '<span class="seg none">no traffic</span>'}</div>
<div class="tiles">${channels.map((ch) => tileHtml(ch, { ...opts, selected: opts.selected === ch.id })).join('')}</div></section>`;
}

/** Every pool in the monitor's order, then a "(none)" group for channels in no pool. */
export function poolsHtml(state, opts) {
  const channels = state.orderedChannels();
  const pooled = new Set();
  let html = '';
  for (const pool of state.pools) {
    const list = channels.filter((c) => (pool.channels || []).includes(c.id));
    for (const c of list) pooled.add(c.id);
    html += poolHtml(pool, list, opts);
  }
  const loose = channels.filter((c) => !pooled.has(c.id));
  if (loose.length) html += poolHtml({ id: '(none)', weights: {}, channels: [] }, loose, opts);
  return html;
}

/** The decision timeline, newest first, with reasons, evidence and the weights they left. */
export function timelineHtml(decisions, { filter = null, limit = 100 } = {}) {
  const rows = [];
  for (let i = decisions.length - 1; i >= 0 && rows.length < limit; i--) {
    const d = decisions[i];
    if (filter && d.channel !== filter) continue;
    rows.push(`<li class="dec to-${esc(d.to)}${d.from === d.to ? ' same' : ''}" data-seq="${esc(d.seq)}" data-channel="${esc(d.channel)}">
<div class="head"><time>${esc(clock(d.at, true))}</time> <b>${esc(d.channel)}</b> <span class="st state-${esc(d.from)}">${esc(d.from)}</span> → <span class="st state-${esc(d.to)}">${esc(d.to)}</span> <span class="reason">${esc(d.reason)}</span>${d.panic ? ' <span class="panic">panic</span>' : ''}</div>
<div class="ev">${esc(evidence(d.evidence))}</div><div class="w">${esc(d.pool)}: ${esc(shares(d.weights))}</div></li>`);
  }
  return rows.join('') || '<li class="empty">no decisions yet</li>';
}

/** Maintenance windows, active ones first. */
export function maintenanceHtml(windows, { now, admin = false }) {
  if (!windows.length) return '<li class="empty">none scheduled</li>';
  const active = (m) => m.from - (m.leadMs || 0) <= now && now < m.to;
  return [...windows]
    .sort((a, b) => Number(active(b)) - Number(active(a)) || a.from - b.from)
    .map((m) => {
      const tag =
        now >= m.to
          ? 'ended'
          : active(m)
            ? now < m.from
              ? 'draining'
              : 'active'
            : `in ${duration(m.from - now)}`;
      return `<li class="maint${active(m) ? ' active' : ''}" data-id="${esc(m.id)}"><b>${esc(m.channel)}</b> <span class="tag">${esc(tag)}</span> ${esc(clock(m.from))}–${esc(clock(m.to))}${m.reason ? ` · ${esc(m.reason)}` : ''}${admin ? ` <button type="button" class="del" data-maint="${esc(m.id)}">cancel</button>` : ''}</li>`;
    })
    .join('');
}

/** Faults the simulator injected, current ones marked. */
export function faultsHtml(faults, { now }) {
  if (!faults.length) return '<li class="empty">none</li>';
  return [...faults]
    .sort((a, b) => b.from - a.from)
    .map((f) => {
      const live = f.from <= now && now < f.to;
      return `<li class="fault${live ? ' active' : ''}"><b>${esc(f.channel)}</b> ${esc(f.kind)} ${esc(clock(f.from))}–${esc(clock(f.to))}${live ? ' <span class="tag">now</span>' : ''}</li>`;
    })
    .join('');
}
