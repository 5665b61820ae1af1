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
  /** With store shares: cumulative weights per store, drawn from a stream of their own. */
  private readonly storeDraw: { cumulative: number[]; rng: Rng } | null;
  private n = 0;

  constructor(
    private readonly profile: TrafficProfile,
    seed: number,
  ) {
    this.faker = new Faker({ locale: [en, base] });
    this.faker.seed(seed);
    this.rng = new Rng(seed).fork('traffic');
    this.stores = Array.from({ length: profile.stores }, (_, i) => storeId(i + 1));
    this.poolWeights = Object.entries(profile.pools).map(([value, weight]) => ({ value, weight }));
    this.segmentWeights = Object.entries(profile.segments).map(([value, weight]) => ({
      value,
      weight,
    }));
    this.storeDraw = storeDraw(this.stores, profile.storeShares, seed);
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

  private pickStore({ cumulative, rng }: { cumulative: number[]; rng: Rng }): string {
    const u = rng.next();
    let i = 0;
    while (i < cumulative.length - 1 && u >= cumulative[i]) i++;
    return this.stores[i];
  }

  private order(createdAt: number): Order {
    const f = this.faker;
    const uniform = f.helpers.arrayElement(this.stores);
    // The uniform draw is made either way, so that shares move stores and nothing else.
    const store = this.storeDraw ? this.pickStore(this.storeDraw) : uniform;
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

/**
 * Cumulative weights when some stores have a share: each named store its share, the others the
 * rest split evenly. Its own RNG stream keeps every other draw of the traffic as it was.
 */
function storeDraw(
  stores: readonly string[],
  shares: Readonly<Record<string, number>> | undefined,
  seed: number,
): { cumulative: number[]; rng: Rng } | null {
  if (!shares || Object.keys(shares).length === 0) return null;
  const named = stores.filter((s) => shares[s] !== undefined);
  const rest = Math.max(0, 1 - named.reduce((a, s) => a + shares[s], 0));
  const others = stores.length - named.length;
  let total = 0;
  const cumulative = stores.map((s) => (total += shares[s] ?? (others > 0 ? rest / others : 0)));
  return {
    cumulative: cumulative.map((c) => c / total),
    rng: new Rng(seed).fork('traffic-stores'),
  };
}

/** The n-th store's id (1-based): s-001, s-002, … */
export function storeId(n: number): string {
  return `s-${String(n).padStart(3, '0')}`;
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
