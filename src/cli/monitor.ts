import { ConfigError } from '../config/ConfigError.ts';
import { demoConfigInput } from '../config/demoConfig.ts';
import { loadConfigFile, type MonitorConfig, resolveConfig } from '../config/loadConfig.ts';
import { createLogger } from '../server/Logger.ts';
import { startMonitor } from '../server/startMonitor.ts';
import { CloseStack } from './CloseStack.ts';
import { parseCli } from './parseCli.ts';
import { parsePort } from './parsePort.ts';
import { UsageError } from './UsageError.ts';
import { waitForSignal } from './waitForSignal.ts';

export const MONITOR_USAGE = `usage: switchyard monitor [--config FILE] [--port N] [--host ADDR]

  --config FILE   YAML or JSON config (JSON Schema: switchyard/schemas/config.schema.json);
                  without it the built-in demo config (pools qr and card) is used
  --port N        listen port (env SWITCHYARD_PORT; config "port"; default 8080)
  --host ADDR     bind address (env SWITCHYARD_HOST; config "host"; default 127.0.0.1)
`;

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
    },
    MONITOR_USAGE,
  );
  if (typeof args === 'number') return args;
  const values = args.values as { config?: string; port?: string; host?: string };
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
  const log = createLogger({ base: { svc: 'monitor' } });
  let monitor: Awaited<ReturnType<typeof startMonitor>>;
  try {
    monitor = await startMonitor({ config, ...listen, log });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(
        `switchyard monitor: cannot listen on ${listen.host}:${listen.port} (${code}); pick another --port or --host\n`,
      );
      return 1;
    }
    throw e;
  }
  log.info('monitor listening', {
    url: monitor.url,
    channels: config.engine.channels.length,
    probes: config.probes.length,
    config: values.config ?? 'built-in demo',
  });
  process.stderr.write(
    `switchyard monitor on ${monitor.url} (dashboard ${monitor.url}/, metrics ${monitor.url}/metrics)\n`,
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
