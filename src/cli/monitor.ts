import { systemClock } from '../core/clock.ts';
import { ConfigError } from '../config/ConfigError.ts';
import { demoConfigInput } from '../config/demoConfig.ts';
import { loadConfigFile, type MonitorConfig, resolveConfig } from '../config/loadConfig.ts';
import { createLogger } from '../server/Logger.ts';
import { startMonitor } from '../server/startMonitor.ts';
import { openStateStore } from '../store/openStateStore.ts';
import type { StateStore } from '../store/StateStore.ts';
import { StoreError } from '../store/StoreError.ts';
import { CloseStack } from './CloseStack.ts';
import { boundUrl, exposureRefusal, isLoopback } from './exposure.ts';
import { parseCli } from './parseCli.ts';
import { parsePort } from './parsePort.ts';
import { resolveState, STATE_USAGE } from './resolveState.ts';
import { UsageError } from './UsageError.ts';
import { waitForSignal } from './waitForSignal.ts';

export const MONITOR_USAGE = `usage: switchyard monitor [--config FILE] [--port N] [--host ADDR] [--insecure-no-auth]
                          [--state-dir DIR | --state memory]

  --config FILE   YAML or JSON config (JSON Schema: switchyard/schemas/config.schema.json);
                  without it the built-in demo config (pools qr and card) is used
  --port N        listen port (env SWITCHYARD_PORT; config "port"; default 8080)
  --host ADDR     bind address (env SWITCHYARD_HOST; config "host"; default 127.0.0.1);
                  an address other than loopback needs tokens.admin and tokens.ingest in the config
  --insecure-no-auth
                  listen on a network address without those tokens: anyone who can reach the
                  monitor can then ingest events and take channels down
${STATE_USAGE}`;

/** Flags beat environment, environment beats the file. Returns an error message for a bad value. */
export function resolveListen(
  config: MonitorConfig,
  flags: { port?: string; host?: string },
  env: NodeJS.ProcessEnv,
): { port: number; host: string } | string {
  let port: number;
  try {
    port = parsePort(flags.port ?? env.SWITCHYARD_PORT, config.port);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  const host = flags.host ?? env.SWITCHYARD_HOST ?? config.host;
  if (host === '') return 'bad host "": give an address such as 127.0.0.1';
  return { port, host };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseCli(
    argv,
    {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'insecure-no-auth': { type: 'boolean' },
      state: { type: 'string' },
      'state-dir': { type: 'string' },
    },
    MONITOR_USAGE,
  );
  if (typeof args === 'number') return args;
  const values = args.values as {
    config?: string;
    port?: string;
    host?: string;
    'insecure-no-auth'?: boolean;
    state?: string;
    'state-dir'?: string;
  };
  let config: MonitorConfig;
  try {
    config = values.config
      ? loadConfigFile(values.config)
      : resolveConfig(demoConfigInput(), 'built-in demo config');
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`switchyard monitor: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const listen = resolveListen(config, values, env);
  if (typeof listen === 'string') {
    process.stderr.write(`${listen}\n\n${MONITOR_USAGE}`);
    return 2;
  }
  const exposed = exposureRefusal({
    command: 'switchyard monitor',
    host: listen.host,
    missing: (['admin', 'ingest'] as const)
      .filter((t) => !config.tokens[t])
      .map((t) => `tokens.${t}`),
    insecure: values['insecure-no-auth'] === true,
  });
  if (exposed) {
    process.stderr.write(exposed);
    return 2;
  }
  const stateChoice = resolveState(config, values, env);
  if (typeof stateChoice === 'string') {
    process.stderr.write(`${stateChoice}\n\n${MONITOR_USAGE}`);
    return 2;
  }
  const log = createLogger({ base: { svc: 'monitor' } });
  let store: StateStore;
  try {
    store = openStateStore(stateChoice, {
      retain: config.engine.decisionLog,
      clock: systemClock,
      log,
    });
  } catch (e) {
    if (!(e instanceof StoreError)) throw e;
    process.stderr.write(`switchyard monitor: ${e.message}\n`);
    return 2;
  }
  let monitor: Awaited<ReturnType<typeof startMonitor>>;
  try {
    monitor = await startMonitor({ config, ...listen, log, store });
  } catch (e) {
    store.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(
        `switchyard monitor: cannot listen on ${listen.host}:${listen.port} (${code}); pick another --port or --host\n`,
      );
      return 1;
    }
    throw e;
  }
  const bound = boundUrl(monitor.address, monitor.port);
  log.info('monitor listening', {
    url: bound,
    local: monitor.url,
    open: !config.tokens.admin || !config.tokens.ingest,
    channels: config.engine.channels.length,
    probes: config.probes.length,
    config: values.config ?? 'built-in demo',
    state: stateChoice.kind === 'disk' ? stateChoice.dir : 'memory',
  });
  process.stderr.write(
    isLoopback(monitor.address)
      ? `switchyard monitor on ${bound} (dashboard ${bound}/, metrics ${bound}/metrics)\n`
      : `switchyard monitor on ${bound}, reachable from the network (here: dashboard ${monitor.url}/, metrics ${monitor.url}/metrics)\n`,
  );
  const closers = new CloseStack();
  closers.push(() => monitor.close());
  const signal = await waitForSignal();
  log.info('shutting down', { signal });
  const failures = await closers.close();
  if (failures.length > 0) {
    log.error('shutdown failed', { error: String(failures[0]) });
    return 1;
  }
  return 0;
}
