import { describe, expect, it } from 'vitest';
import { createClient } from '../src/client/createClient.ts';
import { seededRandom } from '../src/core/random.ts';
import type { WebSocketLike } from '../src/client/StreamFollower.ts';
import type { ChannelRule } from '../src/client/types.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';

class FakeSocket implements WebSocketLike {
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  closed = false;
  constructor(readonly url: string) {}
  close() {
    this.closed = true;
  }
  send(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.onclose?.({});
  }
}

const rules: ChannelRule[] = [
  { id: 'wechat', pool: 'qr', priority: 1 },
  { id: 'alipay', pool: 'qr', priority: 2 },
  { id: 'unionpay', pool: 'qr', priority: 3 },
];
const order = { amount: 100, segment: 'regular' };
const snapshot = (epoch: string, seq: number, weights: Record<string, number>) => ({
  type: 'snapshot',
  epoch,
  seq,
  channels: [],
  pools: [{ id: 'qr', weights, channels: Object.keys(weights), panic: false }],
});
const decision = (seq: number, channel: string, to: string, weights: Record<string, number>) => ({
  type: 'decision',
  seq,
  at: 0,
  channel,
  pool: 'qr',
  from: 'healthy',
  to,
  reason: 'error_rate',
  evidence: {},
  weights,
});

function setup(staleAfterMs = 30_000) {
  const s = new VirtualScheduler(1_000_000);
  const sockets: FakeSocket[] = [];
  let refuse = false;
  const fetchFn = (async () => {
    throw new TypeError('ECONNREFUSED');
  }) as typeof fetch;
  const client = createClient({
    url: 'http://127.0.0.1:8080',
    channels: rules,
    scheduler: s,
    staleAfterMs,
    rng: seededRandom(1),
    backoffRng: seededRandom(2),
    fetch: fetchFn,
    reconnect: { baseMs: 100, maxMs: 2_000 },
    wsFactory: (url) => {
      if (refuse) throw new Error('ECONNREFUSED');
      const f = new FakeSocket(url);
      sockets.push(f);
      return f;
    },
  });
  return { s, sockets, client, setRefuse: (v: boolean) => void (refuse = v) };
}

describe('client following /v1/stream', () => {
  it('replaces a connection that brings nothing, not even a heartbeat, for the idle timeout', async () => {
    const { s, sockets, client } = setup();
    await s.advance(1);
    sockets[0].send(snapshot('e1', 3, { wechat: 1, alipay: 0, unionpay: 0 }));
    for (let i = 0; i < 4; i++) {
      await s.advance(15_000);
      sockets[0].send({ type: 'heartbeat', seq: 3, at: s.clock.now() });
    }
    expect(sockets).toHaveLength(1);
    expect(sockets[0].closed).toBe(false);
    await s.advance(45_000);
    expect(sockets[0].closed).toBe(true);
    await s.advance(2_000);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].url).toContain('since=3');
    client.close();
  });

  it('takes the snapshot, applies decisions in seq order, and routes by the new weights', async () => {
    const { sockets, client } = setup();
    expect(sockets[0].url).toBe('ws://127.0.0.1:8080/v1/stream?stats=0');
    expect(client.pick('qr', order).reason).toBe('static'); // nothing heard yet
    sockets[0].send(snapshot('e1', 10, { wechat: 1, alipay: 0, unionpay: 0 }));
    expect(client.pick('qr', order)).toEqual({ channel: 'wechat', reason: 'weight' });
    const seen: number[] = [];
    client.onDecision((d) => seen.push(d.seq));
    sockets[0].send(decision(11, 'wechat', 'down', { wechat: 0, alipay: 1, unionpay: 0 }));
    expect(client.pick('qr', order)).toEqual({ channel: 'alipay', reason: 'weight' });
    expect(client.stats()).toMatchObject({ connected: true, stale: false, epoch: 'e1', seq: 11 });
    expect(seen).toEqual([11]);
    await client.close();
  });

  it('reconnects with ?since=seq after a drop, with a jittered growing delay, and ignores replayed decisions already in the snapshot', async () => {
    const { s, sockets, client, setRefuse } = setup();
    sockets[0].send(snapshot('e1', 5, { wechat: 1, alipay: 0, unionpay: 0 }));
    sockets[0].drop();
    expect(client.stats().connected).toBe(false);
    // Still routes by the last weights (fail-static), not by priority.
    expect(client.pick('qr', order).reason).toBe('weight');
    setRefuse(true);
    await s.advance(100); // first delay is in [50, 100]
    const afterFirst = client.stats().reconnects;
    expect(afterFirst).toBe(1);
    await s.advance(150); // second in [100, 200]: not necessarily yet, but by 300 it must have come
    await s.advance(150);
    expect(client.stats().reconnects).toBe(2);
    setRefuse(false);
    await s.advance(2_000);
    const last = sockets.at(-1)!;
    expect(last.url).toBe('ws://127.0.0.1:8080/v1/stream?stats=0&since=5');
    last.send(snapshot('e1', 7, { wechat: 0, alipay: 1, unionpay: 0 }));
    last.send(decision(6, 'wechat', 'down', { wechat: 0, alipay: 0.5, unionpay: 0.5 })); // replay ≤ 7
    last.send(decision(7, 'alipay', 'healthy', { wechat: 0, alipay: 1, unionpay: 0 }));
    expect(client.weights('qr')).toEqual({ wechat: 0, alipay: 1, unionpay: 0 });
    last.send(decision(8, 'wechat', 'probing', { wechat: 0.02, alipay: 0.98, unionpay: 0 }));
    expect(client.stats().seq).toBe(8);
    await client.close();
  });

  it('a gap in seq makes it resume from the last applied seq rather than apply out of order', async () => {
    const { s, sockets, client } = setup();
    sockets[0].send(snapshot('e1', 3, { wechat: 1, alipay: 0, unionpay: 0 }));
    sockets[0].send(decision(5, 'wechat', 'down', { wechat: 0, alipay: 1, unionpay: 0 }));
    expect(client.weights('qr').wechat).toBe(1);
    expect(sockets[0].closed).toBe(true);
    await s.advance(1);
    expect(sockets[1].url).toContain('since=3');
    await client.close();
  });

  it('a reconnect to the same epoch (a monitor restarted on disk) resumes by seq: each missed decision observed once, nothing forgotten', async () => {
    const { s, sockets, client } = setup();
    const seen: number[] = [];
    client.onDecision((d) => seen.push(d.seq));
    sockets[0].send(snapshot('e1', 4, { wechat: 0, alipay: 1, unionpay: 0 }));
    sockets[0].send(decision(5, 'alipay', 'degraded', { wechat: 0, alipay: 0.6, unionpay: 0.4 }));
    sockets[0].drop();
    await s.advance(2_000);
    expect(sockets[1].url).toContain('since=5');
    sockets[1].send(snapshot('e1', 7, { wechat: 0, alipay: 1, unionpay: 0 }));
    sockets[1].send(decision(6, 'alipay', 'healthy', { wechat: 0, alipay: 1, unionpay: 0 }));
    sockets[1].send(decision(7, 'wechat', 'probing', { wechat: 0.02, alipay: 0.98, unionpay: 0 }));
    sockets[1].send(decision(8, 'wechat', 'healthy', { wechat: 0.5, alipay: 0.5, unionpay: 0 }));
    expect(seen).toEqual([5, 6, 7, 8]);
    expect(client.stats()).toMatchObject({ epoch: 'e1', seq: 8 });
    expect(client.weights('qr')).toEqual({ wechat: 0.5, alipay: 0.5, unionpay: 0 });
    await client.close();
  });

  it('the same epoch with a seq gone back is history lost: taken as a new epoch', async () => {
    const { s, sockets, client } = setup();
    sockets[0].send(snapshot('e1', 9, { wechat: 0, alipay: 1, unionpay: 0 }));
    sockets[0].drop();
    await s.advance(2_000);
    sockets[1].send({ type: 'snapshot', epoch: 'e1', seq: 2, channels: [], pools: [] });
    expect(client.stats()).toMatchObject({ epoch: 'e1', seq: 2 });
    expect(client.pick('qr', order)).toEqual({ channel: 'wechat', reason: 'static' });
    await client.close();
  });

  it('a new epoch replaces what the client held', async () => {
    const { s, sockets, client } = setup();
    sockets[0].send(snapshot('e1', 50, { wechat: 0, alipay: 1, unionpay: 0 }));
    sockets[0].drop();
    await s.advance(2_000);
    sockets[1].send({ type: 'snapshot', epoch: 'e2', seq: 0, channels: [], pools: [] });
    expect(client.stats()).toMatchObject({ epoch: 'e2', seq: 0 });
    // The restarted monitor has no weights for qr yet: the client routes statically rather than on e1's.
    expect(client.pick('qr', order)).toEqual({ channel: 'wechat', reason: 'static' });
    sockets[1].send(decision(1, 'alipay', 'down', { wechat: 0.9, alipay: 0, unionpay: 0.1 }));
    expect(client.stats().seq).toBe(1);
    await client.close();
  });

  it("a maintenance answer takes the channel out of this gateway's picks at once, for maintenanceHoldMs, before the monitor says so", async () => {
    const { s, sockets, client } = setup();
    sockets[0].send(snapshot('e1', 1, { wechat: 0.5, alipay: 0.5, unionpay: 0 }));
    client.report({ channel: 'alipay', outcome: 'maintenance', code: '20000', latencyMs: 40 });
    for (let i = 0; i < 200; i++) expect(client.pick('qr', order).channel).toBe('wechat');
    // Still a last resort once everything else was tried.
    expect(client.next('qr', order, ['wechat', 'unionpay'])).toEqual({
      channel: 'alipay',
      reason: 'last_resort',
    });
    await s.advance(3_001);
    const seen = new Set(Array.from({ length: 200 }, () => client.pick('qr', order).channel));
    expect(seen).toEqual(new Set(['wechat', 'alipay']));
    // Other outcomes do not hold a channel.
    client.report({ channel: 'alipay', outcome: 'error', code: 'ACQ.SYSTEM_ERROR', latencyMs: 40 });
    expect(
      new Set(Array.from({ length: 200 }, () => client.pick('qr', order).channel)).has('alipay'),
    ).toBe(true);
    await client.close();
  });

  it('fail-static: monitor away keeps the last weights until staleAfterMs, then static priority; never throws', async () => {
    const { s, sockets, client, setRefuse } = setup(5_000);
    sockets[0].send(snapshot('e1', 1, { wechat: 0, alipay: 0, unionpay: 1 }));
    setRefuse(true);
    sockets[0].drop();
    await s.advance(4_000);
    expect(client.pick('qr', order)).toEqual({ channel: 'unionpay', reason: 'weight' });
    expect(client.stats().stale).toBe(false);
    await s.advance(1_500);
    expect(client.stats().stale).toBe(true);
    expect(client.pick('qr', order)).toEqual({ channel: 'wechat', reason: 'static' });
    expect(client.next('qr', order, ['wechat'])).toEqual({ channel: 'alipay', reason: 'static' });
    // Reporting while away neither throws nor grows without bound.
    for (let i = 0; i < 50_000; i++)
      client.report({ channel: 'wechat', outcome: 'success', latencyMs: 1 });
    expect(client.stats().buffered).toBeLessThanOrEqual(10_000 + 500);
    expect(client.stats().dropped).toBeGreaterThan(39_000);
    setRefuse(false);
    await s.advance(3_000);
    sockets.at(-1)!.send(snapshot('e1', 1, { wechat: 0, alipay: 0, unionpay: 1 }));
    expect(client.pick('qr', order)).toEqual({ channel: 'unionpay', reason: 'weight' });
    const p = client.close();
    await s.advance(10_000);
    await p;
  });
});
