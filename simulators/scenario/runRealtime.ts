import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { CloseStack } from '../../src/cli/CloseStack.ts';
import { createClient } from '../../src/client/createClient.ts';
import { seededRandom } from '../../src/core/random.ts';
import { resolveConfig } from '../../src/config/loadConfig.ts';
import type { Decision } from '../../src/core/decision.ts';
import { closeServer, listen } from '../../src/server/listen.ts';
import { createLogger } from '../../src/server/Logger.ts';
import { startMonitor } from '../../src/server/startMonitor.ts';
import { RealScheduler } from '../../src/time/RealScheduler.ts';
import { checkoutRoutes } from '../checkout/checkoutRoutes.ts';
import type { Checkout, OrderResult, Strategy } from '../checkout/types.ts';
import { createSimulation, type Simulation } from '../createSimulation.ts';
import { createSimulatorApp } from '../http/createSimulatorApp.ts';
import { HttpChannels } from '../http/HttpChannels.ts';
import { TrafficGenerator } from '../traffic/TrafficGenerator.ts';
import type { ScenarioReport } from './Report.ts';
import { orderFacts } from './orderFacts.ts';
import type { Scenario } from './Scenario.ts';
import { bookMaintenance, injectFaults } from './scheduleScenario.ts';
import {
  checkoutReport,
  type CheckoutFactory,
  defaultCheckoutFactory,
  engineOptionsFor,
} from './runVirtual.ts';
import { scoreRun } from './score.ts';

export interface RealtimeRunOptions {
  seed?: number;
  strategies?: Strategy[];
  createCheckout?: CheckoutFactory;
  /** After traffic stops, in-flight orders get this long (default twice the pay timeout). */
  drainMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * The scenario in real time over real sockets: the simulator server (127.0.0.1, ephemeral port)
 * with the scenario's fault timeline, the monitor (startMonitor) probing it, and the seeded
 * traffic through the switchyard checkout over HTTP, following the monitor's stream and reporting
 * to its ingest. The peers (static, oracle) run in-process on their own simulations, on the same
 * real clock. Keep such scenarios short: they take their full duration.
 */
export async function runRealtime(
  scenario: Scenario,
  opts: RealtimeRunOptions = {},
): Promise<{ report: ScenarioReport; decisions: Decision[] }> {
  const seed = opts.seed ?? scenario.seed;
  const strategies = opts.strategies ?? ['switchyard', 'staticSingle', 'oracle'];
  const makeCheckout = opts.createCheckout ?? defaultCheckoutFactory;
  const log = opts.log ?? (() => {});
  const s = new RealScheduler();
  const closers = new CloseStack();
  try {
    const orders = scenario.traffic
      ? new TrafficGenerator(scenario.traffic, seed).orders(scenario.durationMs, 0)
      : [];
    const decliners = new Set(orders.filter((o) => o.customerDeclines).map((o) => o.id));
    const sims = new Map<Strategy, Simulation>();
    for (const st of scenario.traffic ? strategies : strategies.slice(0, 1)) {
      sims.set(
        st,
        createSimulation({
          scheduler: s,
          seed,
          channels: scenario.channels,
          customerDeclines: (id) => decliners.has(id),
        }),
      );
    }
    const served = sims.get(strategies[0])!;
    const app = createSimulatorApp({ sim: served.sim, scheduler: s, chaos: {} });
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    const simUrl = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    closers.push(() => closeServer(server));
    log(`simulators at ${simUrl}`);

    const timeoutMs = scenario.traffic?.timeoutMs ?? 3000;
    const config = resolveConfig({
      channels: scenario.channels.map(({ id, flavour, pool, priority }) => ({
        id,
        flavour,
        pool,
        priority,
        probe: {
          url: `${simUrl}/${id}/health`,
          intervalMs: scenario.probeIntervalMs,
          timeoutMs: Math.min(timeoutMs, scenario.probeIntervalMs - 1),
        },
      })),
      pools: scenario.pools.map((p) => ({ id: p.id, split: [...p.split] })),
    });
    config.engine = engineOptionsFor(scenario);
    const monitor = await startMonitor({
      config,
      port: 0,
      host: '127.0.0.1',
      scheduler: s,
      log: createLogger({ level: 'error', stream: { write: () => true } as never }),
      processMetrics: false,
      epoch: `realtime-${scenario.name}-${seed}`,
    });
    closers.push(() => monitor.close());
    log(`monitor at ${monitor.url}`);
    const decisions: Decision[] = [];
    monitor.engine.onDecision((d) => decisions.push(d));

    const routes = checkoutRoutes(scenario.channels);
    const client = createClient({
      url: monitor.url,
      channels: routes,
      scheduler: s,
      rng: seededRandom(seed),
    });
    closers.push(() => client.close());
    // Let the client take its first snapshot before the clock starts.
    await s.sleep(300);

    const t0 = s.clock.now() + 200;
    bookMaintenance(monitor.engine, scenario, t0);
    for (const sim of sims.values()) injectFaults(sim.faults, scenario, t0);

    const runs: {
      strategy: Strategy;
      sim: Simulation;
      checkout: Checkout & { close?(): void };
      results: OrderResult[];
    }[] = [];
    if (scenario.traffic) {
      for (const [strategy, sim] of sims) {
        const channels =
          strategy === strategies[0]
            ? new HttpChannels({ baseUrl: simUrl, channels: scenario.channels, scheduler: s })
            : sim.api;
        const checkout = makeCheckout({
          strategy,
          channels,
          scheduler: s,
          routes,
          client: strategy === 'switchyard' ? client : undefined,
          oracle: sim.faults,
          payTimeoutMs: timeoutMs,
        });
        closers.push(() => checkout.close?.());
        runs.push({ strategy, sim, checkout, results: [] });
      }
    }
    const inFlight: Promise<unknown>[] = [];
    for (const o of orders) {
      s.setTimeout(
        () => {
          for (const r of runs)
            inFlight.push(
              r.checkout
                .pay({ ...o, createdAt: t0 + o.createdAt })
                .then((res) => void r.results.push(res)),
            );
        },
        t0 + o.createdAt - s.clock.now(),
      );
    }
    log(
      `running ${scenario.name} for ${scenario.durationMs} ms in real time, ${orders.length} orders per strategy`,
    );
    await s.sleep(t0 + scenario.durationMs - s.clock.now());
    const drainMs = opts.drainMs ?? 2 * timeoutMs;
    await Promise.race([Promise.allSettled(inFlight), s.sleep(drainMs)]);

    const checkout = scenario.traffic ? checkoutReport(orders, runs) : undefined;
    const facts = {
      start: t0,
      faults: served.faults.windows(),
      planned: scenario.maintenance,
      decisions,
      graceMs: scenario.graceMs,
      checkout,
      ...(runs[0] && { orders: orderFacts(orders, runs[0].results, t0) }),
    };
    const report = scoreRun(scenario, seed, false, facts);
    return { report, decisions };
  } finally {
    // a run's report stands whether or not its servers close cleanly
    await closers.close();
  }
}
