// The SRE forms: what each asks the admin API for, read from its fields, and the line the page
// shows afterwards. Pure (fields in, requests and text out), so Node tests the time arithmetic.

import { clock } from './format.js';

/**
 * The override form as an `AdminApi.setOverride` call.
 * @param {{ get(name: string): unknown }} fields the form's FormData
 * @param {number} serverNow the monitor's clock: `until` is in its time
 */
export function overrideFromForm(fields, serverNow) {
  const channel = String(fields.get('channel'));
  const state = String(fields.get('state'));
  const until = serverNow + Number(fields.get('minutes')) * 60_000;
  return {
    channel,
    override: { state, until, reason: String(fields.get('reason')) },
    okText: `${channel} forced ${state} until ${clock(until)}`,
  };
}

/**
 * The maintenance form as an `AdminApi.addMaintenance` call.
 * @param {{ get(name: string): unknown }} fields the form's FormData
 * @param {number} offset server clock − local clock (DashboardState.offset)
 */
export function maintenanceFromForm(fields, offset) {
  const channel = String(fields.get('channel'));
  // The browser's clock picks the wall time; the learnt offset turns it into the monitor's.
  const from = new Date(String(fields.get('from'))).getTime() + offset;
  const to = from + Number(fields.get('minutes')) * 60_000;
  return {
    maintenance: {
      channel,
      from,
      to,
      leadMs: Number(fields.get('lead')),
      reason: String(fields.get('reason')),
    },
    okText: `maintenance on ${channel} ${clock(from)}–${clock(to)} scheduled`,
  };
}

/** What a failed action says: a refused token plainly, since that is the usual cause. */
export function failureText(err) {
  return err.status === 401 || err.status === 403
    ? `refused: the admin token was not accepted (${err.status})`
    : `failed: ${err.message}`;
}

/** A datetime-local input's value for epoch `ms`, in the browser's zone: "2026-11-21T14:03". */
export function localInputValue(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
