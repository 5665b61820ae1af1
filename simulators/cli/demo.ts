import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { parse as parseYaml } from 'yaml';
import { CloseStack } from '../../src/cli/CloseStack.ts';
import { parseCli } from '../../src/cli/parseCli.ts';
import { parsePort } from '../../src/cli/parsePort.ts';
import { waitForSignal } from '../../src/cli/waitForSignal.ts';
import { createClient } from '../../src/client/createClient.ts';
import { demoConfigInput } from '../../src/config/demoConfig.ts';
import { resolveConfig } from '../../src/config/loadConfig.ts';
import { DEMO_CHANNELS } from '../../src/core/options.ts';
import { seededRandom } from '../../src/core/random.ts';
import { createLogger } from '../../src/server/Logger.ts';
import { closeServer, listen, serverOptions } from '../../src/server/listen.ts';
import { startMonitor } from '../../src/server/startMonitor.ts';
import { DiskStateStore } from '../../src/store/DiskStateStore.ts';
import { RealScheduler } from '../../src/time/RealScheduler.ts';
import { DEFAULT_BASELINE, type ChannelProfile } from '../channels/ChannelProfile.ts';
import { checkoutRoutes } from '../checkout/checkoutRoutes.ts';
import { type CarefulCheckout, createCheckout } from '../checkout/createCheckout.ts';
import { startCheckoutServer } from '../checkout/startCheckoutServer.ts';
import type { Strategy } from '../checkout/types.ts';
import { createSimulation } from '../createSimulation.ts';
import { type FaultSpec, faultSpecSchema, toFaultInput } from '../faults/faultSpec.ts';
import { HttpChannels } from '../http/HttpChannels.ts';
import { createSimulatorApp } from '../http/createSimulatorApp.ts';
import { parseDuration } from '../scenario/duration.ts';

export const DEMO_USAGE = `usage: switchyard demo [--rate N] [--seed N] [--port N] [--sim-port N] [--checkout-port N] [--scenario FILE]

The whole demo in one process: channel simulators, the monitor (probing them), the demo checkout
following the monitor, and shop traffic through the checkout while the scenario's faults repeat.

  --rate N            orders per second sent to the checkout (default 20)
  --seed N            seed of the simulators and the traffic (default 42)
  --port N            monitor port (env SWITCHYARD_PORT, default 8080)
  --sim-port N        simulators port (env SWITCHYARD_SIM_PORT, default 8081)
  --checkout-port N   checkout port (env SWITCHYARD_CHECKOUT_PORT, default 8082)
  --scenario FILE     faults to loop (default simulators/scenarios/flash-sale.yaml, else a built-in cycle)
`;

/** Used when no scenario file is there: every 3 minutes, an error burst on wechat and a maintenance on alipay. */
const BUILT_IN_CYCLE: { durationMs: number; faults: FaultSpec[] } = {
  durationMs: 180_000,
  faults: [
    { channel: 'wechat', kind: 'error', at: '40s', for: '50s', probability: 0.4 },
    { channel: 'alipay', kind: 'maintenance', at: '120s', for: '30s' },
    { channel: 'bank_a', kind: 'timeout', at: '60s', for: '40s', probability: 0.5 },
  ],
};

function loadCycle(file: string | undefined): {
  durationMs: number;
  faults: FaultSpec[];
  source: string;
} {
  const path = file ?? fileURLToPath(new URL('../scenarios/flash-sale.yaml', import.meta.url));
  if (!existsSync(path)) {
    if (file) throw new Error(`no scenario file ${file}`);
    return { ...BUILT_IN_CYCLE, source: 'built-in cycle' };
  }
  const doc = parseYaml(readFileSync(path, 'utf8')) as { faults?: unknown[] };
  const parsed = (doc.faults ?? []).map((f) => faultSpecSchema.parse(f));
  // The demo skips the scenario's quiet lead-in: the first fault comes 30 s after start (then
  // every cycle), so a newcomer sees a switch within a minute, and a minute of calm follows the last.
  const lead = parsed.length
    ? Math.max(0, Math.min(...parsed.map((f) => parseDuration(f.at ?? 0))) - 30_000)
    : 0;
  const faults = parsed.map((f) => ({ ...f, at: parseDuration(f.at ?? 0) - lead }));
  const end = Math.max(60_000, ...faults.map((f) => f.at + parseDuration(f.for ?? 300_000)));
  return { durationMs: end + 60_000, faults, source: path };
}

/** `switchyard demo` (what `npm start` runs): resolves with the exit code once Ctrl-C has shut everything down. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseCli(
    argv,
    {
      rate: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      'sim-port': { type: 'string' },
      'checkout-port': { type: 'string' },
      scenario: { type: 'string' },
    },
    DEMO_USAGE,
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  let ports: { monitor: number; sim: number; checkout: number };
  let cycle: ReturnType<typeof loadCycle>;
  const rate = Number(values.rate ?? 20);
  const seed = Number(values.seed ?? 42);
  try {
    ports = {
      monitor: parsePort((values.port as string | undefined) ?? env.SWITCHYARD_PORT, 8080),
      sim: parsePort((values['sim-port'] as string | undefined) ?? env.SWITCHYARD_SIM_PORT, 8081),
      checkout: parsePort(
        (values['checkout-port'] as string | undefined) ?? env.SWITCHYARD_CHECKOUT_PORT,
        8082,
      ),
    };
    if (!(rate > 0 && rate <= 5_000))
      throw new RangeError(`bad --rate ${values.rate}: give orders per second, 0 < N ≤ 5000`);
    if (!Number.isInteger(seed)) throw new RangeError(`bad --seed ${values.seed}: give an integer`);
    cycle = loadCycle(values.scenario as string | undefined);
  } catch (e) {
    process.stderr.write(`switchyard demo: ${(e as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }

  const log = createLogger({ base: { svc: 'demo' } });
  const scheduler = new RealScheduler();
  const clock = scheduler.clock;
  const profiles: ChannelProfile[] = DEMO_CHANNELS.map(({ id, flavour, pool, priority }) => ({
    id,
    flavour,
    pool,
    priority,
    ...DEFAULT_BASELINE,
  }));
  const routes = checkoutRoutes(profiles);
  const closers = new CloseStack();

  try {
    const sim = createSimulation({
      scheduler,
      seed,
      channels: profiles,
      customerDeclines: (id) => id.endsWith('13'),
      retainMs: 3_600_000,
    });
    const simServer = createAdaptorServer({
      fetch: createSimulatorApp({ sim: sim.sim, scheduler, chaos: { loopbackOnly: true } }).fetch,
      serverOptions: serverOptions(),
    }) as Server;
    const simUrl = `http://127.0.0.1:${await listen(simServer, ports.sim, '127.0.0.1')}`;
    closers.push(() => closeServer(simServer));

    // The monitor keeps its state on disk as it does in production, in a directory of its own.
    const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-demo-'));
    closers.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const monitorLog = createLogger({ base: { svc: 'monitor' } });
    const input = demoConfigInput();
    const config = resolveConfig({
      ...input,
      simulatorUrl: simUrl,
      channels: input.channels.map((c) => ({
        ...c,
        probe: { url: `${simUrl}/${c.id}/health`, intervalMs: 2_000, timeoutMs: 1_500 },
      })),
    });
    const store = DiskStateStore.open({
      dir: stateDir,
      retain: config.engine.decisionLog,
      clock,
      log: monitorLog,
    });
    const monitor = await startMonitor({
      config,
      port: ports.monitor,
      log: monitorLog,
      store,
    });
    closers.push(() => monitor.close());

    const client = createClient({
      url: monitor.url,
      channels: routes,
      scheduler,
      rng: seededRandom(seed),
    });
    closers.push(() => client.close());
    const channels = new HttpChannels({ baseUrl: simUrl, channels: profiles, scheduler });
    const checkouts: Partial<Record<Strategy, CarefulCheckout>> = {
      switchyard: createCheckout({ strategy: 'switchyard', channels, scheduler, routes, client }),
      staticPriority: createCheckout({ strategy: 'staticPriority', channels, scheduler, routes }),
      staticSingle: createCheckout({ strategy: 'staticSingle', channels, scheduler, routes }),
      oracle: createCheckout({
        strategy: 'oracle',
        channels,
        scheduler,
        routes,
        oracle: sim.faults,
      }),
    };
    const checkout = await startCheckoutServer({ checkouts, clock, port: ports.checkout });
    closers.push(() => checkout.close());

    // The scenario's faults, again every cycle, so the dashboard always has something to show.
    const inject = () => {
      const base = clock.now();
      for (const f of cycle.faults)
        sim.faults.add({ ...toFaultInput(f, base, 'scenario'), id: undefined });
    };
    inject();
    const faultTimer = scheduler.setInterval(inject, cycle.durationMs);
    closers.push(() => faultTimer.cancel());

    // Shop traffic through the checkout over HTTP: 80% QR orders, 20% card.
    const rng = seededRandom(seed + 1);
    let n = 0;
    const traffic = scheduler.setInterval(() => {
      n++;
      const body = {
        id: `d${n}`,
        amount: 500 + Math.floor(rng() * 30_000),
        pool: rng() < 0.8 ? 'qr' : 'card',
        store: `s-${String(1 + Math.floor(rng() * 20)).padStart(3, '0')}`,
        terminal: `t-${1 + Math.floor(rng() * 3)}`,
        segment: 'regular',
      };
      void fetch(`${checkout.url}/checkout?strategy=switchyard`, {
        method: 'POST',
        body: JSON.stringify({ ...body, method: body.pool }),
      })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    }, 1000 / rate);
    closers.push(() => traffic.cancel());

    log.info('demo running', {
      dashboard: `${monitor.url}/`,
      simulators: simUrl,
      checkout: checkout.url,
      faults: cycle.source,
      rate,
    });
    process.stderr.write(
      `switchyard demo\n  dashboard   ${monitor.url}/\n  monitor     ${monitor.url} (metrics ${monitor.url}/metrics)\n  simulators  ${simUrl} (chaos ${simUrl}/_chaos)\n` +
        `  checkout    ${checkout.url} (POST /checkout, GET /stats)\n  state       ${stateDir} (removed at exit)\n  traffic     ${rate} orders/s; faults from ${cycle.source}, every ${cycle.durationMs / 1000}s\nCtrl-C to stop.\n`,
    );
  } catch (e) {
    await closers.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      process.stderr.write(
        `switchyard demo: a port is taken (${(e as Error).message}); pick others with --port, --sim-port, --checkout-port\n`,
      );
      return 1;
    }
    throw e;
  }

  const signal = await waitForSignal();
  log.info('shutting down', { signal });
  // best effort: whatever fails to close, the process is about to end
  await closers.close();
  return 0;
}
