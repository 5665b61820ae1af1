import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Clock, systemClock } from '../core/clock.ts';
import type { Engine } from '../core/Engine.ts';
import type { Scheduler } from '../core/scheduler.ts';
import type { MonitorConfig } from '../config/loadConfig.ts';
import { Prober } from '../probe/Prober.ts';
import { probeOutcome } from '../probe/probeOutcome.ts';

export { probeOutcome } from '../probe/probeOutcome.ts';
import { engineOnStore } from '../store/engineOnStore.ts';
import { MemoryStateStore } from '../store/MemoryStateStore.ts';
import type { StateStore } from '../store/StateStore.ts';
import { registerStoreMetrics } from '../store/storeMetrics.ts';
import { RealScheduler } from '../time/RealScheduler.ts';
import { createApp } from './createApp.ts';
import { DecisionStream } from './DecisionStream.ts';
import { closeServer, listen, serverOptions } from './listen.ts';
import { createLogger, type Logger } from './Logger.ts';
import { isLoopback } from './loopback.ts';
import { Metrics } from './Metrics.ts';
import { writeGuard } from './writeGuard.ts';

export interface StartMonitorOptions {
  config: MonitorConfig;
  /** Overrides config.port (0: any free port). */
  port?: number;
  /** Overrides config.host. */
  host?: string;
  /** Default: the system clock (or the scheduler's, when one is given). */
  clock?: Clock;
  /** Runs the engine tick, probes and stream timers. Default a RealScheduler on `clock`. */
  scheduler?: Scheduler;
  /** Default: JSON lines on stdout. */
  log?: Logger;
  /** Used by probes and the faults relay; default globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
  /** Fixes the epoch of the default in-memory store (tests). */
  epoch?: string;
  /**
   * Where decisions and state are kept (the CLI opens a DiskStateStore); the monitor restores
   * from it, flushes it every config.state.flushMs and closes it. Default: in memory.
   */
  store?: StateStore;
  /** Include prom-client's process metrics; default true. */
  processMetrics?: boolean;
}

/** A running monitor. */
export interface RunningMonitor {
  /** Where this machine reaches it (127.0.0.1 for a bind to every interface). */
  url: string;
  port: number;
  host: string;
  /** The address actually bound, as the OS reports it (`0.0.0.0`, `::`, `127.0.0.1`…). */
  address: string;
  engine: Engine;
  metrics: Metrics;
  stream: DecisionStream;
  app: Hono;
  server: Server;
  /** Stops probes and ticks, closes stream clients and the listener. Idempotent. */
  close(): Promise<void>;
}

/** Listens: hono on @hono/node-server, the stream on the same server, engine ticks and probes on the scheduler. */
export async function startMonitor(options: StartMonitorOptions): Promise<RunningMonitor> {
  const { config } = options;
  const scheduler = options.scheduler ?? new RealScheduler(options.clock ?? systemClock);
  const clock = options.clock ?? scheduler.clock;
  const log = options.log ?? createLogger({ clock });
  const retain = config.engine.decisionLog;
  const store = options.store ?? new MemoryStateStore({ retain, epoch: options.epoch });
  const { engine, report } = engineOnStore(config.engine, { clock, store });
  const r = store.recovery;
  if (report || r.newEpoch !== 'empty')
    log.info('state restored', {
      epoch: engine.epoch,
      seq: engine.seq,
      newEpoch: r.newEpoch,
      records: r.records,
      skippedRecords: r.skippedRecords,
      ...(report?.unknownChannels.length && { unknownChannels: report.unknownChannels }),
    });
  // Config windows already booked before the restart are not booked twice.
  const booked = engine.maintenance();
  for (const w of config.maintenance.windows)
    if (!booked.some((m) => m.channel === w.channel && m.from === w.from && m.to === w.to))
      engine.addMaintenance(w);

  const host = options.host ?? config.host;
  // Bound to loopback, the own origin is a loopback name: a DNS-rebinding page is refused.
  const loopbackOnly = isLoopback(host);
  let stream: DecisionStream | undefined;
  const metrics = new Metrics({
    source: engine,
    processMetrics: options.processMetrics ?? true,
    wsClients: () => stream?.clientCount ?? 0,
  });
  registerStoreMetrics(metrics.registry, store);
  engine.onDecision((d) => {
    metrics.decision(d);
    log.info('decision', {
      seq: d.seq,
      channel: d.channel,
      pool: d.pool,
      from: d.from,
      to: d.to,
      reason: d.reason,
      evidence: d.evidence,
      weights: d.weights,
      ...(d.panic && { panic: true }),
    });
  });
  // Time that passed while the monitor was not running: ejections ended, overrides lapsed.
  engine.tick();
  stream = new DecisionStream({
    source: engine,
    scheduler,
    log,
    statsIntervalMs: config.stream.statsIntervalMs,
    pingIntervalMs: config.stream.pingIntervalMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
    maxQueue: config.stream.maxQueue,
    maxClients: config.stream.maxClients,
    maxClientsPerAddress: config.stream.maxClientsPerAddress,
    originAllowed: writeGuard({ allowedOrigins: config.allowedOrigins, loopbackOnly })
      .originAllowed,
  });
  const app = createApp({
    engine,
    metrics,
    log,
    clock,
    tokens: config.tokens,
    allowedOrigins: config.allowedOrigins,
    loopbackOnly,
    maxBodyBytes: config.ingest.maxBodyBytes,
    simulatorUrl: config.simulatorUrl,
    simulatorToken: config.simulatorToken,
    fetch: options.fetch,
    maintenanceLeadMs: config.maintenance.leadMs,
  });

  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: serverOptions(config.http),
  }) as Server;
  server.on('upgrade', (req, socket, head) => {
    if (!stream!.handleUpgrade(req, socket, head))
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    // A request that did not arrive whole in time (headersTimeout, requestTimeout) is a 408.
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? config.port, host);
  } catch (e) {
    await stream.close();
    store.close();
    throw e;
  }

  const tick = scheduler.setInterval(() => engine.tick(), config.tickMs);
  const flush = scheduler.setInterval(() => store.flush(), config.state.flushMs);
  const prober = new Prober({
    targets: config.probes,
    scheduler,
    fetch: options.fetch,
    onResult: (r) => {
      metrics.probeResult(r.channel, r.outcome);
      if (r.outcome !== 'success')
        log.debug('probe failed', {
          channel: r.channel,
          outcome: r.outcome,
          detail: r.detail,
          latencyMs: r.latencyMs,
        });
      engine.recordOutcome(probeOutcome(engine, r));
    },
  });
  prober.start();

  let closing: Promise<void> | undefined;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`,
    port,
    host,
    address: (server.address() as AddressInfo).address,
    engine,
    metrics,
    stream,
    app,
    server,
    close() {
      closing ??= (async () => {
        prober.stop();
        tick.cancel();
        flush.cancel();
        await stream!.close();
        await closeServer(server);
        store.close();
      })();
      return closing;
    },
  };
}
