// assets/adminForms.js in Node: URLSearchParams stands in for the forms' FormData (same get()).
import { describe, expect, it } from 'vitest';

// A plain browser module, imported by URL: untyped, so no build step or declaration file is needed.
const { failureText, localInputValue, maintenanceFromForm, overrideFromForm } = await import(
  new URL('./assets/adminForms.js', import.meta.url).href
);

const T = 1_795_300_000_000;

describe('adminForms', () => {
  it('forces a state until now + minutes on the monitor clock', () => {
    const fields = new URLSearchParams({
      channel: 'bank_b',
      state: 'down',
      minutes: '15',
      reason: 'INC-1',
    });
    const r = overrideFromForm(fields, T);
    expect(r.channel).toBe('bank_b');
    expect(r.override).toEqual({ state: 'down', until: T + 15 * 60_000, reason: 'INC-1' });
    expect(r.okText).toMatch(/^bank_b forced down until \d\d:\d\d:\d\d$/);
  });

  it('schedules maintenance from the wall time picked, moved onto the monitor clock', () => {
    const from = localInputValue(T);
    const fields = new URLSearchParams({
      channel: 'bank_a',
      from,
      minutes: '60',
      lead: '60000',
      reason: 'upgrade',
    });
    const { maintenance, okText } = maintenanceFromForm(fields, 2500);
    const picked = new Date(from).getTime();
    expect(maintenance).toEqual({
      channel: 'bank_a',
      from: picked + 2500,
      to: picked + 2500 + 3_600_000,
      leadMs: 60_000,
      reason: 'upgrade',
    });
    expect(okText).toMatch(/^maintenance on bank_a \d\d:\d\d:\d\d–\d\d:\d\d:\d\d scheduled$/);
  });

  it('writes a datetime-local value that reads back as the same minute, in any zone', () => {
    const v = localInputValue(T + 42_123);
    expect(v).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(new Date(v).getTime()).toBe(Math.floor((T + 42_123) / 60_000) * 60_000);
  });

  it('says plainly when the token was refused, and passes any other failure on', () => {
    expect(failureText({ status: 401, message: 'unauthorized' })).toBe(
      'refused: the admin token was not accepted (401)',
    );
    expect(failureText({ status: 403, message: 'forbidden' })).toMatch(/^refused: .*\(403\)$/);
    expect(failureText({ status: 409, message: 'window overlaps' })).toBe(
      'failed: window overlaps',
    );
    expect(failureText(new TypeError('fetch failed'))).toBe('failed: fetch failed');
  });
});
