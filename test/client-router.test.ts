import { describe, expect, it } from 'vitest';
import { Router, admits } from '../src/client/Router.ts';
import { seededRandom } from '../src/core/random.ts';
import type { ChannelRule } from '../src/client/types.ts';

const rules: ChannelRule[] = [
  { id: 'wechat', pool: 'qr', priority: 1, maxAmount: 500_00 },
  { id: 'alipay', pool: 'qr', priority: 2 },
  { id: 'unionpay', pool: 'qr', priority: 3, minAmount: 10_00 },
  { id: 'miniapp', pool: 'qr', priority: 4, platforms: ['wechat-miniprogram'] },
  { id: 'corp', pool: 'qr', priority: 5, segments: ['corporate'] },
];
const order = { amount: 100_00, segment: 'regular' };

describe('Router', () => {
  it('draws by weight: shares over many picks follow the weights', () => {
    const r = new Router(rules, seededRandom(7));
    r.setWeights('qr', { wechat: 0.7, alipay: 0.2, unionpay: 0.1 });
    const n = 20_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const p = r.pick('qr', order, 'live');
      expect(p.reason).toBe('weight');
      counts[p.channel!] = (counts[p.channel!] ?? 0) + 1;
    }
    expect(counts.wechat / n).toBeCloseTo(0.7, 1);
    expect(counts.alipay / n).toBeCloseTo(0.2, 1);
    expect(counts.unionpay / n).toBeCloseTo(0.1, 1);
    expect(counts.miniapp).toBeUndefined();
  });

  it('honours amount limits: a large order never goes to a channel whose limit is below it', () => {
    const r = new Router(rules, seededRandom(1));
    r.setWeights('qr', { wechat: 0.7, alipay: 0.2, unionpay: 0.1 });
    for (let i = 0; i < 500; i++)
      expect(r.pick('qr', { amount: 900_00, segment: 'regular' }, 'live').channel).not.toBe(
        'wechat',
      );
    // Too small for unionpay: only wechat and alipay remain.
    for (let i = 0; i < 500; i++)
      expect(r.pick('qr', { amount: 5_00, segment: 'regular' }, 'live').channel).not.toBe(
        'unionpay',
      );
  });

  it('platform- and segment-specific channels serve only their platform and segment', () => {
    expect(
      admits(rules[3], { amount: 1, segment: 'regular', platform: 'wechat-miniprogram' }),
    ).toBe(true);
    expect(admits(rules[3], { amount: 1, segment: 'regular', platform: 'h5' })).toBe(false);
    expect(admits(rules[3], { amount: 1, segment: 'regular' })).toBe(false);
    expect(admits(rules[4], { amount: 1, segment: 'corporate' })).toBe(true);
    expect(admits(rules[4], { amount: 1, segment: 'vip' })).toBe(false);
    const r = new Router(rules, seededRandom(1));
    r.setWeights('qr', { wechat: 0, alipay: 0, unionpay: 0, miniapp: 1, corp: 0 });
    expect(r.pick('qr', { ...order, platform: 'wechat-miniprogram' }, 'live')).toEqual({
      channel: 'miniapp',
      reason: 'weight',
    });
  });

  it('next() skips what was tried and draws among the rest by weight', () => {
    const r = new Router(rules, seededRandom(3));
    r.setWeights('qr', { wechat: 0.7, alipay: 0.2, unionpay: 0.1 });
    for (let i = 0; i < 200; i++) {
      const p = r.next('qr', order, ['wechat'], 'live');
      expect(p.reason).toBe('fallback');
      expect(['alipay', 'unionpay']).toContain(p.channel);
    }
    // Everything with weight tried: the rest by priority, still a channel rather than a refusal.
    expect(r.next('qr', order, ['wechat', 'alipay', 'unionpay'], 'live')).toEqual({
      channel: null,
      reason: 'no_eligible_channel',
    });
    expect(
      r.next('qr', { ...order, segment: 'corporate' }, ['wechat', 'alipay', 'unionpay'], 'live'),
    ).toEqual({ channel: 'corp', reason: 'last_resort' });
  });

  it('static mode and missing weights route by priority; all-zero weights fall back to the best by priority', () => {
    const r = new Router(rules, seededRandom(3));
    expect(r.pick('qr', order, 'live')).toEqual({ channel: 'wechat', reason: 'static' });
    r.setWeights('qr', { wechat: 0, alipay: 1, unionpay: 0 });
    expect(r.pick('qr', order, 'static')).toEqual({ channel: 'wechat', reason: 'static' });
    expect(r.next('qr', order, ['wechat'], 'static')).toEqual({
      channel: 'alipay',
      reason: 'static',
    });
    expect(r.pick('qr', { amount: 900_00, segment: 'regular' }, 'live').channel).toBe('alipay');
    r.setWeights('qr', { wechat: 1, alipay: 0, unionpay: 0 });
    expect(r.pick('qr', { amount: 900_00, segment: 'regular' }, 'live')).toEqual({
      channel: 'alipay',
      reason: 'last_resort',
    });
    expect(r.weights('qr', 'static')).toMatchObject({ wechat: 1, alipay: 0 });
    expect(r.pick('nope', order, 'live')).toEqual({ channel: null, reason: 'no_eligible_channel' });
  });

  it('one seed gives one sequence of picks', () => {
    const seq = (seed: number) => {
      const r = new Router(rules, seededRandom(seed));
      r.setWeights('qr', { wechat: 0.5, alipay: 0.3, unionpay: 0.2 });
      return Array.from({ length: 50 }, () => r.pick('qr', order, 'live').channel).join();
    };
    expect(seq(42)).toBe(seq(42));
    expect(seq(42)).not.toBe(seq(43));
  });

  it('fail-static skips channels last known down or in maintenance while another serves', () => {
    const r = new Router(rules, seededRandom(3));
    expect(r.pick('qr', order, 'static')).toEqual({ channel: 'wechat', reason: 'static' });
    r.setState('wechat', 'down');
    expect(r.pick('qr', order, 'static')).toEqual({ channel: 'alipay', reason: 'static' });
    r.setState('alipay', 'maintenance');
    expect(r.pick('qr', order, 'static')).toEqual({ channel: 'unionpay', reason: 'static' });
    expect(r.weights('qr', 'static')).toMatchObject({ wechat: 0, alipay: 0, unionpay: 1 });
    // Degraded and probing channels still serve; a channel the gateway saw in maintenance does not.
    r.setState('wechat', 'degraded');
    expect(r.pick('qr', order, 'static').channel).toBe('wechat');
    r.hold('wechat', 1000);
    expect(r.pick('qr', order, 'static', 500).channel).toBe('unionpay');
    expect(r.pick('qr', order, 'static', 1500).channel).toBe('wechat');
    // None serving: the best by priority still beats refusing the sale.
    for (const id of ['wechat', 'alipay', 'unionpay']) r.setState(id, 'down');
    expect(r.pick('qr', order, 'static')).toEqual({ channel: 'wechat', reason: 'static' });
    // A new epoch forgets what the old one said.
    r.clearWeights();
    expect(r.pick('qr', order, 'static', 2000).channel).toBe('wechat');
    r.setState('wechat', 'down');
    expect(r.next('qr', order, ['alipay'], 'static').channel).toBe('unionpay');
  });
});
