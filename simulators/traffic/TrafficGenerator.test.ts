import { describe, expect, it } from 'vitest';
import type { TrafficProfile } from '../scenario/Scenario.ts';
import { rateAt, TrafficGenerator } from './TrafficGenerator.ts';

const profile: TrafficProfile = {
  rate: [
    { atMs: 0, rps: 2 },
    { atMs: 60_000, rps: 20 },
  ],
  timeoutMs: 3000,
  stores: 10,
  terminalsPerStore: 2,
  pools: { qr: 3, card: 1 },
  segments: { regular: 1, vip: 1 },
  amount: { median: 4800, p99: 60_000 },
  customerDeclines: 0.05,
};

describe('TrafficGenerator', () => {
  it('is the same orders for the same seed, others for another', () => {
    const a = new TrafficGenerator(profile, 42).orders(120_000);
    expect(new TrafficGenerator(profile, 42).orders(120_000)).toEqual(a);
    expect(new TrafficGenerator(profile, 43).orders(120_000)).not.toEqual(a);
  });

  it('follows the rate ramp', () => {
    const orders = new TrafficGenerator(profile, 1).orders(120_000);
    const first = orders.filter((o) => o.createdAt < 30_000).length;
    const last = orders.filter((o) => o.createdAt >= 90_000).length;
    // about 30 s × 6.5/s against 30 s × 20/s
    expect(first).toBeGreaterThan(130);
    expect(first).toBeLessThan(270);
    expect(last).toBeGreaterThan(500);
    expect(last).toBeLessThan(700);
    expect(rateAt(profile.rate, 30_000)).toBe(11);
  });

  it('draws realistic order fields from the profile', () => {
    const orders = new TrafficGenerator(profile, 7).orders(300_000);
    const pools = new Set(orders.map((o) => o.pool));
    expect(pools).toEqual(new Set(['qr', 'card']));
    expect(orders.filter((o) => o.pool === 'qr').length / orders.length).toBeGreaterThan(0.68);
    for (const o of orders.slice(0, 200)) {
      expect(o.store).toMatch(/^s-0(0[1-9]|10)$/);
      expect(o.terminal.startsWith(`${o.store}-t`)).toBe(true);
      expect(['regular', 'vip']).toContain(o.segment);
      expect(o.amount).toBeGreaterThan(0);
    }
    const decliners = orders.filter((o) => o.customerDeclines).length / orders.length;
    expect(decliners).toBeGreaterThan(0.03);
    expect(decliners).toBeLessThan(0.07);
    expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
  });

  it('gives named stores their share, the rest split evenly, and leaves every other draw as it was', () => {
    const plain = new TrafficGenerator(profile, 7).orders(300_000);
    const shared = new TrafficGenerator({ ...profile, storeShares: { 's-003': 0.4 } }, 7).orders(
      300_000,
    );
    const share = (orders: typeof plain, store: string) =>
      orders.filter((o) => o.store === store).length / orders.length;
    expect(share(shared, 's-003')).toBeGreaterThan(0.37);
    expect(share(shared, 's-003')).toBeLessThan(0.43);
    // 60 % over the nine others
    expect(share(shared, 's-001')).toBeGreaterThan(0.05);
    expect(share(shared, 's-001')).toBeLessThan(0.085);
    // of each pool too (stores are drawn apart from pools)
    expect(
      share(
        shared.filter((o) => o.pool === 'card'),
        's-003',
      ),
    ).toBeGreaterThan(0.35);
    const strip = (o: (typeof plain)[number]) => ({
      ...o,
      store: '',
      terminal: o.terminal.slice(5),
    });
    expect(shared.map(strip)).toEqual(plain.map(strip));
  });
});
