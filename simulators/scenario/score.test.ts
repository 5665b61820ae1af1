import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.ts';
import type { Fault } from '../faults/Fault.ts';
import type { OrderFact } from './orderFacts.ts';
import type { Expectation } from './Scenario.ts';
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

describe('scoring the way back', () => {
  // qr: wechat (top 0.7), alipay (0.2), unionpay (0.1). wechat-busy 10 s–40 s; a second fault
  // starts at 20 s while wechat is out already; wechat comes back at 55 s and ramps to full at 70 s.
  const channels = [
    { id: 'wechat', pool: 'qr', topShare: 0.7 },
    { id: 'alipay', pool: 'qr', topShare: 0.2 },
    { id: 'unionpay', pool: 'qr', topShare: 0.1 },
  ];
  const w = (wechat: number, alipay: number, unionpay: number) => ({ wechat, alipay, unionpay });
  const at = (
    t: number,
    channel: string,
    from: Decision['from'],
    to: Decision['to'],
    reason: Decision['reason'],
    weights: Record<string, number>,
    panic?: boolean,
  ): Decision => ({ ...dec(t, channel, from, to, reason), weights, ...(panic && { panic }) });
  const decisions = [
    at(10_400, 'wechat', 'healthy', 'down', 'instant_code', w(0, 0.7, 0.3)),
    at(25_000, 'wechat', 'down', 'probing', 'ejection_elapsed', w(0.05, 0.67, 0.28)),
    at(26_000, 'wechat', 'probing', 'down', 'trial_failed', w(0, 0.7, 0.3)),
    at(30_000, 'alipay', 'healthy', 'down', 'error_rate', w(0, 0, 1)),
    at(31_000, 'unionpay', 'healthy', 'down', 'timeouts', w(0, 0, 1), true),
    at(35_000, 'unionpay', 'down', 'healthy', 'recovered', w(0, 0, 1)),
    at(36_000, 'alipay', 'down', 'healthy', 'recovered', w(0, 0.7, 0.3)),
    at(50_000, 'wechat', 'down', 'probing', 'ejection_elapsed', w(0.05, 0.67, 0.28)),
    at(55_000, 'wechat', 'probing', 'healthy', 'recovered', w(0.35, 0.45, 0.2)),
    at(70_000, 'wechat', 'healthy', 'healthy', 'ramp', w(0.7, 0.2, 0.1)),
  ];
  const facts: RunFacts = {
    start: T0,
    graceMs: 5000,
    planned: [],
    faults: [
      fault('busy', 'wechat', 'error', 10_000, 40_000),
      fault('again', 'wechat', 'timeout', 20_000, 45_000),
      fault('slow', 'alipay', 'latency', 29_000, 33_000),
    ],
    decisions,
    channels,
  };
  const score = (e: Expectation) => scoreExpectations([e], facts, scoreSwitches(facts))[0];
  const END = Number.MAX_SAFE_INTEGER;

  it('matches each overlapping fault to a decision at or after its own onset, never the earlier one', () => {
    const [busy, again] = scoreFaults(facts);
    expect(busy).toMatchObject({
      detectedAt: 10_400,
      stateAtStart: 'healthy',
      detectedBy: { to: 'down', reason: 'instant_code', alsoActive: [] },
    });
    // wechat was out already at 20 s: not 10.4 s (busy's), but the next move out after 20 s
    expect(again).toMatchObject({
      detectedAt: 26_000,
      detectionMs: 6000,
      stateAtStart: 'down',
      detectedBy: { to: 'down', reason: 'trial_failed', alsoActive: ['busy'] },
    });
  });

  it('times the way back from each fault end: to healthy, and to full weight', () => {
    const [busy, again, slow] = scoreFaults(facts);
    expect(busy.recovery).toEqual({
      healthyAt: 55_000,
      healthyMs: 15_000,
      fullWeight: 0.7,
      fullWeightAt: 70_000,
      fullWeightMs: 30_000,
    });
    expect(again.recovery).toMatchObject({ healthyMs: 10_000, fullWeightMs: 25_000 });
    // alipay carried 0.7 before its fault (wechat was out): full weight is its top share, 0.2
    expect(slow.recovery).toMatchObject({
      healthyAt: 36_000,
      fullWeight: 0.2,
      fullWeightAt: 36_000,
    });
  });

  it('in: every moment of the range in the states', () => {
    const inDown = (fromMs: number, toMs: number) =>
      score({
        kind: 'in',
        text: 'x',
        channel: 'wechat',
        states: ['down', 'probing'],
        fromMs,
        toMs,
      });
    expect(inDown(11_000, 54_000)).toMatchObject({
      pass: true,
      observed: 'down, probing throughout (3 change(s))',
    });
    expect(inDown(11_000, 60_000)).toMatchObject({
      pass: false,
      observed: "left the range's states: probing→healthy at 55s (recovered)",
    });
    expect(inDown(5_000, 20_000)).toMatchObject({
      pass: false,
      observed: 'healthy at 5s (from the start)',
    });
  });

  it('transitions: at most N per channel in the range', () => {
    const t = (atMost: number, channel?: string) =>
      score({
        kind: 'transitions',
        text: 'x',
        atMost,
        fromMs: 0,
        toMs: END,
        ...(channel && { channel }),
      });
    expect(t(5, 'wechat')).toMatchObject({ pass: true, observed: 'wechat 5' });
    expect(t(4)).toMatchObject({
      pass: false,
      observed: expect.stringMatching(/^wechat 5: healthy→down at 10s \(instant_code\), .*, …$/),
    });
    expect(t(2)).toMatchObject({ pass: false });
    expect(t(4).observed).not.toContain('alipay');
  });

  it('backToHealthy and backToFullWeight: within T of the fault end', () => {
    const back = (kind: 'backToHealthy' | 'backToFullWeight', faultId: string, withinMs: number) =>
      score({ kind, text: 'x', faultId, withinMs });
    expect(back('backToHealthy', 'busy', 15_000)).toMatchObject({
      pass: true,
      observed: expect.stringMatching(
        /^healthy at 55s, \+15000ms after the end \(40s\); on the way: /,
      ),
    });
    expect(back('backToHealthy', 'busy', 14_999).pass).toBe(false);
    expect(back('backToFullWeight', 'busy', 30_000).pass).toBe(true);
    expect(back('backToFullWeight', 'busy', 20_000)).toMatchObject({
      pass: false,
      observed: expect.stringContaining("weight 0.7 (0 at the fault's end) at 1m10s, +30000ms"),
    });
    expect(back('backToHealthy', 'nope', 1000)).toMatchObject({ pass: false });
    const never: RunFacts = { ...facts, decisions: decisions.slice(0, 3) };
    expect(
      scoreExpectations(
        [{ kind: 'backToHealthy', text: 'x', faultId: 'busy', withinMs: 60_000 }],
        never,
        [],
      )[0],
    ).toMatchObject({
      pass: false,
      observed: 'not back to healthy by the end of the run: down at weight 0',
    });
  });

  it('panic: must or must not happen in the range', () => {
    const p = (happens: boolean, fromMs: number, toMs: number, pool?: string) =>
      score({ kind: 'panic', text: 'x', happens, fromMs, toMs, ...(pool && { pool }) });
    expect(p(true, 0, END, 'qr')).toMatchObject({ pass: true, observed: 'qr in a panic at 31s' });
    expect(p(true, 32_000, 34_000)).toMatchObject({ pass: true, observed: 'qr in a panic at 32s' });
    expect(p(true, 40_000, END)).toMatchObject({ pass: false, observed: 'no panic' });
    expect(p(false, 40_000, END)).toMatchObject({ pass: true, observed: 'no panic' });
    expect(p(false, 0, END)).toMatchObject({ pass: false, observed: 'qr in a panic at 31s' });
  });
});

describe('scoring the checkout', () => {
  const order = (n: number, createdAt: number, channels: string[], latencyMs = 100): OrderFact => ({
    id: `o-${n}`,
    pool: 'qr',
    createdAt: T0 + createdAt,
    status: 'paid',
    channels,
    latencyMs,
  });
  const orders = [
    ...Array.from({ length: 6 }, (_, i) => order(i, 1000 * i, ['wechat'], 100 + i)),
    order(6, 6000, ['alipay'], 300),
    order(7, 7000, ['wechat', 'alipay'], 3500),
    order(8, 8000, ['alipay'], 200),
    order(9, 9000, [], 0),
  ];
  const checkout = {
    attempts: 10,
    succeeded: 9,
    successRate: 0.9,
    doubleCharges: 0,
    droppedOrders: { injected: 0, found: 0 },
    oracleSuccessRate: null,
    staticSuccessRate: null,
    strategies: {},
    ordersFoundLater: 2,
    ordersLeftPending: 0,
    chargedButReportedFailed: 1,
    failovers: 1,
  };
  const facts: RunFacts = {
    start: T0,
    graceMs: 0,
    planned: [],
    faults: [],
    decisions: [],
    orders,
    checkout,
    channels: [
      { id: 'wechat', pool: 'qr', topShare: 0.7 },
      { id: 'alipay', pool: 'qr', topShare: 0.3 },
    ],
  };
  const score = (e: Expectation, f = facts) => scoreExpectations([e], f, [])[0];
  const all = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER };

  it("share: the channel's share of first attempts in its pool (orders with no attempt left out)", () => {
    const share = (atLeast?: number, atMost?: number, r = all) =>
      score({ kind: 'share', text: 'x', channel: 'wechat', atLeast, atMost, ...r });
    expect(share(0.7, 0.8)).toMatchObject({
      pass: true,
      observed: '77.8%: 7 of 9 first attempts in qr',
    });
    expect(share(0.8).pass).toBe(false);
    expect(share(undefined, 0.5).pass).toBe(false);
    expect(share(undefined, 0, { fromMs: 8000, toMs: 8000 })).toMatchObject({
      pass: true,
      observed: '0.0%: 0 of 1 first attempts in qr',
    });
  });

  it('checkoutP95: nearest-rank p95 of order latency in the range', () => {
    expect(score({ kind: 'checkoutP95', text: 'x', atMostMs: 3500, ...all })).toMatchObject({
      pass: true,
      observed: 'p95 3500 ms over 10 orders (max 3500 ms)',
    });
    expect(score({ kind: 'checkoutP95', text: 'x', atMostMs: 1000, ...all }).pass).toBe(false);
    expect(
      score({ kind: 'checkoutP95', text: 'x', atMostMs: 1000, fromMs: 0, toMs: 6500 }).pass,
    ).toBe(true);
  });

  it('failovers: orders that needed a second channel', () => {
    expect(score({ kind: 'failovers', text: 'x', atMost: 1, ...all })).toMatchObject({
      pass: true,
      observed: '1 of 10 orders needed a second channel (first o-7: wechat → alipay)',
    });
    expect(score({ kind: 'failovers', text: 'x', atMost: 0, ...all }).pass).toBe(false);
    expect(score({ kind: 'failovers', text: 'x', atMost: 0, fromMs: 0, toMs: 6000 }).pass).toBe(
      true,
    );
  });

  it('chargedButReportedFailed: from the checkout report', () => {
    const e: Expectation = { kind: 'chargedButReportedFailed', text: 'x', atMost: 0 };
    expect(score(e)).toMatchObject({
      pass: false,
      observed: '1 charged but reported failed; 2 pending found paid later, 0 left pending',
    });
    expect(
      score(e, { ...facts, checkout: { ...checkout, chargedButReportedFailed: 0 } }).pass,
    ).toBe(true);
    expect(score(e, { ...facts, checkout: undefined }).observed).toBe('no checkout ran');
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
