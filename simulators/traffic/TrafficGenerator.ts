import { base, en, Faker } from '@faker-js/faker';
import type { Order } from '../checkout/types.ts';
import { Rng } from '../random/Rng.ts';
import type { RatePoint, TrafficProfile } from '../scenario/Scenario.ts';

/** Payment methods per pool: QR pools take scans and mini-program payments, card pools quick pay. */
const METHODS: Record<string, string[]> = {
  qr: ['qr', 'mini_program', 'app'],
  card: ['quick_pay', 'card'],
};
const PLATFORMS = ['wechat_mini', 'alipay_mini', 'h5', 'app', 'pos'];

/**
 * Shop orders for a scenario, all seeded: arrivals are a Poisson process whose rate follows the
 * profile (thinning), and each order's store, terminal, pool, method, segment and amount come
 * from a seeded faker. The same seed gives the same orders at the same times.
 */
export class TrafficGenerator {
  private readonly faker: Faker;
  private readonly rng: Rng;
  private readonly stores: string[];
  private readonly poolWeights: { weight: number; value: string }[];
  private readonly segmentWeights: { weight: number; value: string }[];
  private n = 0;

  constructor(
    private readonly profile: TrafficProfile,
    seed: number,
  ) {
    this.faker = new Faker({ locale: [en, base] });
    this.faker.seed(seed);
    this.rng = new Rng(seed).fork('traffic');
    this.stores = Array.from(
      { length: profile.stores },
      (_, i) => `s-${String(i + 1).padStart(3, '0')}`,
    );
    this.poolWeights = Object.entries(profile.pools).map(([value, weight]) => ({ value, weight }));
    this.segmentWeights = Object.entries(profile.segments).map(([value, weight]) => ({
      value,
      weight,
    }));
  }

  /** Every order of a run of `durationMs`, in arrival order, `createdAt` offset from `start`. */
  orders(durationMs: number, start = 0): Order[] {
    const out: Order[] = [];
    const max = Math.max(...this.profile.rate.map((p) => p.rps));
    if (!(max > 0)) return out;
    let t = 0;
    for (;;) {
      t += this.rng.exponential(max / 1000);
      if (t >= durationMs) break;
      // thinning: keep an arrival with probability rate(t) / max
      if (this.rng.next() * max < rateAt(this.profile.rate, t))
        out.push(this.order(start + Math.floor(t)));
    }
    return out;
  }

  private order(createdAt: number): Order {
    const f = this.faker;
    const store = f.helpers.arrayElement(this.stores);
    const pool = f.helpers.weightedArrayElement(this.poolWeights);
    const amount = Math.max(
      1,
      Math.round(this.rng.lognormal(this.profile.amount.median, this.profile.amount.p99)),
    );
    this.n++;
    return {
      id: `o-${String(this.n).padStart(6, '0')}`,
      amount,
      pool,
      method: f.helpers.arrayElement(METHODS[pool] ?? [pool]),
      store,
      terminal: `${store}-t${f.number.int({ min: 1, max: this.profile.terminalsPerStore })}`,
      segment: f.helpers.weightedArrayElement(this.segmentWeights),
      platform: f.helpers.arrayElement(PLATFORMS),
      customerDeclines: f.number.float({ min: 0, max: 1 }) < this.profile.customerDeclines,
      createdAt,
    };
  }
}

/** Rate at `t` ms: linear between points, flat before the first and after the last. */
export function rateAt(points: readonly RatePoint[], t: number): number {
  if (t <= points[0].atMs) return points[0].rps;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (t <= b.atMs)
      return b.atMs === a.atMs
        ? b.rps
        : a.rps + ((b.rps - a.rps) * (t - a.atMs)) / (b.atMs - a.atMs);
  }
  return points[points.length - 1].rps;
}
