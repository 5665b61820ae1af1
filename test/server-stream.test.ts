import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import type { ConfigInput } from '../src/config/schema.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');
type Msg = { type: string; seq: number; [k: string]: unknown };

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function monitor(extra: Partial<ConfigInput> = {}) {
  const vs = new VirtualScheduler(T0);
  const config = resolveConfig({ ...demoConfigInput(), port: 0, ...extra });
  const m = await startMonitor({
    config,
    scheduler: vs,
    log: silentLogger,
    processMetrics: false,
    epoch: 'e-test',
  });
  open.push(m);
  return { m, vs };
}

/** A real client that records every message; `ready` resolves on the first one (the snapshot). */
function client(m: RunningMonitor, query = '', options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream${query}`, options);
  const msgs: Msg[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    msgs.push(JSON.parse(String(d)));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  open.push({
    close: () => {
      ws.terminate();
    },
  });
  /** Resolves once `pred` holds over the messages so far (checked on each arrival). */
  const until = (pred: (m: Msg[]) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => (pred(msgs) ? resolve() : waiters.push(check));
      check();
    });
  return { ws, msgs, closed, until, decisions: () => msgs.filter((x) => x.type === 'decision') };
}

/** Produces one decision per call: alternately forcing alipay down and clearing it. */
function flip(m: RunningMonitor, vs: VirtualScheduler, n: number) {
  for (let i = 0; i < n; i++) {
    if (m.engine.channels()[1].override) m.engine.clearOverride('alipay');
    else
      m.engine.setOverride('alipay', {
        state: 'down',
        until: vs.clock.now() + 3_600_000,
        reason: 'test',
      });
  }
}

describe('WS /v1/stream', () => {
  it('sends a snapshot first, then a decision driven by ingested errors', async () => {
    const { m } = await monitor();
    const c = client(m);
    await c.until((x) => x.length >= 1);
    expect(c.msgs[0]).toMatchObject({ type: 'snapshot', epoch: 'e-test', seq: 0 });
    expect((c.msgs[0].channels as { id: string }[]).map((x) => x.id)).toEqual([
      'wechat',
      'alipay',
      'unionpay',
      'bank_a',
      'bank_b',
    ]);
    expect((c.msgs[0].pools as unknown[]).length).toBe(2);
    const burst = Array.from({ length: 100 }, (_, i) => ({
      channel: 'wechat',
      outcome: i % 10 ? 'error' : 'success',
      latencyMs: 200,
    }));
    const res = await fetch(`${m.url}/v1/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(burst),
    });
    expect(await res.json()).toEqual({ accepted: 100 });
    await c.until((x) => x.some((y) => y.type === 'decision'));
    const d = c.decisions()[0];
    expect(d).toMatchObject({ seq: 1, channel: 'wechat', from: 'healthy', to: 'down' });
    expect(
      Object.values(d.weights as Record<string, number>).reduce((a, b) => a + b, 0),
    ).toBeCloseTo(1, 9);
  });

  it('resumes after a disconnect with nothing missed and nothing doubled', async () => {
    const { m, vs } = await monitor();
    const a = client(m);
    await a.until((x) => x.length >= 1);
    flip(m, vs, 5);
    await a.until((x) => x.filter((y) => y.type === 'decision').length === 5);
    const last = a.decisions().at(-1)!.seq;
    a.ws.close();
    await a.closed;
    flip(m, vs, 7); // missed while away: seq 6..12
    const b = client(m, `?since=${last}`);
    await b.until((x) => x.length >= 8);
    flip(m, vs, 3); // live: 13..15
    await b.until((x) => x.filter((y) => y.type === 'decision').length === 10);
    expect(b.msgs[0]).toMatchObject({ type: 'snapshot', seq: 12 });
    const seqs = [...a.decisions(), ...b.decisions()].map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    // from the far past (the log keeps everything here, so everything comes) and bad input
    const c = client(m, '?since=0');
    await c.until((x) => x.filter((y) => y.type === 'decision').length === 15);
    const bad = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream?since=abc`);
    const status = await new Promise<number>((resolve) =>
      bad.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(400);
  });

  it('sends only a snapshot when the decisions asked for are no longer retained', async () => {
    const { m, vs } = await monitor({ decisionLog: 2 });
    flip(m, vs, 9);
    expect(m.engine.firstRetainedSeq).toBeGreaterThan(2);
    const c = client(m, '?since=1');
    await c.until((x) => x.length >= 1);
    flip(m, vs, 1);
    await c.until((x) => x.some((y) => y.type === 'decision'));
    // the snapshot is the truth from seq 9 on; nothing older is replayed, the live one follows
    expect(c.msgs.map((x) => [x.type, x.seq])).toEqual([
      ['snapshot', 9],
      ['decision', 10],
    ]);
  });

  it('sends stats at the configured period', async () => {
    const { m, vs } = await monitor({ stream: { statsIntervalMs: 500 } });
    const c = client(m);
    const quiet = client(m, '?stats=0');
    await Promise.all([c.until((x) => x.length >= 1), quiet.until((x) => x.length >= 1)]);
    await vs.advance(499);
    expect(c.msgs.filter((x) => x.type === 'stats')).toHaveLength(0);
    await vs.advance(1);
    await c.until((x) => x.some((y) => y.type === 'stats'));
    const stats = c.msgs.find((x) => x.type === 'stats')!;
    expect(stats.at).toBe(T0 + 500);
    expect((stats.channels as Array<Record<string, unknown>>)[0]).toMatchObject({
      id: 'wechat',
      state: 'healthy',
      weight: expect.any(Number),
    });
    expect(Object.keys((stats.channels as Array<{ windows: object }>)[0].windows)).toEqual([
      '10s',
      '60s',
    ]);
    // the client that opted out gets decisions but no stats
    flip(m, vs, 1);
    await quiet.until((x) => x.some((y) => y.type === 'decision'));
    await c.until((x) => x.some((y) => y.type === 'decision'));
    expect(quiet.msgs.map((x) => x.type)).toEqual(['snapshot', 'decision']);
  });

  it('drops a client that stops answering pings; a live one stays', async () => {
    const { m, vs } = await monitor({ stream: { pingIntervalMs: 1000 } });
    const live = client(m);
    const dead = client(m, '', { autoPong: false });
    const quiet = client(m, '?stats=0');
    await Promise.all([
      live.until((x) => x.length >= 1),
      dead.until((x) => x.length >= 1),
      quiet.until((x) => x.length >= 1),
    ]);
    expect(m.stream.clientCount).toBe(3);
    const pinged = new Promise<void>((resolve) => live.ws.once('ping', () => resolve()));
    await vs.advance(1000);
    await pinged;
    // a decisions-only client hears a heartbeat with the current seq at each ping
    await quiet.until((x) => x.some((y) => y.type === 'heartbeat'));
    expect(quiet.msgs.find((x) => x.type === 'heartbeat')).toMatchObject({ seq: 0, at: T0 + 1000 });
    expect(live.msgs.some((x) => x.type === 'heartbeat')).toBe(false);
    quiet.ws.close();
    // let the live client's pong reach the server before the next round
    await new Promise<void>((resolve) => live.ws.once('pong', () => resolve()) && live.ws.ping());
    await vs.advance(1000);
    expect(await dead.closed).toBe(1006);
    expect(m.stream.clientCount).toBe(1);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
    const metrics = await (await fetch(`${m.url}/metrics`)).text();
    expect(metrics).toContain('switchyard_ws_clients 1');
  });

  it("keeps a slow client's queue bounded and resyncs it with a fresh snapshot", async () => {
    const maxQueue = 20;
    const maxBufferedBytes = 16 * 1024;
    const { m, vs } = await monitor({ stream: { maxQueue, maxBufferedBytes } });
    const slow = client(m);
    const fast = client(m);
    await Promise.all([slow.until((x) => x.length >= 1), fast.until((x) => x.length >= 1)]);
    // The slow client stops reading; the kernel buffers fill, then ours must stop growing.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let peakQueued = 0;
    let peakBuffered = 0;
    for (let round = 0; round < 60; round++) {
      flip(m, vs, 500);
      const st = m.stream.clientStats();
      for (const c of st) {
        peakQueued = Math.max(peakQueued, c.queued);
        peakBuffered = Math.max(peakBuffered, c.bufferedAmount);
      }
      await vs.advance(50);
      await new Promise((r) => setImmediate(r));
    }
    const total = m.engine.seq;
    expect(total).toBe(30_000);
    expect(m.stream.resyncs).toBeGreaterThan(0);
    expect(peakQueued).toBeLessThanOrEqual(maxQueue);
    // what sits in ws's own buffer: at most the limit plus one snapshot/decision sent just under it
    expect(peakBuffered).toBeLessThan(maxBufferedBytes + 8 * 1024);
    // the fast client got every decision, in order
    await fast.until((x) => x.filter((y) => y.type === 'decision').length === total);
    expect(fast.decisions().every((d, i) => d.seq === i + 1)).toBe(true);
    // the slow one reads again: it gets what was already sent, then a fresh snapshot, then live decisions in order
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const resynced = () => slow.msgs.filter((x) => x.type === 'snapshot').length >= 2;
    while (!resynced()) {
      await vs.advance(50);
      await new Promise((r) => setTimeout(r, 5));
    }
    flip(m, vs, 3);
    await slow.until((x) => x.some((y) => y.type === 'decision' && y.seq === total + 3));
    const snaps = slow.msgs.map((x, i) => [x, i] as const).filter(([x]) => x.type === 'snapshot');
    const [lastSnap, at] = snaps.at(-1)!;
    const after = slow.msgs
      .slice(at + 1)
      .filter((x) => x.type === 'decision')
      .map((x) => x.seq);
    expect(after).toEqual(
      Array.from({ length: total + 3 - lastSnap.seq }, (_, i) => lastSnap.seq + 1 + i),
    );
    const before = slow.msgs
      .slice(0, snaps[1][1])
      .filter((x) => x.type === 'decision')
      .map((x) => x.seq);
    expect(before.every((s, i) => s === i + 1)).toBe(true);
    expect(before.length).toBeLessThan(total);
  });

  it('closes clients on shutdown with 1001', async () => {
    const { m } = await monitor();
    const c = client(m);
    await c.until((x) => x.length >= 1);
    await m.close();
    expect(await c.closed).toBe(1001);
  });
});
