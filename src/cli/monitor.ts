import { ConfigError } from '../config/ConfigError.ts';
import { demoConfigInput } from '../config/demoConfig.ts';
import { loadConfigFile, type MonitorConfig, resolveConfig } from '../config/loadConfig.ts';
import { createLogger } from '../server/Logger.ts';
import { startMonitor } from '../server/startMonitor.ts';
import { parseCli } from './parseCli.ts';

export const MONITOR_USAGE = `usage: switchyard monitor [--config FILE] [--port N] [--host ADDR]

  --config FILE   YAML or JSON config (schema: src/config/config.schema.json);
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
  const rawPort = flags.port ?? env.SWITCHYARD_PORT;
  let port = config.port;
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port > 65535)
      return `bad port ${JSON.stringify(rawPort)}: give an integer 0-65535`;
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
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      monitor.close().then(
        () => resolve(0),
        (err) => {
          log.error('shutdown failed', { error: String(err) });
          resolve(1);
        },
      );
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}
