import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { CloseStack } from '../../src/cli/CloseStack.ts';
import { boundUrl, exposureRefusal, isLoopback } from '../../src/cli/exposure.ts';
import { UsageError } from '../../src/cli/UsageError.ts';
import { parseCli } from '../../src/cli/parseCli.ts';
import { parsePort } from '../../src/cli/parsePort.ts';
import { waitForSignal } from '../../src/cli/waitForSignal.ts';
import { createClient } from '../../src/client/createClient.ts';
import { DEMO_CHANNELS, DEMO_POOLS } from '../../src/core/options.ts';
import { seededRandom } from '../../src/core/random.ts';
import { createLogger } from '../../src/server/Logger.ts';
import { closeServer, listen, serverOptions } from '../../src/server/listen.ts';
import { RealScheduler } from '../../src/time/RealScheduler.ts';
import { SimulatorError } from '../SimulatorError.ts';
import { DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { httpCallbackSink } from '../channels/httpCallbackSink.ts';
import { checkoutRoutes } from '../checkout/checkoutRoutes.ts';
import { createCheckout } from '../checkout/createCheckout.ts';
import { createSimulation } from '../createSimulation.ts';
import { HttpChannels } from '../http/HttpChannels.ts';
import { createSimulatorApp } from '../http/createSimulatorApp.ts';
import type { Scenario } from '../scenario/Scenario.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import { TrafficGenerator } from '../traffic/TrafficGenerator.ts';

export const SIMULATE_USAGE = `usage: switchyard simulate [--scenario FILE] [--port N] [--host H] [--seed N] [--token T] [--monitor URL] [--notify-url URL] [--no-traffic]

Serves the channel simulators (WeChat Pay, Alipay, UnionPay, bank quick pay; each channel under
/<channel>/…, probes at /<channel>/health) and the chaos control API at /_chaos. With a scenario,
its channels and fault timeline (started at once, stoppable at /_chaos/scenario/stop) and, if it
has traffic, its orders through a checkout: following the monitor at --monitor, else static priority.

  --scenario FILE   default: the demo channels, no faults, no traffic
  --port N          env SWITCHYARD_SIM_PORT, default 8081
  --host H          default 127.0.0.1; another address than loopback needs --token
  --seed N          overrides the scenario's seed
  --token T         env SWITCHYARD_CHAOS_TOKEN; /_chaos then needs "Authorization: Bearer T"
  --monitor URL     send the traffic's checkout through switchyard at URL
  --notify-url URL  env SWITCHYARD_NOTIFY_URL; payment callbacks are POSTed there ({channel} is
                    replaced by the channel id), retried on each channel's schedule until acknowledged
  --no-traffic      serve only
  --insecure-no-auth  listen on a network address without --token (anyone can inject faults)
`;

/** `switchyard simulate`: runs until SIGINT/SIGTERM, then closes and resolves 0. */
export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseCli(
    argv,
    {
      scenario: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      token: { type: 'string' },
      monitor: { type: 'string' },
      'notify-url': { type: 'string' },
      'no-traffic': { type: 'boolean' },
      'insecure-no-auth': { type: 'boolean' },
    },
    SIMULATE_USAGE,
  );
  if (typeof args === 'number') return args;
  const { values } = args;
  let port: number;
  try {
    port = parsePort((values.port as string | undefined) ?? env.SWITCHYARD_SIM_PORT, 8081);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  let scenario: Scenario;
  try {
    scenario = values.scenario ? loadScenario(values.scenario as string) : defaultScenario();
  } catch (e) {
    if (!(e instanceof SimulatorError)) throw e;
    process.stderr.write(`switchyard simulate: ${e.code}: ${e.message}\n`);
    return 2;
  }
  const seed = values.seed !== undefined ? Number(values.seed) : scenario.seed;
  if (!Number.isSafeInteger(seed)) {
    process.stderr.write(`bad --seed ${JSON.stringify(values.seed)}: give an integer\n`);
    return 2;
  }
  const token = (values.token as string | undefined) ?? env.SWITCHYARD_CHAOS_TOKEN;
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const exposed = exposureRefusal({
    command: 'switchyard simulate',
    host,
    missing: token ? [] : ['--token (or SWITCHYARD_CHAOS_TOKEN)'],
    insecure: values['insecure-no-auth'] === true,
  });
  if (exposed) {
    process.stderr.write(exposed);
    return 2;
  }
  const notifyUrl = (values['notify-url'] as string | undefined) ?? env.SWITCHYARD_NOTIFY_URL;

  const log = createLogger({ base: { svc: 'simulate' } });
  const scheduler = new RealScheduler();
  const orders =
    scenario.traffic && !values['no-traffic']
      ? new TrafficGenerator(scenario.traffic, seed).orders(scenario.durationMs, 0)
      : [];
  const decliners = new Set(orders.filter((o) => o.customerDeclines).map((o) => o.id));
  // a long-running server forgets orders after an hour, so memory stays bounded under load
  const sim = createSimulation({
    scheduler,
    seed,
    channels: scenario.channels,
    customerDeclines: (id) => decliners.has(id),
    retainMs: 3_600_000,
    ...(notifyUrl && { callbackSink: httpCallbackSink({ url: notifyUrl }) }),
  });
  const app = createSimulatorApp({
    sim: sim.sim,
    scheduler,
    chaos: {
      token,
      loopbackOnly: isLoopback(host),
      scenarios: { [scenario.name]: scenario.faults },
      log: (l) => log.info(String(l.msg), l),
    },
  });
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: serverOptions(),
  }) as Server;
  const bound = await listen(server, port, host);
  const address = (server.address() as AddressInfo).address;
  // What this process calls itself by (a bind to every interface is reached here on loopback).
  const url = boundUrl(
    address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address,
    bound,
  );
  log.info('simulators listening', {
    url: boundUrl(address, bound),
    scenario: scenario.name,
    channels: scenario.channels.map((c) => `${c.id}:${c.flavour}`),
    chaosToken: token ? 'required' : 'none',
    notifyUrl: notifyUrl ?? null,
  });
  if (scenario.faults.length > 0) {
    await app.request('/_chaos/scenario/start', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ name: scenario.name }),
    });
  }

  const closers = new CloseStack();
  closers.push(() => closeServer(server));
  if (orders.length > 0) {
    const routes = checkoutRoutes(scenario.channels);
    const client = values.monitor
      ? createClient({
          url: values.monitor as string,
          channels: routes,
          scheduler,
          rng: seededRandom(seed),
        })
      : undefined;
    if (client) closers.push(() => client.close());
    const checkout = createCheckout({
      strategy: client ? 'switchyard' : 'staticPriority',
      channels: new HttpChannels({ baseUrl: url, channels: scenario.channels, scheduler }),
      scheduler,
      routes,
      client,
      payTimeoutMs: scenario.traffic!.timeoutMs,
    });
    closers.push(() => checkout.close());
    const t0 = scheduler.clock.now();
    const timers = orders.map((o) =>
      scheduler.setTimeout(
        () => void checkout.pay({ ...o, createdAt: t0 + o.createdAt }),
        o.createdAt,
      ),
    );
    closers.push(() => {
      for (const t of timers) t.cancel();
    });
    const done = scheduler.setTimeout(
      () => log.info('traffic done', { ...checkout.stats(), latenciesMs: undefined }),
      scenario.durationMs + 10_000,
    );
    closers.push(() => done.cancel());
    log.info('traffic started', {
      orders: orders.length,
      strategy: client ? 'switchyard' : 'staticPriority',
      durationMs: scenario.durationMs,
    });
  }

  await waitForSignal();
  // best effort: whatever fails to close, the process is about to end
  await closers.close();
  log.info('simulators stopped', {});
  return 0;
}

function defaultScenario(): Scenario {
  return {
    name: 'default',
    description: 'the demo channels, no faults',
    seed: 42,
    durationMs: 0,
    probeIntervalMs: 5000,
    channels: DEMO_CHANNELS.map(({ id, flavour, pool, priority }) => ({
      id,
      flavour,
      pool,
      priority,
      ...DEFAULT_BASELINE,
    })),
    pools: DEMO_POOLS,
    engine: {},
    maintenance: [],
    faults: [],
    expect: [],
    graceMs: 15_000,
  };
}
