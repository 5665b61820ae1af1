import { describe, expect, it } from 'vitest';
import { Rng } from './Rng.ts';

describe('Rng', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('forks depend on the key, not on how far the parent has run', () => {
    const a = new Rng(7);
    const f1 = a.fork('wechat|o-1|1').next();
    a.next();
    a.next();
    expect(a.fork('wechat|o-1|1').next()).toBe(f1);
    expect(a.fork('wechat|o-2|1').next()).not.toBe(f1);
  });

  it('keyed forks are the streams of the spelt-out keys, seed included', () => {
    for (const seed of [7, 'abc']) {
      const r = new Rng(seed);
      const forks = r.forks('pay|wechat|');
      for (const [name, n] of [
        ['o-1', 1],
        ['o-1', 2],
        ['o-1', 9],
        ['o-1', 10],
        ['', 13],
        ['', 0],
        ['订单-9', 100],
      ] as const) {
        const a = forks.fork(name, n);
        const b = r.fork(`pay|wechat|${name}|${n}`);
        expect(Array.from({ length: 4 }, () => a.next())).toEqual(
          Array.from({ length: 4 }, () => b.next()),
        );
        expect(a.seed).toBe(b.seed);
      }
      expect(forks.fork('o-1', 1).next()).not.toBe(forks.fork('o-1', 2).next());
    }
  });

  it('draws lognormal latencies with about the asked median and p99', () => {
    const r = new Rng(1);
    const xs = Array.from({ length: 20000 }, () => r.lognormal(200, 1000)).sort((x, y) => x - y);
    expect(xs[10000]).toBeGreaterThan(185);
    expect(xs[10000]).toBeLessThan(215);
    expect(xs[19800]).toBeGreaterThan(880);
    expect(xs[19800]).toBeLessThan(1130);
  });

  it('chance follows its probability', () => {
    const r = new Rng(3);
    let n = 0;
    for (let i = 0; i < 10000; i++) if (r.chance(0.2)) n++;
    expect(n).toBeGreaterThan(1850);
    expect(n).toBeLessThan(2150);
    expect(r.chance(0)).toBe(false);
  });
});
