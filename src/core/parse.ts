import type { Engine } from './Engine.ts';
import { OUTCOME_CLASSES, type Outcome, type OutcomeClass } from './outcome.ts';
import { type OutcomeEvent, toOutcome } from './toOutcome.ts';

export interface ValidationIssue {
  index: number;
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; events: Outcome[] }
  | { ok: false; error: string; details: ValidationIssue[] };

export interface ParseContext {
  /** Receipt time: the default `at`. */
  now: number;
  engine: Pick<Engine, 'hasChannel' | 'classifier'>;
  /** Events further than this into the future are refused (clock skew beyond it is a bug upstream). */
  maxFutureMs?: number;
  /** Stop collecting issues past this many (a 10,000-event garbage batch gets a readable answer). */
  maxIssues?: number;
  /** Longest latency taken; default {@link MAX_LATENCY_MS}. A longer one is a unit mistake, and would sit in the sums for good. */
  maxLatencyMs?: number;
  /** Whether events may say `source: "probe"`; default true. Ingest allows it only to a prober's token. */
  probe?: boolean;
}

/** An hour: no payment call waits longer, so a larger latency is a unit mistake (µs, ns) or a lie. */
export const MAX_LATENCY_MS = 3_600_000;

const OUTCOMES = new Set<string>(OUTCOME_CLASSES);
const MAX_TEXT = 128;
const OPTIONAL_TEXT = ['method', 'store', 'terminal', 'orderId'] as const;

/**
 * Validate one outcome event or an array of them (CONTRACT.md "Outcome event"). All or nothing:
 * any invalid event refuses the whole input, with every issue named by index and field.
 * Hand-written rather than schema-driven: it sits on the ingest hot path.
 */
export function parseOutcomes(input: unknown, ctx: ParseContext): ParseResult {
  const items = Array.isArray(input) ? input : [input];
  const details: ValidationIssue[] = [];
  const maxIssues = ctx.maxIssues ?? 50;
  const events: Outcome[] = new Array(items.length);
  for (let i = 0; i < items.length && details.length < maxIssues; i++) {
    const e = parseOne(items[i], i, ctx, details);
    if (e) events[i] = e;
  }
  if (details.length > 0) {
    if (details.length > maxIssues) details.length = maxIssues;
    const n = details.length;
    return {
      ok: false,
      error: `${n}${n >= maxIssues ? '+' : ''} invalid field${n === 1 ? '' : 's'}; nothing was recorded`,
      details,
    };
  }
  return { ok: true, events };
}

/**
 * The common case first: one pass of checks over a well-formed event, building a single object
 * shape (absent fields as undefined) so that the engine's record path stays monomorphic. Anything
 * it does not accept goes through {@link describeIssues}, which names every problem; the two
 * accept exactly the same events (parse.test.ts checks them against each other).
 */
function parseOne(
  raw: unknown,
  index: number,
  ctx: ParseContext,
  out: ValidationIssue[],
): Outcome | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return describeIssues(raw, index, ctx, out);
  const r = raw as Record<string, unknown>;
  const { channel, latencyMs, code, outcome, amount, source, method, store, terminal, orderId } = r;
  let at = ctx.now;
  const ok =
    typeof channel === 'string' &&
    ctx.engine.hasChannel(channel) &&
    typeof latencyMs === 'number' &&
    latencyMs >= 0 &&
    latencyMs <= (ctx.maxLatencyMs ?? MAX_LATENCY_MS) &&
    (code === undefined || (typeof code === 'string' && code !== '' && code.length <= 64)) &&
    (outcome === undefined
      ? code !== undefined
      : typeof outcome === 'string' && OUTCOMES.has(outcome)) &&
    (amount === undefined ||
      (typeof amount === 'number' && Number.isInteger(amount) && amount >= 0)) &&
    (source === undefined || source === 'live' || (source === 'probe' && ctx.probe !== false)) &&
    (method === undefined || (typeof method === 'string' && method.length <= MAX_TEXT)) &&
    (store === undefined || (typeof store === 'string' && store.length <= MAX_TEXT)) &&
    (terminal === undefined || (typeof terminal === 'string' && terminal.length <= MAX_TEXT)) &&
    (orderId === undefined || (typeof orderId === 'string' && orderId.length <= MAX_TEXT)) &&
    (r.at === undefined ||
      ((at = typeof r.at === 'number' ? r.at : typeof r.at === 'string' ? Date.parse(r.at) : NaN) >
        0 &&
        at < Infinity &&
        at <= ctx.now + (ctx.maxFutureMs ?? 300_000)));
  if (!ok) return describeIssues(raw, index, ctx, out);
  return toOutcome(r as unknown as OutcomeEvent, at, ctx.engine.classifier(channel));
}

/** The slow path: every issue of an event, by field (exported for the test that holds both paths to one verdict). */
export function describeIssues(
  raw: unknown,
  index: number,
  ctx: ParseContext,
  out: ValidationIssue[],
): Outcome | null {
  const bad = (path: string, message: string) => {
    out.push({ index, path, message });
    return null;
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return bad(
      '',
      'an event must be a JSON object such as {"channel":"wechat","outcome":"success","latencyMs":120}',
    );
  const r = raw as Record<string, unknown>;
  const before = out.length;

  const channel = r.channel;
  if (typeof channel !== 'string' || channel === '')
    bad('channel', 'required: the id of a configured channel');
  else if (!ctx.engine.hasChannel(channel))
    bad(
      'channel',
      `unknown channel ${JSON.stringify(channel.slice(0, MAX_TEXT))}: use a channel id from the monitor's config (GET /v1/channels)`,
    );

  const latencyMs = r.latencyMs;
  const maxLatencyMs = ctx.maxLatencyMs ?? MAX_LATENCY_MS;
  if (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0)
    bad('latencyMs', 'required: a number of milliseconds ≥ 0');
  else if (latencyMs > maxLatencyMs)
    bad(
      'latencyMs',
      `${latencyMs} ms is over the ${maxLatencyMs} ms any call takes: send milliseconds (not µs or ns)`,
    );

  const code = r.code;
  if (code !== undefined && (typeof code !== 'string' || code === '' || code.length > 64))
    bad(
      'code',
      "must be the channel's raw result code, a non-empty string of at most 64 characters",
    );

  const outcome = r.outcome as OutcomeClass | undefined;
  if (outcome !== undefined && (typeof outcome !== 'string' || !OUTCOMES.has(outcome)))
    bad(
      'outcome',
      `must be one of ${OUTCOME_CLASSES.join(', ')} (or leave it out and give the channel's raw code)`,
    );
  else if (outcome === undefined && code === undefined)
    bad('outcome', 'required unless `code` is given: one of ' + OUTCOME_CLASSES.join(', '));

  let at = ctx.now;
  if (r.at !== undefined) {
    const t = typeof r.at === 'number' ? r.at : typeof r.at === 'string' ? Date.parse(r.at) : NaN;
    if (!Number.isFinite(t) || t <= 0)
      bad('at', 'must be epoch milliseconds or an ISO-8601 time such as 2026-11-22T08:37:00+08:00');
    else if (t > ctx.now + (ctx.maxFutureMs ?? 300_000))
      bad(
        'at',
        `is ${Math.round((t - ctx.now) / 1000)} s in the future: check the sender's clock (or send epoch milliseconds, not seconds or microseconds)`,
      );
    else at = t;
  }

  const amount = r.amount;
  if (
    amount !== undefined &&
    (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0)
  )
    bad('amount', 'must be an integer ≥ 0 in minor units (fen)');

  const source = r.source;
  if (source !== undefined && source !== 'live' && source !== 'probe')
    bad('source', 'must be "live" or "probe"');
  else if (source === 'probe' && ctx.probe === false)
    bad(
      'source',
      '"probe" is kept for the monitor\'s own prober: send "live" or leave it out (a prober of your own needs the probe token, tokens.probe, as its bearer token)',
    );

  for (const k of OPTIONAL_TEXT) {
    const v = r[k];
    if (v !== undefined && (typeof v !== 'string' || v.length > MAX_TEXT))
      bad(k, `must be a string of at most ${MAX_TEXT} characters`);
  }
  if (out.length > before) return null;

  return toOutcome(r as unknown as OutcomeEvent, at, ctx.engine.classifier(channel as string));
}
