/**
 * bench:simulator — reqPerSec of the simulator's pay endpoint (WeChat v3 codepay) with a mix of
 * faults active, beside honoBaselineReqPerSec: a bare hono route on @hono/node-server that parses
 * the same JSON body and answers a success body of the same shape, in the same run.
 * Latencies are scaled to 0 (latencyScale 0, hangs answer 504 at once) so that the figure is the
 * simulator's own cost per request — fault lookup, dice, order book, code table — not sleeping.
 * The order book keeps the last RETAIN_MS of orders (see below); every order number is new, so
 * each request opens a trade.
 *
 * Each server runs as a child process. On Linux with `taskset` the children are pinned to the
 * last CPU (one of them loaded at a time), so that the kernel does not move the loaded server onto
 * the load generator's core; the load generator (this process) is left to the scheduler. The JSON
 * says whether they were pinned. A phase lasts a whole number of the fault mix's flapping
 * periods, so every phase sees the same share of "on" time. The two servers are measured
 * alternately, ROUNDS rounds after a warm-up (for the simulator, long enough to fill the order
 * book); the figures are the best round of each, and the per-round ratios are printed and kept
 * beside them. Prints the figures, writes loadtests/results/simulator.json. `--quick` shortens
 * each phase to one flapping period.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';

const quick = process.argv.includes('--quick');
/** The flapping fault's period (onMs + offMs below): a phase is a whole number of them. */
const FLAP_PERIOD_S = 3;
const DURATION = quick ? FLAP_PERIOD_S : 2 * FLAP_PERIOD_S;
const CONNECTIONS = 32;
const ROUNDS = 3;
/** The CPU the servers are pinned to, when `taskset` is there (Linux); undefined: not pinned. */
const SERVER_CPU = pinnableCpu();
/**
 * The simulator forgets orders older than this. A load test keeps the book to a recent window:
 * at 20k orders/s an unbounded book is millions of live objects, and the GC work it causes (on
 * background threads, competing with the load generator) is what this bench would then measure.
 */
const RETAIN_MS = 10_000;
const PATH = '/wechat/v3/pay/transactions/codepay';

/** The fault mix kept active through the measured phase. */
const FAULT_MIX = [
  { channel: 'wechat', kind: 'error', probability: 0.1, code: 'SYSTEMERROR' },
  { channel: 'wechat', kind: 'rate_limit', probability: 0.03 },
  { channel: 'wechat', kind: 'risk', probability: 0.03 },
  { channel: 'wechat', kind: 'userpaying', probability: 0.05 },
  { channel: 'wechat', kind: 'charged_timeout', probability: 0.02 },
  { channel: 'wechat', kind: 'latency', probability: 0.2, latencyMs: 800 },
  { channel: 'wechat', kind: 'callback_lost', probability: 0.3 },
  { channel: 'wechat', kind: 'maintenance', scope: { store: 's-009' } },
  { channel: 'wechat', kind: 'flapping', onMs: 1000, offMs: 2000, probability: 0.5 },
] as const;

async function serve(mode: string): Promise<void> {
  let fetchFn: (req: Request) => Response | Promise<Response>;
  if (mode.startsWith('simulator')) {
    const { RealScheduler } = await import('../src/time/RealScheduler.ts');
    const { DEMO_CHANNELS } = await import('../src/core/options.ts');
    const { DEFAULT_BASELINE } = await import('../simulators/channels/ChannelProfile.ts');
    const { createSimulation } = await import('../simulators/createSimulation.ts');
    const { createSimulatorApp } = await import('../simulators/http/createSimulatorApp.ts');
    const scheduler = new RealScheduler();
    const channels = DEMO_CHANNELS.map(({ id, flavour, pool, priority }) => ({
      id,
      flavour,
      pool,
      priority,
      ...DEFAULT_BASELINE,
    }));
    const sim = createSimulation({
      scheduler,
      seed: 1,
      channels,
      latencyScale: 0,
      retainMs: RETAIN_MS,
    });
    if (mode === 'simulator') for (const f of FAULT_MIX) sim.faults.add({ ...f, ttlMs: 3_600_000 });
    fetchFn = createSimulatorApp({ sim: sim.sim, scheduler, chaos: {} }).fetch;
  } else {
    const app = new Hono();
    app.post(PATH, async (c) => {
      const b = (await c.req.json()) as { out_trade_no: string; amount: { total: number } };
      return c.json({
        mchid: '1900000109',
        out_trade_no: b.out_trade_no,
        transaction_id: `42000${b.out_trade_no}`,
        trade_type: 'MICROPAY',
        trade_state: 'SUCCESS',
        trade_state_desc: '支付成功',
        amount: { total: b.amount.total, payer_total: b.amount.total, currency: 'CNY' },
      });
    });
    fetchFn = app.fetch;
  }
  const server = createAdaptorServer({ fetch: fetchFn });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

function pinnableCpu(): number | undefined {
  if (process.platform !== 'linux' || cpus().length < 2) return undefined;
  // the CPU list can be the host's in a container whose cpuset leaves some out: try the one we would use
  const cpu = cpus().length - 1;
  const probe = spawnSync('taskset', ['-c', String(cpu), 'true']);
  return probe.status === 0 ? cpu : undefined;
}

function start(mode: string): Promise<{ child: ChildProcess; port: number }> {
  const node = [
    process.execPath,
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--serve',
    mode,
  ];
  const [cmd, ...args] =
    SERVER_CPU === undefined ? node : ['taskset', '-c', String(SERVER_CPU), ...node];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\d+)/.exec(buf);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

let n = 0;

/** CPU seconds (user + system, all threads) a child has used so far; undefined off Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

async function measure(
  port: number,
  seconds: number,
  pid?: number,
): Promise<{
  reqPerSec: number;
  p99Ms: number;
  serverCpuUsPerReq?: number;
  statuses: Record<string, number>;
}> {
  const statuses: Record<string, number> = {};
  const inst = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: PATH,
        headers: { 'content-type': 'application/json', 'x-timeout-ms': '3000' },
        setupRequest: (req) => {
          n++;
          return {
            ...req,
            body: JSON.stringify({
              appid: 'wxd678efh567hg6787',
              mchid: '1900000109',
              description: 'bench',
              out_trade_no: `b-${n}`,
              amount: { total: 100 + (n % 5000), currency: 'CNY' },
              scene_info: {
                store_info: { id: `s-${String(n % 20).padStart(3, '0')}` },
                device_id: `t-${n % 3}`,
              },
              payer: { auth_code: '134567890123456789' },
            }),
          };
        },
      },
    ],
  });
  (inst as unknown as { on(ev: 'response', fn: (c: unknown, status: number) => void): void }).on(
    'response',
    (_c, status) => void (statuses[status] = (statuses[status] ?? 0) + 1),
  );
  const cpu0 = cpuSeconds(pid);
  const r = await inst;
  const cpu1 = cpuSeconds(pid);
  const serverCpuUsPerReq =
    cpu0 !== undefined && cpu1 !== undefined
      ? Math.round(((cpu1 - cpu0) * 1e6) / r.requests.total)
      : undefined;
  return {
    reqPerSec: Math.round(r.requests.average),
    p99Ms: r.latency.p99,
    serverCpuUsPerReq,
    statuses,
  };
}

async function main(): Promise<void> {
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  const rounds: {
    round: number;
    reqPerSec: number;
    honoBaselineReqPerSec: number;
    ratio: number;
  }[] = [];
  const servers = { hono: await start('hono'), simulator: await start('simulator') } as Record<
    string,
    { child: ChildProcess; port: number }
  >;
  if (process.argv.includes('--no-fault-peer'))
    servers['simulator-nofault'] = await start('simulator-nofault');
  try {
    // Alternate the two, best of ROUNDS each: on a shared 2-core machine one phase can land on a busy moment.
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound: Record<string, number> = {};
      for (const mode of Object.keys(servers)) {
        // warm-up: JIT, connection pool; the simulator's long enough to fill its order book (RETAIN_MS), so that
        // every measured round is the steady state with orders being forgotten, not a book still growing
        if (round === 0)
          await measure(
            servers[mode].port,
            mode.startsWith('simulator') ? RETAIN_MS / 1000 + 1 : 1,
          );
        const r = await measure(servers[mode].port, DURATION, servers[mode].child.pid);
        process.stdout.write(
          `${mode.padEnd(10)} ${r.reqPerSec} req/s  p99 ${r.p99Ms} ms  server CPU ${r.serverCpuUsPerReq ?? '?'} µs/req  statuses ${JSON.stringify(r.statuses)}\n`,
        );
        if (!results[mode] || r.reqPerSec > results[mode].reqPerSec) results[mode] = r;
        thisRound[mode] = r.reqPerSec;
      }
      const ratio = Math.round((thisRound.simulator / thisRound.hono) * 1000) / 1000;
      rounds.push({
        round: round + 1,
        reqPerSec: thisRound.simulator,
        honoBaselineReqPerSec: thisRound.hono,
        ratio,
      });
      process.stdout.write(`round ${round + 1}: ratio ${ratio}\n`);
    }
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
  }
  const out = {
    bench: 'simulator',
    endpoint: `POST ${PATH} (WeChat Pay v3 codepay)`,
    faultMix: FAULT_MIX,
    latencyScale: 0,
    retainMs: RETAIN_MS,
    connections: CONNECTIONS,
    durationSec: DURATION,
    roundCount: ROUNDS,
    method: 'best round of each, phases alternated, each phase a whole number of flapping periods',
    serverPinnedToCpu: SERVER_CPU ?? null,
    reqPerSec: results.simulator.reqPerSec,
    honoBaselineReqPerSec: results.hono.reqPerSec,
    ratio: Math.round((results.simulator.reqPerSec / results.hono.reqPerSec) * 1000) / 1000,
    target: 0.8,
    rounds,
    medianRoundRatio: median(rounds.map((r) => r.ratio)),
    p99Ms: results.simulator.p99Ms,
    honoBaselineP99Ms: results.hono.p99Ms,
    // server process CPU (user + system) per request in the best round: less sensitive to the machine's load than req/s
    serverCpuUsPerReq: results.simulator.serverCpuUsPerReq,
    honoBaselineServerCpuUsPerReq: results.hono.serverCpuUsPerReq,
    statuses: results.simulator.statuses,
    cpus: cpus().length,
    node: process.version,
  };
  process.stdout.write(
    `ratio ${out.ratio} of the bare hono route (target ≥ ${out.target}), median of the rounds' ratios ${out.medianRoundRatio}${SERVER_CPU === undefined ? '' : `, servers pinned to CPU ${SERVER_CPU}`}\n`,
  );
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}simulator.json`, `${JSON.stringify(out, null, 2)}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1]);
else await main();
