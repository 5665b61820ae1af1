/**
 * npm run bench:failover: the flash-sale scenario through the demo checkout over real HTTP on
 * 127.0.0.1, driven by autocannon, with four strategies side by side on one seeded fault timeline:
 * switchyard (following a real monitor), a static single channel, static priority failover, and
 * an oracle that knows the true channel health. Writes loadtests/results/failover.json and a chart
 * (failover.svg) beside it.
 *
 * The scenario's timeline is compressed (--compress, default 12×) so that the run takes about a
 * minute: fault onsets and lengths shrink, per-request latencies and timeouts do not.
 *
 *   tsx loadtests/bench-failover.ts [--scenario FILE] [--rate N] [--compress K] [--seed N] [--connections N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import autocannon from 'autocannon';
import { createClient } from '../src/client/createClient.ts';
import { seededRandom } from '../src/core/random.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import type { Decision } from '../src/core/decision.ts';
import { round } from '../src/core/round.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { startMonitor } from '../src/server/startMonitor.ts';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import type { ChannelProfile } from '../simulators/channels/ChannelProfile.ts';
import { checkoutRoutes } from '../simulators/checkout/checkoutRoutes.ts';
import { type CarefulCheckout, createCheckout } from '../simulators/checkout/createCheckout.ts';
import { quantile } from '../simulators/checkout/createCheckoutApp.ts';
import { ResultTimeline } from '../simulators/checkout/ResultTimeline.ts';
import { startCheckoutServer } from '../simulators/checkout/startCheckoutServer.ts';
import type { Strategy } from '../simulators/checkout/types.ts';
import { createSimulation } from '../simulators/createSimulation.ts';
import type { Fault } from '../simulators/faults/Fault.ts';
import { type FaultSpec, toFaultInput } from '../simulators/faults/faultSpec.ts';
import { createSimulatorApp } from '../simulators/http/createSimulatorApp.ts';
import { HttpChannels } from '../simulators/http/HttpChannels.ts';
import { parseDuration } from '../simulators/scenario/duration.ts';
import { loadScenario } from '../simulators/scenario/loadScenario.ts';
import { renderSuccessChart } from './successChart.ts';

const STRATEGIES: Strategy[] = ['switchyard', 'staticSingle', 'staticPriority', 'oracle'];
const here = dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: join(here, '../simulators/scenarios/flash-sale.yaml') },
    rate: { type: 'string', default: '80' },
    compress: { type: 'string', default: '12' },
    seed: { type: 'string', default: '42' },
    connections: { type: 'string', default: '250' },
    out: { type: 'string', default: join(here, 'results/failover.json') },
  },
});
const rate = Number(args.rate);
const compress = Number(args.compress);
const seed = Number(args.seed);

interface ScenarioShape {
  name: string;
  durationMs: number;
  faults: FaultSpec[];
  channels: ChannelProfile[];
  customerDeclineRate: number;
  /** Share of orders per pool. */
  pools: Record<string, number>;
  payTimeoutMs: number;
}

/** The scenario as the simulators' loader reads it (simulators/scenario/loadScenario.ts). */
function benchScenario(file: string): ScenarioShape {
  const sc = loadScenario(file);
  return {
    name: sc.name,
    durationMs: sc.durationMs,
    faults: sc.faults,
    channels: sc.channels,
    customerDeclineRate: sc.traffic?.customerDeclines ?? 0.02,
    pools: sc.traffic?.pools ?? { qr: 1 },
    payTimeoutMs: sc.traffic?.timeoutMs ?? 3_000,
  };
}

/** Shrinks a fault's place in the timeline; what a single request feels (latency, hang length) stays. */
function compressFault(f: FaultSpec, k: number): FaultSpec {
  const c = (v: string | number | undefined) =>
    v === undefined ? undefined : Math.round(parseDuration(v) / k);
  return {
    ...f,
    at: c(f.at ?? 0),
    for: c(f.for ?? 300_000),
    ...(f.ramp !== undefined && { ramp: c(f.ramp) }),
    ...(f.on !== undefined && { on: c(f.on) }),
    ...(f.off !== undefined && { off: c(f.off) }),
  };
}

/** The same customer declines on every channel and in every strategy: hash the order number without its strategy prefix. */
function declinesEverywhere(share: number) {
  return (orderId: string) => {
    const base = orderId.slice(orderId.indexOf('-') + 1);
    let h = 2166136261;
    for (let i = 0; i < base.length; i++) h = Math.imul(h ^ base.charCodeAt(i), 16777619);
    return (h >>> 0) / 4294967296 < share;
  };
}

async function main(): Promise<void> {
  const scenario = benchScenario(args.scenario);
  const runMs = Math.round(scenario.durationMs / compress);
  const scheduler = new RealScheduler();
  const clock = scheduler.clock;
  const profiles = scenario.channels;
  const routes = checkoutRoutes(profiles);

  // Channel simulators over HTTP.
  const sim = createSimulation({
    scheduler,
    seed,
    channels: profiles,
    customerDeclines: declinesEverywhere(scenario.customerDeclineRate),
  });
  const simServer = createAdaptorServer({
    fetch: createSimulatorApp({ sim: sim.sim, scheduler }).fetch,
  });
  await new Promise<void>((r) => simServer.listen(0, '127.0.0.1', r));
  const simUrl = `http://127.0.0.1:${(simServer.address() as { port: number }).port}`;
  const channelApi = new HttpChannels({ baseUrl: simUrl, channels: profiles, scheduler });

  // The monitor, probing the simulators as it would in production.
  const monitor = await startMonitor({
    config: resolveConfig({
      channels: profiles.map(({ id, flavour, pool, priority, minAmount, maxAmount }) => ({
        id,
        flavour,
        pool,
        priority,
        minAmount,
        maxAmount,
        probe: { url: `${simUrl}/${id}/health`, intervalMs: 1000, timeoutMs: 800 },
      })),
      pools: [...new Set(profiles.map((p) => p.pool))].map((id) => ({ id })),
    }),
    port: 0,
    log: silentLogger,
    processMetrics: false,
  });
  const decisions: Decision[] = [];
  monitor.engine.onDecision((d) => decisions.push(d));
  const client = createClient({
    url: monitor.url,
    channels: routes,
    scheduler,
    rng: seededRandom(seed),
    backoffRng: seededRandom(seed + 1),
  });
  const t0 = clock.now() + 2_000; // a short warm-up so the stream is followed before the first order
  const timeline = new ResultTimeline(t0, Math.max(500, Math.round(runMs / 60)));
  const checkouts = {} as Record<Strategy, CarefulCheckout>;
  const latencies: Record<string, number[]> = {};
  /** Failed orders by the channels they tried and the second they were created: where the losses come from. */
  const failedBy: Record<string, Record<string, number>> = {};
  for (const st of STRATEGIES) {
    latencies[st] = [];
    failedBy[st] = {};
    checkouts[st] = createCheckout({
      strategy: st,
      channels: channelApi,
      scheduler,
      routes,
      client,
      oracle: sim.faults,
      payTimeoutMs: scenario.payTimeoutMs,
      onResult: (o, r) => {
        if (o.createdAt < t0 || o.createdAt >= t0 + runMs) return;
        timeline.add(st, o.createdAt, r.status);
        if (r.status === 'failed') {
          const k = `${r.channels.join('>')}@${Math.floor((o.createdAt - t0) / 1000)}s`;
          failedBy[st][k] = (failedBy[st][k] ?? 0) + 1;
        }
        latencies[st].push(r.latencyMs);
      },
    });
  }
  const server = await startCheckoutServer({ checkouts, clock, port: 0 });

  // The compressed fault timeline, anchored at t0.
  const faults: Fault[] = scenario.faults.map((f) =>
    sim.faults.add(toFaultInput(compressFault(f, compress), t0, 'scenario')),
  );
  while (!client.stats().connected) await scheduler.sleep(20);
  await scheduler.sleep(Math.max(0, t0 - clock.now()));

  process.stderr.write(
    `bench:failover: ${scenario.name}, ${faults.length} faults, ${scenario.durationMs / 1000}s compressed ${compress}× to ${runMs / 1000}s, ${rate} orders/s per strategy, 4 strategies\n`,
  );
  const poolShares = Object.entries(scenario.pools);
  const poolTotal = poolShares.reduce((a, [, w]) => a + w, 0);
  const pickPool = (u: number) => {
    let r = u * poolTotal;
    for (const [id, w] of poolShares) if ((r -= w) < 0) return id;
    return poolShares[poolShares.length - 1][0];
  };
  const cannons = STRATEGIES.map((st) => {
    const rng = seededRandom(seed); // one order stream, replayed for each strategy
    let n = 0;
    return autocannon({
      url: `${server.url}/checkout?strategy=${st}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      connections: Number(args.connections),
      overallRate: rate,
      duration: runMs / 1000,
      timeout: 60,
      requests: [
        {
          method: 'POST',
          setupRequest: (req: autocannon.Request) => {
            n++;
            const amount =
              rng() < 0.05
                ? 50_000 + Math.floor(rng() * 400_000)
                : 500 + Math.floor(rng() * 30_000);
            const store = `s-${String(1 + Math.floor(rng() * 40)).padStart(3, '0')}`;
            const pool = pickPool(rng());
            return {
              ...req,
              body: JSON.stringify({
                id: `o${n}`,
                amount,
                pool,
                method: pool,
                store,
                terminal: `t-${1 + Math.floor(rng() * 4)}`,
                segment: rng() < 0.1 ? 'new' : 'regular',
              }),
            };
          },
        },
      ],
    });
  });
  const results = await Promise.all(cannons);
  // Orders still in flight when autocannon stopped (hung on a timed-out channel) finish here.
  await scheduler.sleep(20_000);

  const strategies: Record<string, unknown> = {};
  const rates: Record<string, number> = {};
  for (const st of STRATEGIES) {
    const pts = timeline.points(st);
    const attempts = pts.reduce((a, p) => a + p.attempts, 0);
    const succeeded = pts.reduce((a, p) => a + p.paid, 0);
    const declined = pts.reduce((a, p) => a + p.declined, 0);
    rates[st] = succeeded / Math.max(1, attempts - declined);
    strategies[st] = {
      attempts,
      succeeded,
      successRate: round(rates[st]),
      declined,
      rawSuccessRate: round(succeeded / Math.max(1, attempts)),
      unresolved: checkouts[st].stats().unresolved,
    };
  }
  // Loss of the static single channel over the fault windows: the scenario's severity.
  const tops = new Set(
    routes
      .filter((r) => !routes.some((o) => o.pool === r.pool && o.priority < r.priority))
      .map((r) => r.id),
  );
  const inFault = (t: number) =>
    faults.some((f) => tops.has(f.channel) && t >= f.from - t0 && t < f.to - t0);
  const single = timeline.points('staticSingle').filter((p) => inFault(p.t));
  const singleTakeable = single.reduce((a, p) => a + p.attempts - p.declined, 0);
  const singleLossInFaults = singleTakeable
    ? 1 - single.reduce((a, p) => a + p.paid, 0) / singleTakeable
    : 0;

  const dropped = [...sim.book.all()].filter(
    (t) => t.status === 'SUCCESS' && t.answerLost && t.callbackLost,
  );
  const foundAll = new Set(STRATEGIES.flatMap((st) => [...checkouts[st].foundOrderIds()]));
  const sw = [...latencies.switchyard].sort((a, b) => a - b);
  const faultRows = faults.map((f) => {
    const hit = decisions.find(
      (d) =>
        d.channel === f.channel &&
        d.at >= f.from &&
        d.at <= f.to &&
        (d.to === 'down' || d.to === 'degraded' || d.to === 'maintenance'),
    );
    return {
      channel: f.channel,
      kind: f.kind,
      probability: f.probability,
      from: f.from - t0,
      to: f.to - t0,
      detectedAt: hit ? hit.at - t0 : null,
      detectionMs: hit ? hit.at - f.from : null,
    };
  });
  const achieved = results.map((r) => r.requests.total / (runMs / 1000));
  const report = {
    scenario: scenario.name,
    seed,
    compressedBy: compress,
    scenarioMs: scenario.durationMs,
    runMs,
    targetRatePerStrategy: rate,
    ordersPerSec: round(
      achieved.reduce((a, b) => a + b, 0),
      1,
    ),
    ordersPerSecPerStrategy: Object.fromEntries(
      STRATEGIES.map((st, i) => [st, round(achieved[i], 1)]),
    ),
    httpErrors: Object.fromEntries(
      STRATEGIES.map((st, i) => [st, results[i].errors + results[i].timeouts]),
    ),
    strategies,
    doubleCharges: sim.book.summary().doubleCharges,
    droppedOrders: {
      injected: dropped.length,
      found: dropped.filter((t) => foundAll.has(t.orderId)).length,
    },
    checkoutP50Ms: quantile(sw, 0.5),
    checkoutP99Ms: quantile(sw, 0.99),
    staticSingleLossInFaultWindows: round(singleLossInFaults),
    faults: faultRows,
    targets: {
      switchyardAtLeast99_2: rates.switchyard >= 0.992,
      within0_3OfOracle: rates.oracle - rates.switchyard <= 0.003,
      zeroDoubleCharges: sim.book.summary().doubleCharges === 0,
      everyDroppedOrderFound: dropped.every((t) => foundAll.has(t.orderId)),
      staticSingleLosesAThird: singleLossInFaults >= 1 / 3,
    },
    client: client.stats(),
    /** Per strategy, per bucket: [ms from start, orders, paid, declined]. */
    timeline: {
      bucketMs: timeline.bucketMs,
      series: Object.fromEntries(
        STRATEGIES.map((st) => [
          st,
          timeline.points(st).map((p) => [p.t, p.attempts, p.paid, p.declined]),
        ]),
      ),
    },
    failedBy: Object.fromEntries(STRATEGIES.map((st) => [st, failedBy[st]])),
  };
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');
  const svgPath = args.out.replace(/\.json$/, '') + '.svg';
  writeFileSync(
    svgPath,
    renderSuccessChart({
      title: `${scenario.name}: checkout success per strategy (timeline compressed ${compress}×, seed ${seed})`,
      series: Object.fromEntries(STRATEGIES.map((st) => [st, timeline.points(st)])),
      faults: faultRows,
      durationMs: runMs,
    }),
  );
  process.stdout.write(
    JSON.stringify(
      { ...report, client: undefined, timeline: undefined, failedBy: undefined },
      null,
      2,
    ) + '\n',
  );
  process.stderr.write(`wrote ${args.out} and ${svgPath}\n`);

  await server.close();
  await client.close();
  await monitor.close();
  await new Promise<void>((r) => {
    simServer.close(() => r());
    (simServer as unknown as { closeAllConnections(): void }).closeAllConnections();
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:failover: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
