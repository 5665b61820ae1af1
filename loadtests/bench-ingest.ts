/**
 * bench:ingest — the monitor's ingest and stream measured beside bare peers on the same stack, in one run:
 *   1. singleReqPerSec: one event per POST, beside honoBaselineReqPerSec (a bare hono route on
 *      @hono/node-server that parses the same JSON and answers 202);
 *   2. batchEventsPerSec: 100 events per POST as a JSON array (and as NDJSON), beside the bare route
 *      parsing the same bodies;
 *   3. fanoutP99Ms: 1,000 WebSocket subscribers, time from the POST that trips a channel to the decision
 *      arriving at each subscriber, beside wsBaselineP99Ms (a bare `ws` server broadcasting the same JSON);
 *   4. rssMb of the monitor after the run.
 * Servers run as child processes (one core for them, one for autocannon and the subscribers).
 * Prints the figures and writes loadtests/results/ingest.json. `--quick` shortens every phase.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import WebSocket, { WebSocketServer } from 'ws';
import { round } from '../src/core/round.ts';

const quick = process.argv.includes('--quick');
const DURATION = quick ? 2 : 5;
const WARMUP = 1;
const CONNECTIONS = 32;
const SUBSCRIBERS = 1000;
const ROUNDS = quick ? 4 : 20;
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank_a', 'bank_b'];

// ---- servers (child processes) ---------------------------------------------------------------------

async function serve(mode: string): Promise<void> {
  let port: number;
  if (mode === 'monitor') {
    const { resolveConfig } = await import('../src/config/loadConfig.ts');
    const { demoConfigInput } = await import('../src/config/demoConfig.ts');
    const { startMonitor } = await import('../src/server/startMonitor.ts');
    const { createLogger } = await import('../src/server/Logger.ts');
    // Log lines are formatted as in production, then dropped: their cost is part of the figure.
    const log = createLogger({ stream: { write: () => true } });
    const m = await startMonitor({ config: resolveConfig({ ...demoConfigInput(), port: 0 }), log });
    port = m.port;
  } else if (mode === 'hono') {
    const app = new Hono();
    app.post('/v1/outcomes', async (c) => {
      const text = await c.req.text();
      let n = 0;
      if (c.req.header('content-type') === 'application/x-ndjson') {
        for (const line of text.split('\n'))
          if (line) {
            JSON.parse(line);
            n++;
          }
      } else {
        const v = JSON.parse(text);
        n = Array.isArray(v) ? v.length : 1;
      }
      return c.body(`{"accepted":${n}}`, 202, {
        'content-type': 'application/json; charset=utf-8',
      });
    });
    const server = createAdaptorServer({ fetch: app.fetch });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  } else if (mode === 'ws') {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const data = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString())));
        for (const ws of wss.clients) ws.send(data, { binary: false });
        res.writeHead(202).end();
      });
    });
    server.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write(`READY ${port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

function startChild(mode: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, child });
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
}

// ---- throughput --------------------------------------------------------------------------------------

function event(i: number): Record<string, unknown> {
  const channel = CHANNELS[i % CHANNELS.length];
  // A healthy mix: mostly successes, some declines (never held against a channel), some raw codes.
  if (i % 20 === 7)
    return { channel, outcome: 'decline', latencyMs: 90 + (i % 50), store: `s-${i % 40}` };
  if (i % 20 === 13)
    return { channel: 'wechat', code: 'SUCCESS', latencyMs: 110 + (i % 70), method: 'qr' };
  return {
    channel,
    outcome: 'success',
    latencyMs: 100 + (i % 200),
    amount: 3980 + i,
    orderId: `o-${i}`,
  };
}

const SINGLE = JSON.stringify(event(0));
const BATCH = Array.from({ length: 100 }, (_, i) => event(i));
const BATCH_JSON = JSON.stringify(BATCH);
const BATCH_NDJSON = BATCH.map((e) => JSON.stringify(e)).join('\n') + '\n';

async function load(
  url: string,
  body: string,
  contentType: string,
  seconds: number,
): Promise<{ requests: number; seconds: number }> {
  const r = await autocannon({
    url: `${url}/v1/outcomes`,
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
  });
  if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { requests: r.requests.total, seconds: r.duration || seconds };
}

/** CPU seconds (user + system) a process has used, from /proc: the server's cost per request, whatever the load generator does. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Peer {
  label: string;
  url: string;
  pid: number;
}
interface Figure {
  rate: number;
  cpuUsPerEvent: number;
}

/**
 * The monitor and its bare peer, alternately in short slices, so that noise from other work on
 * the machine falls on both alike. Rates are per event (per request when perRequest is 1).
 */
async function pair(
  base: Peer,
  mon: Peer,
  body: string,
  contentType: string,
  perRequest: number,
): Promise<[Figure, Figure]> {
  await load(base.url, body, contentType, WARMUP);
  await load(mon.url, body, contentType, WARMUP);
  const acc = [base, mon].map(() => ({ requests: 0, seconds: 0, cpu: 0 }));
  const slices = 2;
  for (let i = 0; i < slices; i++) {
    for (const [k, peer] of [base, mon].entries()) {
      const c0 = cpuSeconds(peer.pid);
      const r = await load(peer.url, body, contentType, DURATION / slices);
      acc[k].cpu += cpuSeconds(peer.pid) - c0;
      acc[k].requests += r.requests;
      acc[k].seconds += r.seconds;
    }
  }
  const unit = perRequest === 1 ? 'req/s' : 'events/s';
  const figures = acc.map((a, k) => {
    const f = {
      rate: (a.requests / a.seconds) * perRequest,
      cpuUsPerEvent: (a.cpu * 1e6) / (a.requests * perRequest),
    };
    console.log(
      `${[base, mon][k].label.padEnd(40)} ${Math.round(f.rate).toLocaleString('en-US').padStart(12)} ${unit.padEnd(9)} server CPU ${f.cpuUsPerEvent.toFixed(2)} µs/${perRequest === 1 ? 'req' : 'event'}`,
    );
    return f;
  });
  return [figures[0], figures[1]];
}

// ---- fan-out -----------------------------------------------------------------------------------------

interface Subscribers {
  /** Resolves with each subscriber's latency (ms after t0) for the first message matching `match`. */
  await(t0: number, match: (msg: string) => boolean): Promise<number[]>;
  close(): Promise<void>;
}

async function subscribe(wsUrl: string, n: number): Promise<Subscribers> {
  const clients: WebSocket[] = [];
  let pending: {
    t0: number;
    match: (m: string) => boolean;
    got: number[];
    done: boolean[];
    left: number;
    resolve: (v: number[]) => void;
  } | null = null;
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, n - i) },
        (_, k) =>
          new Promise<void>((resolve, reject) => {
            const idx = i + k;
            const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
            ws.on('message', (data) => {
              const p = pending;
              if (!p || p.done[idx]) return;
              const text = String(data);
              if (!p.match(text)) return;
              p.got[idx] = performance.now() - p.t0;
              p.done[idx] = true;
              if (--p.left === 0) {
                pending = null;
                p.resolve(p.got);
              }
            });
            ws.once('open', () => resolve());
            ws.once('error', reject);
            clients.push(ws);
          }),
      ),
    );
  }
  return {
    await: (t0, match) =>
      new Promise((resolve) => {
        pending = {
          t0,
          match,
          got: new Array(n),
          done: new Array(n).fill(false),
          left: n,
          resolve,
        };
      }),
    close: async () => {
      await Promise.all(
        clients.map(
          (ws) =>
            new Promise<void>((r) => {
              if (ws.readyState === WebSocket.CLOSED) return r();
              ws.once('close', () => r());
              ws.close();
            }),
        ),
      );
    },
  };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timeout: ${what}`)), ms).unref(),
    ),
  ]);

async function fanoutMonitor(
  url: string,
  query: string,
  trips: number,
): Promise<{ latencies: number[]; sample: string }> {
  const subs = await subscribe(`${url.replace('http', 'ws')}/v1/stream${query}`, SUBSCRIBERS);
  const latencies: number[] = [];
  let sample = '';
  const burst = JSON.stringify(
    Array.from({ length: 300 }, (_, i) => ({
      channel: 'wechat',
      outcome: i % 10 ? 'error' : 'success',
      code: 'SYSTEMERROR',
      latencyMs: 200,
    })),
  );
  for (let round = -1; round < trips; round++) {
    // Put wechat back to healthy (an override set and cleared) and let every subscriber see it.
    const set = await (
      await fetch(`${url}/v1/channels/wechat/override`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'healthy', forMs: 60_000, reason: 'bench reset' }),
      })
    ).json();
    const seen = subs.await(
      performance.now(),
      (m) => m.includes('"type":"decision"') && m.includes(`"seq":${set.decision.seq + 1},`),
    );
    await fetch(`${url}/v1/channels/wechat/override`, { method: 'DELETE' });
    await within(seen, 10_000, 'reset decision');
    const t0 = performance.now();
    const arrived = subs.await(
      t0,
      (m) => m.includes('"type":"decision"') && m.includes('"to":"down"'),
    );
    const res = await fetch(`${url}/v1/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: burst,
    });
    if (res.status !== 202) throw new Error(`burst -> ${res.status}`);
    const got = await within(arrived, 10_000, 'trip decision');
    if (round >= 0) latencies.push(...got);
  }
  const decisions = await (await fetch(`${url}/v1/decisions?since=0&limit=10000`)).json();
  sample = JSON.stringify(decisions.decisions.findLast((d: { to: string }) => d.to === 'down'));
  await subs.close();
  return { latencies, sample };
}

async function fanoutBaseline(url: string, decisionJson: string, trips: number): Promise<number[]> {
  const subs = await subscribe(url.replace('http', 'ws'), SUBSCRIBERS);
  const latencies: number[] = [];
  for (let round = -1; round < trips; round++) {
    const t0 = performance.now();
    const arrived = subs.await(t0, () => true);
    await fetch(`${url}/broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: decisionJson,
    });
    const got = await within(arrived, 10_000, 'baseline broadcast');
    if (round >= 0) latencies.push(...got);
    await new Promise((r) => setTimeout(r, 50));
  }
  await subs.close();
  return latencies;
}

// ---- main --------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.on('exit', stopAll);
  try {
    const monitor = await startChild('monitor');
    const hono = await startChild('hono');
    children.push(monitor.child, hono.child);
    console.log(
      `bench:ingest — ${CONNECTIONS} connections, ${DURATION} s per phase, ${cpus().length} cpus, node ${process.version}`,
    );
    const peer = (label: string, p: { url: string; child: ChildProcess }): Peer => ({
      label,
      url: p.url,
      pid: p.child.pid!,
    });
    const [hs, ms] = await pair(
      peer('bare hono POST, 1 event', hono),
      peer('monitor POST /v1/outcomes, 1 event', monitor),
      SINGLE,
      'application/json',
      1,
    );
    const [hb, mb] = await pair(
      peer('bare hono POST, 100-event array', hono),
      peer('monitor POST, 100-event array', monitor),
      BATCH_JSON,
      'application/json',
      100,
    );
    const [hn, mn] = await pair(
      peer('bare hono POST, 100-event NDJSON', hono),
      peer('monitor POST, 100-event NDJSON', monitor),
      BATCH_NDJSON,
      'application/x-ndjson',
      100,
    );
    const [honoBaselineReqPerSec, singleReqPerSec] = [hs.rate, ms.rate];
    const [honoBatchBaselineEventsPerSec, batchEventsPerSec] = [hb.rate, mb.rate];
    const [honoBatchNdjsonBaselineEventsPerSec, batchNdjsonEventsPerSec] = [hn.rate, mn.rate];
    hono.child.kill('SIGTERM');

    // Blocks of trips, alternating monitor (default subscribers), monitor (?stats=0 subscribers,
    // as gateways that follow decisions only) and the bare ws peer, so that noise falls on all three.
    const ws = await startChild('ws');
    children.push(ws.child);
    const fan = { latencies: [] as number[], sample: '' };
    const fanQuiet = { latencies: [] as number[] };
    const base: number[] = [];
    const BLOCKS = 2;
    for (let b = 0; b < BLOCKS; b++) {
      const f = await fanoutMonitor(monitor.url, '', ROUNDS / BLOCKS);
      fan.latencies.push(...f.latencies);
      fan.sample = f.sample;
      fanQuiet.latencies.push(
        ...(await fanoutMonitor(monitor.url, '?stats=0', ROUNDS / BLOCKS)).latencies,
      );
      base.push(...(await fanoutBaseline(ws.url, fan.sample, ROUNDS / BLOCKS)));
    }
    ws.child.kill('SIGTERM');
    const fanoutP99Ms = quantile(fan.latencies, 0.99);
    const wsBaselineP99Ms = quantile(base, 0.99);
    console.log(
      `${'fan-out to 1,000 subscribers, p50 / p99'.padEnd(40)} ${quantile(fan.latencies, 0.5).toFixed(1).padStart(7)} / ${fanoutP99Ms.toFixed(1)} ms (${ROUNDS} trips)`,
    );
    console.log(
      `${'  same, subscribers with ?stats=0'.padEnd(40)} ${quantile(fanQuiet.latencies, 0.5).toFixed(1).padStart(7)} / ${quantile(fanQuiet.latencies, 0.99).toFixed(1)} ms`,
    );
    console.log(
      `${'bare ws broadcast, p50 / p99'.padEnd(40)} ${quantile(base, 0.5).toFixed(1).padStart(7)} / ${wsBaselineP99Ms.toFixed(1)} ms`,
    );

    const metrics = await (await fetch(`${monitor.url}/metrics`)).text();
    const rss = Number(/^switchyard_process_resident_memory_bytes (\S+)/m.exec(metrics)?.[1]);
    const rssMb = round(rss / 2 ** 20, 1);
    console.log(`${'monitor RSS after the run'.padEnd(40)} ${rssMb.toFixed(1).padStart(12)} MB`);

    const result = {
      singleReqPerSec: round(singleReqPerSec, 0),
      honoBaselineReqPerSec: round(honoBaselineReqPerSec, 0),
      singleVsBaseline: round(singleReqPerSec / honoBaselineReqPerSec, 3),
      batchEventsPerSec: round(batchEventsPerSec, 0),
      honoBatchBaselineEventsPerSec: round(honoBatchBaselineEventsPerSec, 0),
      batchVsBaseline: round(batchEventsPerSec / honoBatchBaselineEventsPerSec, 3),
      batchNdjsonEventsPerSec: round(batchNdjsonEventsPerSec, 0),
      honoBatchNdjsonBaselineEventsPerSec: round(honoBatchNdjsonBaselineEventsPerSec, 0),
      batchNdjsonVsBaseline: round(
        batchNdjsonEventsPerSec / honoBatchNdjsonBaselineEventsPerSec,
        3,
      ),
      // Server CPU per request / per event: what the ratios tend to when the server is the bottleneck.
      serverCpuUs: {
        single: { monitor: round(ms.cpuUsPerEvent, 2), hono: round(hs.cpuUsPerEvent, 2) },
        batch: { monitor: round(mb.cpuUsPerEvent, 3), hono: round(hb.cpuUsPerEvent, 3) },
        ndjson: { monitor: round(mn.cpuUsPerEvent, 3), hono: round(hn.cpuUsPerEvent, 3) },
      },
      fanoutP50Ms: round(quantile(fan.latencies, 0.5), 1),
      fanoutP99Ms: round(fanoutP99Ms, 1),
      fanoutNoStatsP50Ms: round(quantile(fanQuiet.latencies, 0.5), 1),
      fanoutNoStatsP99Ms: round(quantile(fanQuiet.latencies, 0.99), 1),
      wsBaselineP50Ms: round(quantile(base, 0.5), 1),
      wsBaselineP99Ms: round(wsBaselineP99Ms, 1),
      fanoutVsBaseline: round(fanoutP99Ms / wsBaselineP99Ms, 3),
      rssMb,
      targets: {
        singleVsBaseline: '>= 0.8',
        batchVsBaseline: '>= 0.7',
        fanoutVsBaseline: '<= 1.25',
      },
      setup: {
        connections: CONNECTIONS,
        durationSec: DURATION,
        subscribers: SUBSCRIBERS,
        trips: ROUNDS,
        cpus: cpus().length,
        node: process.version,
        quick,
      },
      at: new Date().toISOString(),
    };
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}ingest.json`, JSON.stringify(result, null, 2) + '\n');
    console.log(
      `ratios: single ${result.singleVsBaseline} (target >= 0.8), batch ${result.batchVsBaseline} (>= 0.7), ndjson ${result.batchNdjsonVsBaseline}, fan-out ${result.fanoutVsBaseline} (<= 1.25)`,
    );
    console.log(`wrote ${dir}ingest.json`);
  } finally {
    stopAll();
  }
}

const at = process.argv.indexOf('--serve');
if (at >= 0) await serve(process.argv[at + 1]);
else await main();
