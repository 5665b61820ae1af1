import { describe, expect, it } from 'vitest';
import { demoEngine } from '../../test/support/demoEngine.ts';
import fc from 'fast-check';
import { describeIssues, parseOutcomes } from './parse.ts';

const { engine } = demoEngine();
const now = 1_795_300_000_000;
const parse = (body: unknown) => parseOutcomes(body, { now, engine });

describe('parseOutcomes', () => {
  it('accepts the contract example and fills defaults', () => {
    const r = parse({
      channel: 'wechat',
      outcome: 'timeout',
      code: 'SYSTEMERROR',
      latencyMs: 3000,
      at: 1795299999000,
      amount: 39800,
      method: 'qr',
      store: 's-017',
      terminal: 't-3',
      source: 'live',
      orderId: 'o-8812',
    });
    expect(r).toEqual({
      ok: true,
      events: [
        {
          channel: 'wechat',
          outcome: 'timeout',
          code: 'SYSTEMERROR',
          latencyMs: 3000,
          at: 1795299999000,
          amount: 39800,
          method: 'qr',
          store: 's-017',
          terminal: 't-3',
          source: 'live',
          orderId: 'o-8812',
          instant: true, // SYSTEMERROR is one of wechat's instant codes: classified here, once
        },
      ],
    });
    expect(parse({ channel: 'alipay', outcome: 'success', latencyMs: 5 })).toEqual({
      ok: true,
      events: [{ channel: 'alipay', outcome: 'success', latencyMs: 5, at: now, source: 'live' }],
    });
  });

  it("classifies by the channel's code table when the outcome is left out", () => {
    const r = parse([
      { channel: 'wechat', code: 'NOT_ENOUGH', latencyMs: 1 },
      { channel: 'wechat', code: 'NOTENOUGH', latencyMs: 1 },
      { channel: 'alipay', code: 'ACQ.PAYMENT_REQUEST_HAS_RISK', latencyMs: 1 },
      { channel: 'unionpay', code: '02', latencyMs: 1 },
      { channel: 'unionpay', code: '04', latencyMs: 1 },
      { channel: 'bank_a', code: 'NEVER_SEEN', latencyMs: 1 },
    ]);
    if (!r.ok) throw new Error(r.error);
    expect(r.events.map((e) => e.outcome)).toEqual([
      'decline',
      'decline',
      'risk_reject',
      'maintenance',
      'neutral',
      'error',
    ]);
    expect(r.events[5].unknownCode).toBe(true);
    expect(r.events[0].unknownCode).toBeUndefined();
  });

  it('refuses a batch whole, naming index, field and fix', () => {
    const r = parse([
      { channel: 'wechat', outcome: 'success', latencyMs: 10 },
      { channel: 'wechat', outcome: 'nope', latencyMs: -1 },
      { channel: 'paypal', outcome: 'success', latencyMs: 1, at: 'yesterday' },
      'not an object',
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.details.map((d) => [d.index, d.path])).toEqual([
      [1, 'latencyMs'],
      [1, 'outcome'],
      [2, 'channel'],
      [2, 'at'],
      [3, ''],
    ]);
    expect(r.details[2].message).toMatch(/unknown channel "paypal".*GET \/v1\/channels/);
    expect(r.error).toMatch(/nothing was recorded/);
  });

  it('refuses times far in the future, as a clock or unit bug', () => {
    const r = parse({ channel: 'wechat', outcome: 'success', latencyMs: 1, at: now * 1000 });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.details[0]).toMatchObject({ path: 'at', message: expect.stringMatching(/future/) });
  });

  it('caps the issues it lists for a huge garbage batch', () => {
    const r = parse(Array.from({ length: 10_000 }, () => ({})));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.details.length).toBeLessThanOrEqual(50);
  });
});

describe('parseOutcomes fast path', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 4 }),
    fc.constantFrom('wechat', 'alipay', 'unionpay', 'bank_a', 'x'.repeat(200), ''),
  );
  const value = fc.oneof(
    text,
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.constant(null),
    fc.boolean(),
    fc.constant(undefined),
    fc.constant({}),
    fc.constant([]),
  );
  const event = fc.record(
    {
      channel: fc.oneof(fc.constantFrom('wechat', 'alipay', 'unionpay', 'bank_a', 'paypal'), value),
      latencyMs: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double(), value),
      outcome: fc.oneof(
        fc.constantFrom(
          'success',
          'decline',
          'risk_reject',
          'error',
          'timeout',
          'maintenance',
          'neutral',
          'nope',
        ),
        value,
      ),
      code: fc.oneof(fc.constantFrom('SYSTEMERROR', 'NOT_ENOUGH', '10000', '02', 'WHAT'), value),
      at: fc.oneof(
        fc.integer({ min: now - 100_000, max: now + 1_000_000 }),
        fc.constantFrom('2026-11-22T08:37:00+08:00', 'yesterday'),
        value,
      ),
      amount: fc.oneof(fc.integer({ min: -1, max: 100_000 }), fc.double(), value),
      source: fc.oneof(fc.constantFrom('live', 'probe', 'other'), value),
      store: value,
      terminal: value,
      method: value,
      orderId: value,
    },
    { requiredKeys: [] },
  );

  it('accepts exactly the events the field-by-field path accepts, with the same result', () => {
    fc.assert(
      fc.property(event, (e) => {
        const fast = parse(e);
        const issues: Parameters<typeof describeIssues>[3] = [];
        const slow = describeIssues(e, 0, { now, engine }, issues);
        expect(fast.ok).toBe(issues.length === 0);
        if (fast.ok) expect(fast.events[0]).toEqual(slow);
      }),
      { numRuns: 3000 },
    );
  });
});
