// A broadcast goes out a slice of clients at a time: followers that join, and decisions taken,
// while one is under way still see every decision once, in seq order, right after their snapshot.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DecisionStream } from '../src/server/DecisionStream.ts';
import { closeServer } from '../src/server/listen.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';
import { demoEngine } from './support/demoEngine.ts';

type Msg = { type: string; seq: number };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function serve(fanOutSlice: number) {
  const { engine, clock } = demoEngine();
  const stream = new DecisionStream({
    source: engine,
    scheduler: new VirtualScheduler(clock.now()),
    fanOutSlice,
  });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => stream.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(
    () => closeServer(server),
    () => stream.close(),
  );
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/stream?stats=0`;
  let down = false;
  const flip = () => {
    down = !down;
    if (down)
      engine.setOverride('alipay', { state: 'down', until: clock.now() + 60_000, reason: 't' });
    else engine.clearOverride('alipay');
  };
  return { engine, stream, url, flip };
}

function follow(url: string) {
  const ws = new WebSocket(url);
  const msgs: Msg[] = [];
  cleanup.push(() => ws.terminate());
  ws.on('message', (d) => msgs.push(JSON.parse(String(d))));
  const opened = new Promise<void>((r) => ws.once('message', () => r()));
  return { msgs, opened };
}

const settle = async (done: () => boolean) => {
  const end = Date.now() + 5000;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('stream fan-out in slices', () => {
  it('gives each follower every decision once and in order, whenever it joined', async () => {
    const s = await serve(1);
    const early = Array.from({ length: 12 }, () => follow(s.url));
    await Promise.all(early.map((f) => f.opened));
    const late: ReturnType<typeof follow>[] = [];
    for (let i = 0; i < 30; i++) {
      s.flip();
      if (i % 5 === 2) late.push(follow(s.url));
      // Let some slices and some upgrades through between decisions, not all of them.
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(late.map((f) => f.opened));
    const all = [...early, ...late];
    await settle(() => all.every((f) => f.msgs.at(-1)?.seq === s.engine.seq));
    expect(s.engine.seq).toBe(30);
    for (const f of all) {
      const [snap, ...rest] = f.msgs;
      expect(snap.type).toBe('snapshot');
      expect(rest.every((m) => m.type === 'decision')).toBe(true);
      expect(rest.map((m) => m.seq)).toEqual(
        Array.from({ length: 30 - snap.seq }, (_, k) => snap.seq + 1 + k),
      );
    }
    expect(late.some((f) => f.msgs[0].seq > 0)).toBe(true);
  });
});
