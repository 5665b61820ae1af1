import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../SimulatorError.ts';
import { toFaultInput } from '../faults/faultSpec.ts';
import { parseScenario } from './loadScenario.ts';
import { SCENARIO_SCHEMA_PATH, scenarioSchemaText } from './writeScenarioSchema.ts';

const OK = `
name: t
duration: 10m
channels:
  - { id: wechat, flavour: wechat, pool: qr }
  - { id: bank_a, flavour: bank, pool: card, limits: { max: 100000 }, latency: { median: 400ms, p99: 2s } }
traffic:
  rate: [{ at: 0, rps: 1 }, { at: 5m, rps: 10 }]
faults:
  - { channel: wechat, kind: error, at: 8m37s, for: 1m, probability: 0.5, ramp: 5s }
  - { channel: wechat, kind: error, at: 9m }
expect:
  - { channel: wechat, reaches: down, within: 2s, of: wechat-error }
  - { channel: bank_a, noSwitch: { from: 1m, to: 2m } }
  - noFalseSwitches: true
  - checkoutSuccess: { atLeast: 0.95 }
  - doubleCharges: 0
`;

function problems(text: string): string[] {
  return details(text).map((d) => d.path);
}

function details(text: string): { path: string; message: string }[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SimulatorError);
    expect((e as SimulatorError).code).toBe('scenario_invalid');
    return (e as SimulatorError).details;
  }
  return [];
}

describe('scenario files', () => {
  it('normalise: durations to ms, defaults filled, fault ids given', () => {
    const s = parseScenario(OK);
    expect(s.durationMs).toBe(600_000);
    expect(s.channels[1]).toMatchObject({
      id: 'bank_a',
      priority: 2,
      maxAmount: 100_000,
      latency: { medianMs: 400, p99Ms: 2000 },
    });
    expect(s.pools.map((p) => p.id)).toEqual(['qr', 'card']);
    expect(s.faults.map((f) => f.id)).toEqual(['wechat-error', 'wechat-error-2']);
    expect(s.traffic!.rate).toEqual([
      { atMs: 0, rps: 1 },
      { atMs: 300_000, rps: 10 },
    ]);
    expect(s.expect.map((e) => e.text)).toEqual([
      'wechat down within 2s of wechat-error (8m37s)',
      'bank_a takes no switch from 1m to 2m',
      'no false switches',
      'checkout success at least 0.95',
      'zero double charges',
    ]);
  });

  it('name every bad field', () => {
    expect(problems(OK.replace('flavour: bank', 'flavour: paypal'))).toEqual([
      'channels[1].flavour',
    ]);
    expect(problems(OK.replace('probability: 0.5', 'probability: 5'))).toEqual([
      'faults[0].probability',
    ]);
    expect(problems(OK.replace('at: 8m37s', 'at: soon'))).toEqual(['faults[0].at']);
    expect(problems(OK.replace('of: wechat-error', 'of: no-such-fault'))).toEqual(['expect[0].of']);
    expect(
      problems(OK.replace('{ channel: bank_a, noSwitch', '{ channel: bank_z, noSwitch')),
    ).toEqual(['expect[1].channel']);
    expect(problems(OK.replace('duration: 10m', 'duraton: 10m'))).toEqual(
      expect.arrayContaining(['duration']),
    );
    expect(
      problems(
        `${OK}\n  - { channel: wechat, kind: flapping, on: 5s }`.replace('expect:', 'faults2:'),
      ),
    ).not.toEqual([]);
    expect(problems('name: [')).toEqual([expect.stringMatching(/^line /)]);
  });

  it('have a JSON Schema file in step with the zod schema', () => {
    expect(readFileSync(SCENARIO_SCHEMA_PATH, 'utf8')).toBe(scenarioSchemaText());
  });
});

describe('the way-back format', () => {
  const BASE = `
name: t
duration: 10m
channels:
  - { id: wechat, flavour: wechat, pool: qr, rates: { pending: 0.1, payerConfirms: 0.6 } }
  - { id: alipay, flavour: alipay, pool: qr }
traffic:
  rate: 5
  stores: 10
  storeShares: { s-007: 0.4 }
maintenance:
  - { channel: alipay, at: 8m, for: 1m }
faults:
  - { id: slow, channel: wechat, kind: latency, at: 1m, for: 2m, latency: { from: 200ms, to: 3s } }
  - id: busy
    channel: wechat
    kind: error
    at: 4m
    for: 2m
    probability: [{ at: 0, p: 0.1 }, { at: 30s, p: 0.1 }, { at: 30s, p: 0.8 }, { at: 1m, p: 1 }]
  - { id: queries, channel: alipay, kind: timeout, at: 2m, for: 1m, scope: { operation: [query, close] } }
  - { id: mini, channel: alipay, kind: error, at: 5m, for: 1m, scope: { method: mini_program, operation: pay } }
expect:
  - { channel: wechat, in: [down, degraded, probing], from: 4m10s, to: 5m }
  - { channel: wechat, transitions: { atMost: 4 }, from: 4m }
  - { transitions: { atMost: 6 } }
  - { backToHealthy: { of: busy, within: 30s } }
  - { backToFullWeight: { of: planned-alipay-1, within: 2m } }
  - { pool: qr, panic: false }
  - { panic: true, from: 4m, to: 6m }
  - { channel: wechat, share: { atLeast: 0.6, atMost: 0.8 }, from: 1m, to: 3m }
  - { checkoutP95: { atMost: 1500ms } }
  - { failovers: { atMost: 50 }, to: 8m }
  - { chargedButReportedFailed: 0 }
`;

  it('reads every new field, normalised', () => {
    const s = parseScenario(BASE);
    expect(s.channels[0].payerConfirms).toBe(0.6);
    expect(s.channels[1].payerConfirms).toBeUndefined();
    expect(s.traffic!.storeShares).toEqual({ 's-007': 0.4 });
    const input = (id: string) => toFaultInput(s.faults.find((f) => f.id === id)!, 0, 'scenario');
    expect(input('slow')).toMatchObject({ latencyMs: 200, latencyToMs: 3000 });
    expect(input('busy')).toMatchObject({
      probability: 1,
      schedule: [
        { atMs: 0, p: 0.1 },
        { atMs: 30_000, p: 0.1 },
        { atMs: 30_000, p: 0.8 },
        { atMs: 60_000, p: 1 },
      ],
    });
    expect(input('queries').scope).toEqual({ operation: ['query', 'close'] });
    expect(input('mini').scope).toEqual({ method: 'mini_program', operation: ['pay'] });
    expect(s.expect.map((e) => e.text)).toEqual([
      'wechat in down or degraded or probing from 4m10s to 5m',
      'wechat: at most 4 transitions from 4m',
      'every channel: at most 6 transitions in the run',
      "wechat back to healthy within 30s of busy's end (6m)",
      "alipay back to full weight within 2m of planned-alipay-1's end (9m)",
      'pool qr never panics in the run',
      'some pool panics from 4m to 6m',
      'wechat takes at least 60% and at most 80% of first attempts from 1m to 3m',
      'checkout p95 at most 1500 ms over the run',
      'at most 50 failovers (orders needing a second channel) until 8m',
      'no charged orders reported failed',
    ]);
    expect(s.expect[0]).toMatchObject({ kind: 'in', fromMs: 250_000, toMs: 300_000 });
    expect(s.expect[4]).toMatchObject({ kind: 'backToFullWeight', faultId: 'planned-alipay-1' });
    expect(s.expect[7]).toMatchObject({ kind: 'share', atLeast: 0.6, atMost: 0.8 });
  });

  it('names the bad field and the fix', () => {
    const bad = (from: string, to: string) => details(BASE.replace(from, to));
    expect(bad('payerConfirms: 0.6', 'payerConfirms: 6')).toEqual([
      { path: 'channels[0].rates.payerConfirms', message: expect.stringContaining('<=1') },
    ]);
    expect(bad('s-007: 0.4', 's-070: 0.4')).toEqual([
      {
        path: 'traffic.storeShares.s-070',
        message: expect.stringContaining('stores are s-001 … s-010 (traffic.stores: 10)'),
      },
    ]);
    expect(bad('s-007: 0.4', 's-007: 0.7, s-008: 0.5')).toEqual([
      { path: 'traffic.storeShares', message: expect.stringContaining('sum to at most 1') },
    ]);
    expect(bad('latency: { from: 200ms, to: 3s }', 'latency: { from: 200ms, upto: 3s }')).toEqual([
      { path: 'faults[0].latency', message: expect.stringContaining('{ from: 200ms, to: 3s }') },
    ]);
    expect(bad('kind: latency', 'kind: timeout')).toEqual([
      { path: 'faults[0].latency', message: expect.stringContaining('only a latency fault ramps') },
    ]);
    expect(bad('{ at: 1m, p: 1 }', '{ at: 1m, p: 2 }')).toEqual([
      { path: 'faults[1].probability[3].p', message: expect.stringContaining('<=1') },
    ]);
    expect(bad('{ at: 1m, p: 1 }', '{ at: 5m, p: 1 }')).toEqual([
      {
        path: 'faults[1].probability[3].at',
        message: expect.stringContaining('after its end; move it or lengthen for'),
      },
    ]);
    expect(
      bad('    for: 2m\n    probability: [', '    for: 2m\n    ramp: 5s\n    probability: ['),
    ).toEqual([{ path: 'faults[1].ramp', message: expect.stringContaining('drop ramp') }]);
    expect(bad('operation: [query, close]', 'operation: [query, reverse]')).toEqual([
      { path: 'faults[2].scope.operation', message: expect.stringContaining('one of pay, query') },
    ]);
    expect(bad('kind: timeout, at: 2m', 'kind: decline, at: 2m')).toEqual([
      {
        path: 'faults[2].scope.operation',
        message: expect.stringContaining('a decline fault acts on pay only'),
      },
    ]);
  });

  it('names the bad field of each new expectation and the fix', () => {
    const bad = (from: string, to: string) => details(BASE.replace(from, to));
    expect(bad('in: [down, degraded, probing]', 'in: [down, sick]')).toEqual([
      { path: 'expect[0].in', message: expect.stringContaining('a state (healthy, degraded') },
    ]);
    expect(bad('from: 4m10s, to: 5m', 'from: 5m, to: 4m10s')).toEqual([
      { path: 'expect[0].to', message: expect.stringContaining('swap from and to') },
    ]);
    expect(bad('transitions: { atMost: 4 }', 'transitions: { atMost: -1 }')).toEqual([
      { path: 'expect[1].transitions.atMost', message: expect.stringContaining('>=0') },
    ]);
    expect(bad('of: busy, within: 30s', 'of: bsy, within: 30s')).toEqual([
      {
        path: 'expect[3].backToHealthy.of',
        message: 'no fault "bsy" (have slow, busy, queries, mini, planned-alipay-1)',
      },
    ]);
    expect(bad('pool: qr, panic: false', 'pool: card, panic: false')).toEqual([
      { path: 'expect[5].pool', message: 'no pool "card" (have qr)' },
    ]);
    expect(bad('panic: true, from: 4m', 'panic: sometimes, from: 4m')).toEqual([
      { path: 'expect[6].panic', message: expect.stringContaining('expected boolean') },
    ]);
    expect(
      bad('share: { atLeast: 0.6, atMost: 0.8 }', 'share: { atLeast: 0.8, atMost: 0.6 }'),
    ).toEqual([{ path: 'expect[7].share', message: 'atLeast 0.8 is over atMost 0.6: swap them' }]);
    expect(bad('share: { atLeast: 0.6, atMost: 0.8 }', 'share: {}')).toEqual([
      { path: 'expect[7].share', message: expect.stringContaining('give atLeast, atMost or both') },
    ]);
    expect(bad('checkoutP95: { atMost: 1500ms }', 'checkoutP95: { atMost: fast }')).toEqual([
      { path: 'expect[8].checkoutP95.atMost', message: expect.stringContaining('a duration like') },
    ]);
    expect(bad('chargedButReportedFailed: 0', 'chargedButReportedFailed: none')).toEqual([
      { path: 'expect[10].chargedButReportedFailed', message: expect.stringContaining('number') },
    ]);
    expect(bad('{ chargedButReportedFailed: 0 }', '{ chargedButReported: 0 }')).toEqual([
      {
        path: 'expect[10]',
        message: expect.stringMatching(/^not an expectation: give one of reaches, /),
      },
    ]);
    expect(
      bad(
        '{ failovers: { atMost: 50 }, to: 8m }',
        '{ failovers: { atMost: 50 }, doubleCharges: 0 }',
      ),
    ).toEqual([
      {
        path: 'expect[9]',
        message: 'one expectation per entry, found doubleCharges and failovers: split them',
      },
    ]);
    expect(
      problems(BASE.replace(/traffic:\n( {2}.*\n)+/, '')).filter((p) => p.startsWith('expect')),
    ).toEqual(['expect[7]', 'expect[8]', 'expect[9]', 'expect[10]']);
  });
});
