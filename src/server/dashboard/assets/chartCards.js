// The "recent history" column: one card per channel, its chart under a caption naming it.
// Pure markup from the DashboardState, so it is tested in Node.

import { channelChart } from './channelChart.js';
import { esc } from './format.js';

/**
 * Chart cards for the channels in view, in the state's order.
 * @param {import('./DashboardState.js').DashboardState} state
 * @param {object} o
 * @param {string|null} [o.filter] one channel's id: only its card
 * @param {number} o.from left edge of the charts (server ms)
 * @param {number} o.to right edge (server ms)
 */
export function chartCards(state, { filter = null, from, to }) {
  const cards = [];
  for (const ch of state.orderedChannels()) {
    if (filter && filter !== ch.id) continue;
    const svg = channelChart({
      id: ch.id,
      points: state.history.get(ch.id) || [],
      decisions: state.decisions.filter((d) => d.channel === ch.id),
      faults: state.faults.filter((f) => f.channel === ch.id),
      maintenance: state.maintenance.filter((m) => m.channel === ch.id),
      restarts: state.restarts,
      from,
      to,
    });
    cards.push(
      `<figure class="chartcard state-${esc(ch.state)}" data-channel="${esc(ch.id)}"><figcaption><b>${esc(ch.id)}</b> <span class="st">${esc(ch.state)}</span> · pool ${esc(ch.pool)}</figcaption>${svg}</figure>`,
    );
  }
  return cards.join('');
}
