/**
 * A small seeded PRNG (sfc32) with named forks. Simulators draw every random choice from one of
 * these, so the same seed and scenario give the same fates byte for byte. A fork keyed by
 * (channel, order, attempt) gives one request the same fate whichever strategy sent it there.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private readonly seedValue: number | string;
  /** Set when this is a keyed fork's stream: its key is spelt out only if someone asks for `seed`. */
  private forkOf: RngForks | undefined = undefined;
  private forkName = '';
  private forkN = 0;

  constructor(seed: number | string) {
    this.seedValue = seed;
    const h = finish(absorb(START, String(seed)));
    this.start(h[0], h[1], h[2], h[3]);
  }

  get seed(): number | string {
    return this.forkOf === undefined
      ? this.seedValue
      : this.forkOf.keyOf(this.forkName, this.forkN);
  }

  /** An independent stream derived from this seed and `key` (not from this stream's position). */
  fork(key: string): Rng {
    return new Rng(`${this.seed}/${key}`);
  }

  /**
   * Forks keyed `${prefix}${name}|${n}` with the prefix hashed once: `forks(p).fork(name, n)` is
   * the stream of `fork(`${p}${name}|${n}`)`, without building and hashing that string per call.
   */
  forks(prefix: string): RngForks {
    const key = `${this.seed}/${prefix}`;
    return new RngForks(key, absorb(START, key));
  }

  /** Restarts this generator as the keyed fork `forks` · `name` · `n`, whose hash is `a`…`d` (see {@link RngForks.forkInto}). */
  restartAs(
    forks: RngForks,
    name: string,
    n: number,
    a: number,
    b: number,
    c: number,
    d: number,
  ): this {
    this.forkOf = forks;
    this.forkName = name;
    this.forkN = n;
    this.start(a, b, c, d);
    return this;
  }

  private start(a: number, b: number, c: number, d: number): void {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given median and 99th percentile: ln X ~ N(ln median, σ), σ = ln(p99/median) / 2.3263. */
  lognormal(median: number, p99: number): number {
    const sigma = p99 > median ? Math.log(p99 / median) / 2.3263 : 0;
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential with the given rate per unit (Poisson inter-arrival times). */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }
}

/** Forks sharing one hashed key prefix (see {@link Rng.forks}). */
export class RngForks {
  constructor(
    private readonly key: string,
    private readonly state: HashState,
  ) {}

  fork(name: string, n: number): Rng {
    return this.forkInto(new Rng(''), name, n);
  }

  /**
   * Restarts `target` as the fork `name`, `n`: what {@link fork} gives, with no allocation. The
   * simulator forks one stream per simulated call and draws from it at once, so it keeps one
   * generator per kind of call and restarts it. `absorb` and `finish` are inlined on four locals:
   * no arrays, no key string.
   */
  forkInto(target: Rng, name: string, n: number): Rng {
    const s = this.state;
    let h1 = s[0];
    let h2 = s[1];
    let h3 = s[2];
    let h4 = s[3];
    // the characters of `${name}|${n}`
    const digits = n >= 0 && n < 10 && Number.isInteger(n) ? undefined : String(n);
    const len = name.length + 1 + (digits === undefined ? 1 : digits.length);
    for (let i = 0; i < len; i++) {
      const k =
        i < name.length
          ? name.charCodeAt(i)
          : i === name.length
            ? 124
            : digits === undefined
              ? 48 + n
              : digits.charCodeAt(i - name.length - 1);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    h1 ^= h2 ^ h3 ^ h4;
    h2 ^= h1;
    h3 ^= h1;
    h4 ^= h1;
    return target.restartAs(this, name, n, h1, h2, h3, h4);
  }

  /** The spelt-out key of the fork `name`, `n`. */
  keyOf(name: string, n: number): string {
    return `${this.key}${name}|${n}`;
  }
}

/** cyrb128's four running words after some characters. */
type HashState = readonly [number, number, number, number];

const START: HashState = [1779033703, 3144134277, 1013904242, 2773480762];

/** cyrb128's per-character mixing, resumable: absorb(absorb(s, x), y) = absorb(s, x + y). */
function absorb(s: HashState, str: string): HashState {
  let h1 = s[0];
  let h2 = s[1];
  let h3 = s[2];
  let h4 = s[3];
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  return [h1, h2, h3, h4];
}

/** cyrb128's final avalanche: four 32-bit words to seed sfc32. */
function finish(s: HashState): HashState {
  let h1 = s[0];
  let h2 = s[1];
  let h3 = s[2];
  let h4 = s[3];
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
