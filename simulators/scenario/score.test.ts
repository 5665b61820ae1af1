import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.ts';
import type { Fault } from '../faults/Fault.ts';
import { type RunFacts, scoreExpectations, scoreFaults, scoreSwitches } from './score.ts';

const T0 = 1_000_000;
const fault = (
  id: string,
  channel: string,
  kind: Fault['kind'],
  from: number,
  to: number,
  scope?: Fault['scope'],
): Fault => ({
  id,
  channel,
  kind,
  from: T0 + from,
  to: T0 + to,
  probability: 1,
  rampMs: 0,
  source: 'scenario',
  ...(scope && { scope }),
});
const dec = (
  at: number,
  channel: string,
  from: Decision['from'],
  to: Decision['to'],
  reason: Decision['reason'] = 'error_rate',
): Decision => ({
  type: 'decision',
  seq: 0,
  at: T0 + at,
  channel,
  pool: 'qr',
  from,
  to,
  reason,
  evidence: {},
  weights: {},
});

describe('scoring', () => {
  const facts: RunFacts = {
    start: T0,
    graceMs: 5000,
    planned: [{ channel: 'unionpay', atMs: 100_000, forMs: 50_000, leadMs: 20_000 }],
    faults: [
      fault('busy', 'wechat', 'error', 10_000, 40_000),
      fault('store', 'alipay', 'error', 10_000, 90_000, { store: 's-1' }),
      fault('wallets', 'bank_a', 'decline', 0, 90_000),
      fault('planned-unionpay-1', 'unionpay', 'maintenance', 100_000, 150_000),
    ],
    decisions: [
      dec(9_000, 'wechat', 'healthy', 'healthy', 'ramp'),
      dec(10_300, 'wechat', 'healthy', 'down', 'instant_code'),
      dec(20_300, 'wechat', 'down', 'probing', 'ejection_elapsed'),
      dec(42_000, 'wechat', 'probing', 'down', 'trial_failed'),
      dec(30_000, 'alipay', 'healthy', 'degraded'),
      dec(50_000, 'bank_a', 'healthy', 'degraded'),
      dec(60_000, 'unionpay', 'healthy', 'down', 'timeouts'),
      dec(80_000, 'unionpay', 'down', 'maintenance', 'maintenance_window'),
    ],
  };

  it('times detection from onset, and a planned window from its drain', () => {
    const r = scoreFaults(facts);
    expect(r.map((f) => [f.id, f.detectionMs])).toEqual([
      ['busy', 300],
      ['store', 20_000],
      ['wallets', 50_000],
      ['planned-unionpay-1', -20_000],
    ]);
  });

  it('calls a switch false when only a local fault, a non-health fault, or nothing was on', () => {
    const s = scoreSwitches(facts);
    expect(s.map((x) => [x.channel, x.cause === null ? x.why : x.cause])).toEqual([
      ['wechat', 'busy'],
      ['alipay', expect.stringContaining('only a local fault (store')],
      ['bank_a', 'only decline (no health fault) was active'],
      ['unionpay', 'no fault was active'],
    ]);
    const results = scoreExpectations(
      [
        {
          kind: 'reaches',
          text: 'a',
          channel: 'wechat',
          states: ['down'],
          withinMs: 1000,
          of: { faultId: 'busy' },
        },
        {
          kind: 'reaches',
          text: 'b',
          channel: 'wechat',
          states: ['down'],
          withinMs: 200,
          of: { faultId: 'busy' },
        },
        { kind: 'noSwitch', text: 'c', channel: 'wechat', fromMs: 50_000, toMs: 200_000 },
        { kind: 'noSwitch', text: 'd', channel: 'wechat', fromMs: 0, toMs: 200_000 },
        { kind: 'noFalseSwitches', text: 'e' },
        { kind: 'doubleCharges', text: 'f', atMost: 0 },
      ],
      facts,
      s,
    );
    expect(results.map((r) => r.pass)).toEqual([true, false, true, false, false, false]);
    expect(results[1].observed).toBe(
      'first change after onset: healthy→down at +300ms (instant_code)',
    );
  });
});

describe('what a switch is blamed on', () => {
  const facts = (scope: Fault['scope']): RunFacts => ({
    start: T0,
    graceMs: 5000,
    planned: [],
    faults: [fault('f', 'wechat', 'error', 10_000, 40_000, scope)],
    decisions: [dec(12_000, 'wechat', 'healthy', 'down')],
  });
  it('a fault scoped by method alone is channel-wide for that method: its switch is not false', () => {
    expect(scoreSwitches(facts({ method: 'mini_program' }))[0].cause).toBe('f');
    expect(scoreSwitches(facts({ method: 'mini_program', operation: ['pay'] }))[0].cause).toBe('f');
  });
  it('a store, terminal, or query-only fault does not justify a switch', () => {
    expect(scoreSwitches(facts({ store: 's-1', method: 'qr' }))[0]).toMatchObject({
      cause: null,
      why: expect.stringContaining('only a local fault (f'),
    });
    expect(scoreSwitches(facts({ terminal: 't-1' }))[0].cause).toBeNull();
    const q = { ...facts({ operation: ['query', 'close'] }) };
    q.faults = [{ ...q.faults[0], kind: 'timeout' }];
    expect(scoreSwitches(q)[0]).toMatchObject({
      cause: null,
      why: 'only a fault on query, close (f) was active, which pays and probes do not see',
    });
  });
});
