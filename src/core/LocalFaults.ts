import { wilsonLower, wilsonUpper } from './detectors/wilson.ts';

/**
 * Tells a local fault (one store's or one terminal's devices failing) from a channel fault. It
 * keeps decaying failure counts per store and per terminal and for the whole channel. A failure
 * is local when its store (or terminal) fails significantly more than the rest of the channel
 * (Wilson bounds at z = 2 do not overlap) while the rest fails below the degraded rate. Local failures are
 * counted apart and kept out of the channel's health, so one shop's broken POS does not eject
 * WeChat Pay for everyone; a channel-wide fault raises the rest too, so it is never mistaken.
 */
export interface LocalFaultOptions {
  /**
   * Decay half-life of the counts: long enough that a quiet channel (a few outcomes a second)
   * has a rest to compare with, short enough that a store's healthy past fades within a minute.
   */
  halfLifeMs: number;
  /** A store/terminal needs this many (decayed) failures before it can be judged local. */
  minFailures: number;
  /** The rest of the channel must have this many outcomes … */
  minOthers: number;
  /** … failing below this rate. */
  othersBelow: number;
  /** Keys kept per dimension; the stalest are forgotten past it. */
  maxKeys: number;
  /**
   * A failure is local at once when the channel's previous failure came from the same store
   * (or terminal) and at least this many of its last 8 successes came from other stores: a
   * streak confined to one store while the others succeed, judged before any channel rule
   * (k-of-n included) counts it and before the decayed counts have enough to compare.
   */
  streakOthersOk: number;
}

/** Per dimension: the key of the channel's last failure and of its last successes. */
interface Streak {
  lastFailure: string | undefined;
  successes: (string | undefined)[];
  next: number;
}

const RECENT_SUCCESSES = 8;
const streak = (): Streak => ({ lastFailure: undefined, successes: [], next: 0 });

interface Counts {
  n: number;
  f: number;
  t: number;
}

export class LocalFaults {
  private readonly stores = new Map<string, Counts>();
  private readonly terminals = new Map<string, Counts>();
  private readonly all: Counts = { n: 0, f: 0, t: 0 };
  private readonly storeStreak = streak();
  private readonly terminalStreak = streak();
  private readonly lambda: number;
  /** Failures kept out of the channel's health as local. */
  localFailures = 0;

  constructor(private readonly o: LocalFaultOptions) {
    this.lambda = Math.LN2 / o.halfLifeMs;
  }

  /** Record one health-judging outcome; true when a failure is judged local. */
  observe(
    at: number,
    failure: boolean,
    store: string | undefined,
    terminal: string | undefined,
  ): boolean {
    const all = this.add(this.all, at, failure);
    if (store === undefined && terminal === undefined) return false;
    let local = false;
    if (store !== undefined) {
      local = this.confined(this.storeStreak, store, failure);
      local = this.judge(this.stores, store, all, at, failure) || local;
    }
    if (terminal !== undefined) {
      local = this.confined(this.terminalStreak, terminal, failure) || local;
      local = this.judge(this.terminals, terminal, all, at, failure) || local;
    }
    if (local) this.localFailures++;
    return local;
  }

  /** True for a failure confined to its key's streak while other keys succeed (see streakOthersOk). */
  private confined(st: Streak, key: string, failure: boolean): boolean {
    if (!failure) {
      st.successes[st.next] = key;
      st.next = (st.next + 1) % RECENT_SUCCESSES;
      return false;
    }
    const previous = st.lastFailure;
    st.lastFailure = key;
    if (previous !== undefined && previous !== key) return false;
    let others = 0;
    for (const k of st.successes) if (k !== key) others++;
    return others >= this.o.streakOthersOk;
  }

  private judge(
    map: Map<string, Counts>,
    key: string,
    all: Counts,
    at: number,
    failure: boolean,
  ): boolean {
    let c = map.get(key);
    if (!c) {
      if (map.size >= this.o.maxKeys) this.forgetStalest(map);
      c = { n: 0, f: 0, t: at };
      map.set(key, c);
    }
    this.add(c, at, failure);
    if (!failure || c.f < this.o.minFailures) return false;
    const othersN = all.n - c.n;
    if (othersN < this.o.minOthers) return false;
    const othersF = all.f - c.f;
    return (
      othersF / othersN < this.o.othersBelow &&
      wilsonLower(c.f, c.n, 2) > wilsonUpper(othersF, othersN, 2)
    );
  }

  private add(c: Counts, at: number, failure: boolean): Counts {
    if (at > c.t) {
      const k = Math.exp(-this.lambda * (at - c.t));
      c.n *= k;
      c.f *= k;
      c.t = at;
    }
    c.n += 1;
    if (failure) c.f += 1;
    return c;
  }

  private forgetStalest(map: Map<string, Counts>): void {
    // Maps iterate in insertion order; drop the older half in one pass rather than one key per insert.
    let drop = map.size >> 1;
    for (const key of map.keys()) {
      if (drop-- <= 0) break;
      map.delete(key);
    }
  }
}
