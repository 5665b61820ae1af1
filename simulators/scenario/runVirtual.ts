import { probeOutcome } from '../../src/probe/probeOutcome.ts';
import { createEngineClient } from '../../src/client/createEngineClient.ts';
import { seededRandom } from '../../src/core/random.ts';
import type { SwitchyardClient } from '../../src/client/types.ts';
import type { Decision } from '../../src/core/decision.ts';
import { Engine } from '../../src/core/Engine.ts';
import { type DeepPartial, type EngineOptions, engineOptions } from '../../src/core/options.ts';
import { round } from '../../src/core/round.ts';
import type { Scheduler } from '../../src/core/scheduler.ts';
import { VirtualScheduler } from '../../src/time/VirtualScheduler.ts';
import type { ChannelApi } from '../channels/ChannelApi.ts';
import type { CheckoutRoute, HealthOracle } from '../checkout/CheckoutRoute.ts';
import { checkoutRoutes } from '../checkout/checkoutRoutes.ts';
import { createCheckout } from '../checkout/createCheckout.ts';
import type { Checkout, Order, OrderResult, Strategy } from '../checkout/types.ts';
import { createSimulation, type Simulation } from '../createSimulation.ts';
import { TrafficGenerator } from '../traffic/TrafficGenerator.ts';
import { orderFacts, settlementFigures } from './orderFacts.ts';
import type { CheckoutReport, ScenarioReport, StrategyReport } from './Report.ts';
import type { Scenario } from './Scenario.ts';
import { bookMaintenance, injectFaults } from './scheduleScenario.ts';
import { scoreRun } from './score.ts';

/** A fixed start instant, so that a virtual report never depends on the wall clock. */
export const VIRTUAL_EPOCH = Date.UTC(2026, 10, 27, 12, 0, 0);

/** What a strategy's checkout is built from; the runner builds one per strategy on its own simulation. */
export interface CheckoutContext {
  strategy: Strategy;
  channels: ChannelApi;
  scheduler: Scheduler;
  routes: CheckoutRoute[];
  /** For `switchyard`: follows the run's Engine and reports every attempt to it. */
  client?: SwitchyardClient;
  oracle: HealthOracle;
  payTimeoutMs: number;
}

export type CheckoutFactory = (ctx: CheckoutContext) => Checkout & { close?(): void };

export const defaultCheckoutFactory: CheckoutFactory = (ctx) => createCheckout(ctx);

export interface VirtualRunOptions {
  seed?: number;
  /** Checkouts compared; the first must be `switchyard` to score detection against traffic. Default switchyard, staticSingle, oracle. */
  strategies?: Strategy[];
  createCheckout?: CheckoutFactory;
  /** Record every pay attempt into the Engine here, for checkouts that do not report through a client. */
  recordAttempts?: boolean;
  /** After traffic stops, in-flight orders get this long to finish. */
  drainMs?: number;
  /** Engine tick period. */
  tickMs?: number;
  /** Default: the traffic's pay timeout (3 s without traffic), so probes judge latency as the checkout does. */
  probeTimeoutMs?: number;
}

export interface VirtualRun {
  report: ScenarioReport;
  decisions: Decision[];
  simulations: Map<Strategy, Simulation>;
}

/**
 * The whole scenario in-process on one VirtualScheduler: per strategy its own simulation (same
 * seed, same fault timeline, so one order meets the same fate wherever it goes), the core Engine
 * on the scheduler's clock fed by the switchyard checkout's attempts and by active probes, and the
 * same seeded traffic into every checkout. A 30-minute scenario takes seconds.
 */
export async function runVirtual(
  scenario: Scenario,
  opts: VirtualRunOptions = {},
): Promise<VirtualRun> {
  const seed = opts.seed ?? scenario.seed;
  const strategies = opts.strategies ?? ['switchyard', 'staticSingle', 'oracle'];
  const makeCheckout = opts.createCheckout ?? defaultCheckoutFactory;
  const tickMs = opts.tickMs ?? 100;
  const drainMs = opts.drainMs ?? 60_000;
  const t0 = VIRTUAL_EPOCH;
  const s = new VirtualScheduler(t0);

  const engine = new Engine(engineOptionsFor(scenario), {
    clock: s.clock,
    epoch: `virtual-${scenario.name}-${seed}`,
  });
  const decisions: Decision[] = [];
  engine.onDecision((d) => decisions.push(d));
  bookMaintenance(engine, scenario, t0);
  s.setInterval(() => engine.tick(), tickMs);

  const orders = scenario.traffic
    ? new TrafficGenerator(scenario.traffic, seed).orders(scenario.durationMs, t0)
    : [];
  const decliners = new Set(orders.filter((o) => o.customerDeclines).map((o) => o.id));
  const routes = checkoutRoutes(scenario.channels);

  const simulations = new Map<Strategy, Simulation>();
  const runs: {
    strategy: Strategy;
    sim: Simulation;
    checkout: Checkout & { close?(): void };
    results: OrderResult[];
  }[] = [];
  const runsFor = scenario.traffic ? strategies : strategies.slice(0, 1);
  for (const strategy of runsFor) {
    const sim = createSimulation({
      scheduler: s,
      seed,
      channels: scenario.channels,
      customerDeclines: (id) => decliners.has(id),
    });
    injectFaults(sim.faults, scenario, t0);
    simulations.set(strategy, sim);
    if (!scenario.traffic) continue;
    const client =
      strategy === 'switchyard'
        ? createEngineClient({ engine, clock: s.clock, channels: routes, rng: seededRandom(seed) })
        : undefined;
    const channels =
      strategy === 'switchyard' && opts.recordAttempts ? recording(sim.api, engine, s) : sim.api;
    runs.push({
      strategy,
      sim,
      checkout: makeCheckout({
        strategy,
        channels,
        scheduler: s,
        routes,
        client,
        oracle: sim.faults,
        payTimeoutMs: scenario.traffic.timeoutMs,
      }),
      results: [],
    });
  }

  // Probes go to the switchyard simulation: the monitor probes the channels the checkout uses.
  const probed = simulations.get(strategies[0])!;
  const probeTimeoutMs = opts.probeTimeoutMs ?? scenario.traffic?.timeoutMs ?? 3000;
  s.setInterval(() => {
    for (const c of scenario.channels) {
      // The same probe result the live Prober would make of this answer, through the same path.
      void probed.api.probe(c.id, probeTimeoutMs).then((r) => {
        const failed = r.kind === 'timeout' || r.outcome !== 'success';
        const result = {
          channel: c.id,
          outcome: r.kind === 'timeout' ? 'timeout' : failed ? 'error' : 'success',
          code: r.kind === 'answer' && failed ? r.code : undefined,
          latencyMs: r.latencyMs,
          at: s.clock.now(),
        } as const;
        engine.recordOutcome(probeOutcome(engine, result));
      });
    }
  }, scenario.probeIntervalMs);

  for (const o of orders) {
    s.setTimeout(() => {
      for (const r of runs) void r.checkout.pay({ ...o }).then((res) => r.results.push(res));
    }, o.createdAt - t0);
  }

  await s.run(t0 + scenario.durationMs + (scenario.traffic ? drainMs : 0));
  for (const r of runs) r.checkout.close?.();

  const checkout = scenario.traffic ? checkoutReport(orders, runs) : undefined;
  const faults = probed.faults.windows();
  const facts = {
    start: t0,
    faults,
    planned: scenario.maintenance,
    decisions,
    graceMs: scenario.graceMs,
    checkout,
    ...(runs[0] && { orders: orderFacts(orders, runs[0].results) }),
  };
  const report = scoreRun(scenario, seed, true, facts);
  return { report, decisions, simulations };
}

export function engineOptionsFor(scenario: Scenario): EngineOptions {
  return engineOptions({
    channels: scenario.channels.map(({ id, flavour, pool, priority, minAmount, maxAmount }) => ({
      id,
      flavour,
      pool,
      priority,
      ...(minAmount !== undefined && { minAmount }),
      ...(maxAmount !== undefined && { maxAmount }),
    })),
    pools: scenario.pools,
    ...(scenario.engine as DeepPartial<Omit<EngineOptions, 'channels' | 'pools'>>),
  });
}

/** For checkouts that do not report: every pay attempt's outcome goes to the Engine as it lands. */
function recording(api: ChannelApi, engine: Engine, s: Scheduler): ChannelApi {
  return {
    query: (ch, id, t) => api.query(ch, id, t),
    close: (ch, id, t) => api.close(ch, id, t),
    async pay(ch, req) {
      const r = await api.pay(ch, req);
      engine.record({
        channel: ch,
        // An answer is classified by the channel's own table, as a gateway's report would be.
        outcome: r.kind === 'timeout' ? 'timeout' : undefined,
        code: r.kind === 'answer' ? r.code : undefined,
        latencyMs: r.latencyMs,
        at: s.clock.now(),
        source: 'live',
        amount: req.amount,
        orderId: req.orderId,
        store: req.store || undefined,
        terminal: req.terminal || undefined,
        method: req.method || undefined,
      });
      return r;
    },
  };
}

export function checkoutReport(
  orders: readonly Order[],
  runs: { strategy: Strategy; sim: Simulation; results: OrderResult[]; checkout?: Checkout }[],
): CheckoutReport {
  const strategies: Record<string, StrategyReport> = {};
  for (const r of runs) {
    const paid = r.results.filter((x) => x.status === 'paid').length;
    const declined = r.results.filter((x) => x.status === 'declined').length;
    const ledger = r.sim.book.summary();
    const status = new Map(r.results.map((x) => [x.orderId, x.status]));
    let droppedFound = 0;
    for (const t of r.sim.book.all())
      if (
        t.status === 'SUCCESS' &&
        t.answerLost &&
        t.callbackLost &&
        status.get(t.orderId) === 'paid'
      )
        droppedFound++;
    const lat = r.results.map((x) => x.latencyMs).sort((a, b) => a - b);
    strategies[r.strategy] = {
      orders: orders.length,
      paid,
      declined,
      // unfinished orders count as failed: the customer was left waiting
      failed: orders.length - paid - declined,
      successRate: round(paid / Math.max(1, orders.length - declined)),
      doubleCharges: ledger.doubleCharges,
      droppedOrders: ledger.droppedOrders,
      droppedFound,
      p95LatencyMs: lat.length ? lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.95))] : 0,

      ...settlementFigures(r.results, r.checkout?.settled?.() ?? [], r.sim.book),
    };
  }
  const main = strategies[runs[0].strategy];
  return {
    attempts: main.orders,
    succeeded: main.paid,
    successRate: main.successRate,
    doubleCharges: main.doubleCharges,
    droppedOrders: { injected: main.droppedOrders, found: main.droppedFound },
    oracleSuccessRate: strategies.oracle?.successRate ?? null,
    staticSuccessRate: strategies.staticSingle?.successRate ?? null,
    strategies,

    ordersFoundLater: main.ordersFoundLater,
    ordersLeftPending: main.ordersLeftPending,
    chargedButReportedFailed: main.chargedButReportedFailed,
    failovers: main.failovers,
  };
}
