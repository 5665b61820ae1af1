import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { type EngineOptions, DEFAULT_SPLIT, engineOptions } from '../core/options.ts';
import type { HttpLimits } from '../server/listen.ts';
import { ConfigError, type ConfigIssue } from './ConfigError.ts';
import { engineIssues, engineRefusal } from './engineRules.ts';
import { toIssue } from './zodIssues.ts';
import { type ParsedConfig, type ProbeConfig, configSchema } from './schema.ts';
import { isTimeZone, parseZonedTime, TimeParseError } from './zonedTime.ts';

/** A channel's probe, resolved. */
export interface ProbeTarget extends ProbeConfig {
  channel: string;
}

/** A maintenance window from the config, converted to instants. */
export interface PlannedWindow {
  channel: string;
  from: number;
  to: number;
  leadMs: number;
  reason: string;
}

/** Everything the monitor needs, validated and with defaults filled in. */
export interface MonitorConfig {
  host: string;
  port: number;
  tokens: { admin?: string; ingest?: string; probe?: string };
  allowedOrigins: string[];
  simulatorUrl?: string;
  simulatorToken?: string;
  ingest: { maxBodyBytes: number };
  stream: {
    statsIntervalMs: number;
    pingIntervalMs: number;
    maxBufferedBytes: number;
    maxQueue: number;
    maxClients: number;
    maxClientsPerAddress: number;
  };
  http: HttpLimits;
  tickMs: number;
  /** Where the state is kept (the CLI's --state-dir and --state memory decide over dir). */
  state: { dir: string; flushMs: number; compactBytes: number };
  engine: EngineOptions;
  probes: ProbeTarget[];
  maintenance: { leadMs: number; windows: PlannedWindow[] };
}

/** Reads a YAML or JSON file (JSON is YAML, so one parser serves both) and validates it. */
export function loadConfigFile(file: string): MonitorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError('config_not_found', file, [
      {
        path: '',
        message: `cannot read the file (${code ?? 'error'})`,
        fix: 'check the --config path; run without --config for the built-in demo config',
      },
    ]);
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, source = 'config'): MonitorConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      'config_syntax',
      source,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: e.message.split('\n')[0],
        fix: 'correct the YAML/JSON syntax at that spot',
      })),
    );
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    // yaml throws a ReferenceError past the alias bound: a "billion laughs" file, not a config.
    throw new ConfigError('config_syntax', source, [
      {
        path: '',
        message: `YAML aliases expand past ${MAX_YAML_ALIASES} (${(e as Error).message})`,
        fix: 'write the values out instead of repeating them through *aliases',
      },
    ]);
  }
  return resolveConfig(input, source);
}

/** More alias expansions than a config ever needs: the bound that stops an alias bomb. */
export const MAX_YAML_ALIASES = 50;

/** Validates a config object (already parsed) and resolves it for the monitor. */
export function resolveConfig(input: unknown, source = 'config'): MonitorConfig {
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success)
    throw new ConfigError('config_invalid', source, parsed.error.issues.map(toIssue));
  const cfg = parsed.data;
  const issues: ConfigIssue[] = [];
  const engine = toEngineOptions(cfg, issues);
  const windows = toWindows(cfg, issues);
  const probes: ProbeTarget[] = [];
  cfg.channels.forEach((c, i) => {
    if (!c.probe) return;
    if (c.probe.timeoutMs >= c.probe.intervalMs) {
      issues.push({
        path: `channels[${i}].probe.timeoutMs`,
        message: `timeout ${c.probe.timeoutMs} ms is not below the interval ${c.probe.intervalMs} ms`,
        fix: 'make timeoutMs smaller than intervalMs so that probes never overlap',
      });
    }
    probes.push({ channel: c.id, ...c.probe });
  });
  issues.push(...engineIssues(cfg, engine), ...tokenIssues(cfg.tokens));
  if (cfg.http.requestTimeoutMs < cfg.http.headersTimeoutMs)
    issues.push({
      path: 'http.requestTimeoutMs',
      message: `${cfg.http.requestTimeoutMs} ms is shorter than http.headersTimeoutMs (${cfg.http.headersTimeoutMs} ms)`,
      fix: 'make requestTimeoutMs at least headersTimeoutMs: the whole request includes its headers',
    });
  if (issues.length === 0) issues.push(...engineRefusal(engine));
  if (issues.length) throw new ConfigError('config_invalid', source, issues);
  return {
    host: cfg.host,
    port: cfg.port,
    tokens: cfg.tokens,
    allowedOrigins: cfg.allowedOrigins,
    simulatorUrl: cfg.simulatorUrl?.replace(/\/+$/, ''),
    simulatorToken: cfg.simulatorToken,
    ingest: cfg.ingest,
    stream: cfg.stream,
    http: cfg.http,
    tickMs: cfg.tickMs,
    state: cfg.state,
    engine,
    probes,
    maintenance: { leadMs: cfg.maintenance.leadMs, windows },
  };
}

/** A token used for two roles gives the weaker holder the stronger's powers. */
function tokenIssues(tokens: ParsedConfig['tokens']): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (tokens.probe !== undefined && [tokens.ingest, tokens.admin].includes(tokens.probe))
    issues.push({
      path: 'tokens.probe',
      message: 'is the same as another token',
      fix: 'give the prober a token of its own: every ingest client holding it could mark events as probes',
    });
  return issues;
}

function toEngineOptions(cfg: ParsedConfig, issues: ConfigIssue[]): EngineOptions {
  const seen = new Map<string, number>();
  cfg.channels.forEach((c, i) => {
    const prev = seen.get(c.id);
    if (prev !== undefined)
      issues.push({
        path: `channels[${i}].id`,
        message: `"${c.id}" is already the id of channels[${prev}]`,
        fix: 'give every channel its own id',
      });
    else seen.set(c.id, i);
    if (c.minAmount !== undefined && c.maxAmount !== undefined && c.minAmount > c.maxAmount) {
      issues.push({
        path: `channels[${i}].minAmount`,
        message: `minAmount ${c.minAmount} is above maxAmount ${c.maxAmount}`,
        fix: 'swap them or widen the range',
      });
    }
  });
  const listed = cfg.pools ?? [];
  const poolIds = new Map<string, number>();
  listed.forEach((p, i) => {
    if (poolIds.has(p.id))
      issues.push({
        path: `pools[${i}].id`,
        message: `pool "${p.id}" is listed twice`,
        fix: 'merge the two entries',
      });
    poolIds.set(p.id, i);
    if (p.split) {
      const sum = p.split.reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-6)
        issues.push({
          path: `pools[${i}].split`,
          message: `shares sum to ${sum}`,
          fix: 'make the shares sum to 1, e.g. [0.7, 0.2, 0.1]',
        });
    }
  });
  if (cfg.pools) {
    cfg.channels.forEach((c, i) => {
      if (!poolIds.has(c.pool))
        issues.push({
          path: `channels[${i}].pool`,
          message: `pool "${c.pool}" is not among pools (${[...poolIds.keys()].join(', ')})`,
          fix: `add { id: ${c.pool} } under pools, or use one of the listed pools`,
        });
    });
  }
  const pools = listed.map((p) => ({
    id: p.id,
    split: p.split ?? DEFAULT_SPLIT,
    ...(p.detectors && { detectors: p.detectors }),
  }));
  for (const c of cfg.channels)
    if (!pools.some((p) => p.id === c.pool)) pools.push({ id: c.pool, split: DEFAULT_SPLIT });
  const rank = new Map<string, number>();
  const channels = cfg.channels.map((c) => {
    const r = (rank.get(c.pool) ?? 0) + 1;
    rank.set(c.pool, r);
    return {
      id: c.id,
      flavour: c.flavour,
      pool: c.pool,
      priority: c.priority ?? r,
      ...(c.minAmount !== undefined && { minAmount: c.minAmount }),
      ...(c.maxAmount !== undefined && { maxAmount: c.maxAmount }),
      ...(c.codes && { codes: c.codes }),
      ...(c.detectors && { detectors: c.detectors }),
    };
  });
  return engineOptions({
    channels,
    pools,
    ...(cfg.detectors && { detectors: cfg.detectors }),
    ...(cfg.states && { states: cfg.states }),
    ...(cfg.bucketMs !== undefined && { bucketMs: cfg.bucketMs }),
    ...(cfg.decisionLog !== undefined && { decisionLog: cfg.decisionLog }),
  });
}

function toWindows(cfg: ParsedConfig, issues: ConfigIssue[]): PlannedWindow[] {
  const ids = new Set(cfg.channels.map((c) => c.id));
  const out: PlannedWindow[] = [];
  cfg.maintenance.windows.forEach((w, i) => {
    const at = `maintenance.windows[${i}]`;
    if (!ids.has(w.channel))
      issues.push({
        path: `${at}.channel`,
        message: `no channel "${w.channel}"`,
        fix: `use one of: ${[...ids].join(', ')}`,
      });
    if (w.timeZone !== undefined && !isTimeZone(w.timeZone)) {
      issues.push({
        path: `${at}.timeZone`,
        message: `unknown time zone "${w.timeZone}"`,
        fix: 'use an IANA name such as "Asia/Shanghai" or "UTC"',
      });
      return;
    }
    const from = time(w.start, w.timeZone, `${at}.start`, issues);
    const to = time(w.end, w.timeZone, `${at}.end`, issues);
    if (from === undefined || to === undefined) return;
    if (to <= from) {
      issues.push({
        path: `${at}.end`,
        message: 'the window ends before it starts',
        fix: 'set end after start',
      });
      return;
    }
    out.push({
      channel: w.channel,
      from,
      to,
      leadMs: w.leadMs ?? cfg.maintenance.leadMs,
      reason: w.reason ?? 'planned maintenance',
    });
  });
  return out;
}

function time(
  v: string | number,
  tz: string | undefined,
  path: string,
  issues: ConfigIssue[],
): number | undefined {
  try {
    return parseZonedTime(v, tz);
  } catch (e) {
    if (!(e instanceof TimeParseError)) throw e;
    issues.push({
      path,
      message: e.message,
      fix: 'write "2026-11-23 02:00" with timeZone: Asia/Shanghai, or an ISO time with offset such as 2026-11-23T02:00:00+08:00',
    });
    return undefined;
  }
}
