// /healthz stays quick with 8,000 stream followers connected while decisions are being published
// (issue 16: 8,000 stats streams pushed it to 2 s). The followers live in a worker thread, so that
// the monitor's event loop is the one measured; all on 127.0.0.1, all closed at the end.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';

const WANTED = 8000;
const REQUESTS = 200;
const DEADLINE_MS = 1000;

/** Followers that fit this process's file limit: two descriptors each (both ends are ours). */
function followersThatFit(): number {
  const m = /Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  const limit = m ? Number(m[1]) : 1024;
  return Math.min(WANTED, Math.floor((limit - 1000) / 2));
}

let m: RunningMonitor | undefined;
let worker: Worker | undefined;
afterAll(async () => {
  if (worker) {
    worker.postMessage('close');
    await worker.terminate();
  }
  await m?.close();
});

function next<T>(w: Worker, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (msg: { type: string }) => {
      if (msg.type !== type) return;
      w.off('message', on);
      resolve(msg as T);
    };
    w.on('message', on);
    w.once('error', reject);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

describe('/healthz under stream load', () => {
  it(`answers within 100 ms at p99 with ${WANTED} followers while decisions are published`, async () => {
    const n = followersThatFit();
    if (n < WANTED) console.warn(`file limit allows ${n} followers, not ${WANTED}: measuring ${n}`);
    expect(n).toBeGreaterThanOrEqual(1000);
    m = await startMonitor({
      // Every follower comes from 127.0.0.1: the per-address cap is raised for this test.
      config: resolveConfig({
        ...demoConfigInput(),
        stream: { maxClients: n, maxClientsPerAddress: n },
      }),
      port: 0,
      host: '127.0.0.1',
      log: silentLogger,
      processMetrics: false,
    });
    const w = new Worker(new URL('./support/streamFollowers.mjs', import.meta.url), {
      workerData: { url: `${m.url.replace('http', 'ws')}/v1/stream`, n, concurrency: 100 },
    });
    worker = w;
    const open = await next<{ opened: number; refused: number; failed: number; ms: number }>(
      w,
      'open',
    );
    expect(open).toMatchObject({ opened: n, refused: 0, failed: 0 });
    expect(m.stream.clientCount).toBe(n);

    // A decision every 250 ms (alipay forced down, then cleared), beside the stats every second.
    let down = false;
    const publisher = setInterval(() => {
      down = !down;
      if (down)
        m!.engine.setOverride('alipay', {
          state: 'down',
          until: Date.now() + 60_000,
          reason: 'load',
        });
      else m!.engine.clearOverride('alipay');
    }, 250);
    const latencies: number[] = [];
    try {
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        const res = await fetch(`${m.url}/healthz`, { signal: AbortSignal.timeout(DEADLINE_MS) });
        await res.text();
        latencies.push(performance.now() - t);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      clearInterval(publisher);
    }
    const decisions = m.engine.seq;
    w.postMessage('count');
    const count = await next<{ open: number; minDecisions: number }>(w, 'count');
    latencies.sort((a, b) => a - b);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    console.log(
      `/healthz with ${n} stream followers (opened in ${Math.round(open.ms)} ms), ${decisions} decisions published: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms over ${REQUESTS} requests`,
    );
    expect(count.open).toBe(n);
    // The load was real: every follower got decisions during the measurement.
    expect(decisions).toBeGreaterThanOrEqual(10);
    expect(count.minDecisions).toBeGreaterThanOrEqual(5);
    expect(p99).toBeLessThan(100);
  }, 90_000);
});
