import { describe, expect, it } from 'vitest';
import { FanOut } from './FanOut.ts';

/** A fan-out over `n` clients that records what each got; `turn()` runs one deferred step. */
function setup(n: number, options: { slice?: number; maxItems?: number } = {}) {
  const clients = Array.from({ length: n }, (_, id) => ({ id, got: [] as string[] }));
  const deferred: Array<() => void> = [];
  const f = new FanOut({
    targets: () => [...clients],
    overflow: () => (c) => c.got.push('snapshot'),
    defer: (fn) => deferred.push(fn),
    ...options,
  });
  const say = (msg: string, key?: string) => f.push((c) => c.got.push(msg), key);
  const turn = () => deferred.shift()?.();
  const drain = () => {
    let turns = 0;
    while (deferred.length) {
      turn();
      turns++;
    }
    return turns;
  };
  return { f, clients, say, turn, drain };
}

describe('FanOut', () => {
  it('delivers within push when the clients fit in a slice', () => {
    const { f, clients, say } = setup(5, { slice: 8 });
    say('a');
    say('b');
    expect(clients.every((c) => c.got.join() === 'a,b')).toBe(true);
    expect(f.busy).toBe(false);
  });

  it('yields between slices and keeps every client’s order across pushes made meanwhile', () => {
    const { f, clients, say, turn, drain } = setup(10, { slice: 3 });
    say('a');
    expect(clients.map((c) => c.got.length)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    say('b');
    say('c');
    turn();
    expect(clients[5].got).toEqual(['a']);
    expect(clients[0].got).toEqual(['a']);
    // b and c go out as one batch after a: two clients × two items per slice of 3 sends.
    expect(drain()).toBeGreaterThan(4);
    for (const c of clients) expect(c.got).toEqual(['a', 'b', 'c']);
    expect(f.busy).toBe(false);
  });

  it('reads the clients when a batch starts: one that joins during it gets only what comes after', () => {
    const { clients, say, drain } = setup(6, { slice: 2 });
    say('a');
    clients.push({ id: 6, got: [] });
    say('b');
    drain();
    expect(clients[0].got).toEqual(['a', 'b']);
    expect(clients[6].got).toEqual(['b']);
  });

  it('keeps only the latest of a key that waits (stats), in its place', () => {
    const { clients, say, drain } = setup(4, { slice: 2 });
    say('a');
    say('stats-1', 'stats');
    say('b');
    say('stats-2', 'stats');
    drain();
    for (const c of clients) expect(c.got).toEqual(['a', 'stats-2', 'b']);
  });

  it('folds a waiting batch past maxItems into one overflow delivery', () => {
    const { f, clients, say, drain } = setup(4, { slice: 2, maxItems: 3 });
    say('a');
    for (let i = 0; i < 10; i++) say(`d${i}`);
    drain();
    for (const c of clients) expect(c.got).toEqual(['a', 'snapshot']);
    expect(f.folds).toBe(1);
    say('after');
    drain();
    expect(clients[3].got.at(-1)).toBe('after');
  });

  it('goes on to the other clients when one delivery throws, and stops when told', () => {
    const errors: unknown[] = [];
    const got: number[] = [];
    const deferred: Array<() => void> = [];
    const f = new FanOut({
      targets: () => [0, 1, 2, 3],
      slice: 2,
      overflow: () => () => {},
      defer: (fn) => deferred.push(fn),
      onError: (e) => errors.push(e),
    });
    f.push((c) => {
      if (c === 1) throw new Error('socket gone');
      got.push(c);
    });
    f.push((c) => got.push(10 + c));
    f.stop();
    while (deferred.length) deferred.shift()!();
    expect(got).toEqual([0]);
    expect(errors).toHaveLength(1);
    f.push(() => got.push(99));
    expect(got).toEqual([0]);
  });
});
