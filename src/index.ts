/**
 * switchyard as a library: the detection core, the config loader and the monitor's parts, for
 * embedding a monitor in another process or building on the engine. Gateways that only follow the
 * stream and report outcomes want `switchyard/client` instead.
 */
export * from './core/index.ts';
export { ConfigError, type ConfigIssue, type ConfigErrorCode } from './config/ConfigError.ts';
export {
  loadConfigFile,
  parseConfigText,
  resolveConfig,
  type MonitorConfig,
  type PlannedWindow,
  type ProbeTarget as ConfigProbeTarget,
} from './config/loadConfig.ts';
export { demoConfigInput } from './config/demoConfig.ts';
export { configSchema, type ConfigInput } from './config/schema.ts';
export { parseZonedTime, TimeParseError } from './config/zonedTime.ts';
export { createApp, type AppOptions } from './server/createApp.ts';
export {
  startMonitor,
  type StartMonitorOptions,
  type RunningMonitor,
} from './server/startMonitor.ts';
export {
  DecisionStream,
  type DecisionStreamOptions,
  type StreamSource,
} from './server/DecisionStream.ts';
export { Metrics, type MetricsOptions, type MetricsSource } from './server/Metrics.ts';
export { createLogger, silentLogger, type Logger, type LoggerOptions } from './server/Logger.ts';
export { HttpError, type HttpErrorCode } from './server/HttpError.ts';
export { Prober, type ProberOptions, type ProbeTarget, type ProbeResult } from './probe/Prober.ts';
export { RealScheduler } from './time/RealScheduler.ts';
export { VirtualScheduler } from './time/VirtualScheduler.ts';
