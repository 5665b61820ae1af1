import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  /** Where lines go; default process.stdout. */
  stream?: LogSink;
  /** Source of the `time` field (epoch ms); default the system clock. */
  clock?: Clock;
  /** Lines below this level are dropped; default `info`. */
  level?: LogLevel;
  /** Fields on every line, e.g. `{ service: 'monitor' }`. */
  base?: Record<string, unknown>;
}

/** Structured logs: one JSON object per line, `{ time, level, msg, ...fields }`. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger({
  stream = process.stdout,
  clock = systemClock,
  level = 'info',
  base = {},
}: LoggerOptions = {}): Logger {
  const min = RANK[level];
  const line = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return;
    let text: string;
    try {
      text = JSON.stringify({ time: clock.now(), level: lvl, msg, ...base, ...fields });
    } catch {
      // A field that cannot be serialised (a cycle, a BigInt) must not take the request down with it.
      text = JSON.stringify({ time: clock.now(), level: lvl, msg, ...base, unserialisable: true });
    }
    stream.write(text + '\n');
  };
  return {
    debug: (m, f) => line('debug', m, f),
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}

/** Drops everything: for benches and tests that do not look at logs. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
