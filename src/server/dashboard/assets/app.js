// Wires the page, and only that: the stream and the MonitorLoader fill the DashboardState,
// render.js and chartCards.js draw it through patch(), the SRE forms (adminForms.js) call the
// AdminApi. DOM events and timers live here; the logic lives in those modules, where Node tests it.

import { DashboardState } from './DashboardState.js';
import { StreamClient, streamUrl } from './StreamClient.js';
import { AdminApi } from './AdminApi.js';
import {
  failureText,
  localInputValue,
  maintenanceFromForm,
  overrideFromForm,
} from './adminForms.js';
import { MonitorLoader } from './MonitorLoader.js';
import { chartCards } from './chartCards.js';
import { faultsHtml, maintenanceHtml, poolsHtml, summaryHtml, timelineHtml } from './render.js';
import { clock, duration } from './format.js';
import { patch } from './patch.js';

const $ = (id) => document.getElementById(id);
const state = new DashboardState();
const api = new AdminApi();
// Reads carry the admin token once entered: with one configured, the fault timeline needs it.
const loader = new MonitorLoader({
  state,
  onChange: invalidate,
  fetchImpl: (path, init = {}) =>
    fetch(
      path,
      api.token
        ? { ...init, headers: { ...init.headers, authorization: `Bearer ${api.token}` } }
        : init,
    ),
});
const ui = {
  filter: null,
  spanMs: 300_000,
  connected: false,
  lastChartAt: 0,
};

// ---- large type: remembered per screen, or forced with ?large=1 for a wall display
const params = new URLSearchParams(location.search);
function setLarge(on) {
  document.documentElement.classList.toggle('large', on);
  $('large').setAttribute('aria-pressed', String(on));
  localStorage.setItem('switchyard.large', on ? '1' : '');
}
setLarge(params.get('large') === '1' || localStorage.getItem('switchyard.large') === '1');
$('large').addEventListener('click', () =>
  setLarge(!document.documentElement.classList.contains('large')),
);
$('span').addEventListener('change', (e) => {
  ui.spanMs = Number(e.target.value);
  drawCharts(true);
});

// ---- rendering
let frame = 0;
function invalidate() {
  if (!frame) frame = requestAnimationFrame(draw);
}

function draw() {
  frame = 0;
  const now = state.serverNow(Date.now());
  const admin = Boolean(api.token);
  patch($('summary'), summaryHtml(state, now));
  patch($('pools'), poolsHtml(state, { now, admin, selected: ui.filter }));
  patch($('timeline'), timelineHtml(state.decisions, { filter: ui.filter }));
  $('filter').textContent = ui.filter
    ? `${ui.filter} only · click its tile again for all`
    : 'click a tile to filter';
  patch($('maintenance'), maintenanceHtml(state.maintenance, { now, admin }));
  $('faultsPanel').hidden = state.faults.length === 0;
  patch($('faults'), faultsHtml(state.faults, { now }));
  $('meta').textContent = state.epoch
    ? `epoch ${state.epoch} · seq ${state.seq} · ${clock(now)}`
    : '';
  fillChannelSelects(state.orderedChannels());
  drawCharts(false);
}

/** Charts are the heavy part: at most once a second, unless the view changed. */
function drawCharts(force) {
  const localNow = Date.now();
  if (!force && localNow - ui.lastChartAt < 1000) return;
  ui.lastChartAt = localNow;
  const to = state.serverNow(localNow);
  $('charts').innerHTML = chartCards(state, { filter: ui.filter, from: to - ui.spanMs, to });
}

function fillChannelSelects(channels) {
  const ids = channels.map((c) => c.id);
  for (const sel of document.querySelectorAll('select[name="channel"]')) {
    const have = [...sel.options].map((o) => o.value);
    if (have.join('\n') === ids.join('\n')) continue;
    const keep = sel.value;
    sel.replaceChildren(...ids.map((id) => new Option(id, id, false, id === keep)));
  }
}

// ---- connection banner: the screen must never look live when it is not
function onStatus(s) {
  ui.connected = s.connected;
  document.body.classList.toggle('stale', !s.connected);
  const conn = $('conn');
  const banner = $('banner');
  if (s.connected) {
    conn.textContent = 'live';
    conn.className = 'conn live';
    banner.hidden = true;
    return;
  }
  conn.textContent = 'reconnecting';
  conn.className = 'conn down';
  const lastSeen = state.lastMessageAt
    ? ` Figures shown are from ${clock(state.serverNow(state.lastMessageAt))}.`
    : '';
  banner.textContent = `Reconnecting to the monitor (attempt ${s.attempt}, next try in ${duration(s.retryInMs)})…${lastSeen}`;
  banner.hidden = false;
}

// ---- stream
const stream = new StreamClient({
  url: () => streamUrl(location, state.seq),
  onMessage: (msg) => loader.onMessage(msg, Date.now()),
  onStatus,
});
stream.start();

// ---- polling what the stream does not carry
loader.faults();
setInterval(() => {
  if (ui.connected) loader.faults();
}, 3000);
setInterval(() => {
  if (ui.connected) {
    loader.maintenance();
    loader.channels();
  }
}, 10_000);
// Time in state and the charts' time axis move even when nothing else does.
setInterval(invalidate, 1000);

// ---- interactions
$('pools').addEventListener('click', (e) => {
  const lift = e.target.closest('[data-lift]');
  if (lift) {
    act(() => api.clearOverride(lift.dataset.lift), `override lifted on ${lift.dataset.lift}`);
    return;
  }
  const tile = e.target.closest('.tile');
  if (!tile) return;
  ui.filter = ui.filter === tile.dataset.channel ? null : tile.dataset.channel;
  invalidate();
  drawCharts(true);
});
$('maintenance').addEventListener('click', (e) => {
  const del = e.target.closest('[data-maint]');
  if (del) act(() => api.removeMaintenance(del.dataset.maint), 'maintenance window cancelled');
});

function showAdmin() {
  const admin = Boolean(api.token);
  $('actions').hidden = !admin;
  $('token').hidden = admin;
  $('tokenSave').hidden = admin;
  $('tokenClear').hidden = !admin;
  invalidate();
}
$('tokenForm').addEventListener('submit', (e) => {
  e.preventDefault();
  api.token = $('token').value.trim();
  $('token').value = '';
  showAdmin();
});
$('tokenClear').addEventListener('click', () => {
  api.token = '';
  showAdmin();
});
showAdmin();

async function act(call, okText) {
  const out = $('actionResult');
  out.className = 'result';
  out.textContent = 'working…';
  try {
    await call();
    out.textContent = okText;
    out.classList.add('ok');
  } catch (err) {
    out.textContent = failureText(err);
    out.classList.add('bad');
    if ($('actions').hidden) alertInBanner(out.textContent);
  }
  loader.channels();
  loader.maintenance();
}

function alertInBanner(text) {
  const b = $('banner');
  b.textContent = text;
  b.hidden = false;
  setTimeout(() => {
    if (ui.connected) b.hidden = true;
  }, 5000);
}

$('overrideForm').addEventListener('submit', (e) => {
  e.preventDefault();
  const now = state.serverNow(Date.now());
  const { channel, override, okText } = overrideFromForm(new FormData(e.target), now);
  act(() => api.setOverride(channel, override), okText);
});

$('maintForm').elements.from.value = localInputValue(Date.now() + 5 * 60_000);
$('maintForm').addEventListener('submit', (e) => {
  e.preventDefault();
  const { maintenance, okText } = maintenanceFromForm(new FormData(e.target), state.offset);
  act(() => api.addMaintenance(maintenance), okText);
});
