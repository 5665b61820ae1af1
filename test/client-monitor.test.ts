import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/createClient.ts';
import { seededRandom } from '../src/core/random.ts';
import type { SwitchyardClient } from '../src/client/types.ts';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';

const order = { amount: 100, segment: 'regular' };
const rules = [
  { id: 'wechat', pool: 'qr', priority: 1 },
  { id: 'alipay', pool: 'qr', priority: 2 },
  { id: 'unionpay', pool: 'qr', priority: 3 },
];

/** Polls until `cond` holds: these tests talk to a real server over real sockets. */
async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function monitor(port = 0, epoch?: string): Promise<RunningMonitor> {
  const m = await startMonitor({
    config: resolveConfig(demoConfigInput()),
    port,
    host: '127.0.0.1',
    log: silentLogger,
    processMetrics: false,
    epoch,
  });
  open.push(m);
  return m;
}

function client(url: string, staleAfterMs = 30_000): SwitchyardClient {
  const c = createClient({
    url,
    channels: rules,
    staleAfterMs,
    rng: seededRandom(1),
    backoffRng: seededRandom(2),
    reconnect: { baseMs: 20, maxMs: 100 },
    reporting: { flushIntervalMs: 10 },
  });
  open.push(c);
  return c;
}

describe('client against a real monitor (port 0)', () => {
  it('follows the stream, reports outcomes, and moves traffic when the monitor takes a channel down', async () => {
    const m = await monitor();
    const c = client(m.url);
    await until(() => c.stats().connected);
    expect(c.stats().epoch).toBe(m.engine.epoch);
    expect(c.weights('qr').wechat).toBeGreaterThan(0.5);
    // A burst of system errors on wechat, reported the way a gateway does.
    for (let i = 0; i < 60; i++)
      c.report({ channel: 'wechat', outcome: 'error', code: 'SYSTEMERROR', latencyMs: 30 });
    for (let i = 0; i < 60; i++)
      c.report({ channel: 'alipay', outcome: 'success', code: 'SUCCESS', latencyMs: 30 });
    await until(() => c.weights('qr').wechat === 0);
    expect(c.stats().reported).toBe(120);
    expect(c.stats().seq).toBe(m.engine.seq);
    for (let i = 0; i < 100; i++) expect(c.pick('qr', order).channel).not.toBe('wechat');
  });

  it('fail-static against a monitor that goes away, and a new epoch is taken as truth when it comes back', async () => {
    const m1 = await monitor(0, 'epoch-1');
    const port = m1.port;
    const c = client(m1.url, 300);
    await until(() => c.stats().connected);
    for (let i = 0; i < 60; i++)
      c.report({ channel: 'wechat', outcome: 'error', code: 'SYSTEMERROR', latencyMs: 30 });
    await until(() => c.weights('qr').wechat === 0);
    await m1.close();
    await until(() => !c.stats().connected);
    // Away but not yet stale: the last weights still hold, picks never throw.
    expect(c.pick('qr', order).channel).not.toBe('wechat');
    await until(() => c.stats().stale, 3_000);
    // Stale: static priority, but never to wechat, which the monitor last said was down.
    for (let i = 0; i < 100; i++)
      expect(c.pick('qr', order)).toEqual({ channel: 'alipay', reason: 'static' });
    expect(c.weights('qr')).toEqual({ wechat: 0, alipay: 1, unionpay: 0 });
    expect(c.next('qr', order, ['alipay'])).toEqual({ channel: 'unionpay', reason: 'static' });
    for (let i = 0; i < 20; i++) c.report({ channel: 'alipay', outcome: 'success', latencyMs: 5 });
    expect(c.stats().buffered).toBeGreaterThan(0);
    // The monitor restarts on the same port with its history lost.
    const m2 = await monitor(port, 'epoch-2');
    await until(() => c.stats().connected && c.stats().epoch === 'epoch-2', 5_000);
    expect(c.stats().stale).toBe(false);
    expect(c.weights('qr').wechat).toBeGreaterThan(0.5); // the new monitor's truth, not the old down state
    await until(() => c.stats().buffered === 0, 5_000); // the buffered outcomes got through
    expect(m2.engine.channels().find((ch) => ch.id === 'alipay')!.windows['60s'].total).toBe(20);
  });
});
