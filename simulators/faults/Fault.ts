/** What a fault does to the requests it hits. */
export const FAULT_KINDS = [
  'maintenance', // the channel's maintenance code (503 SERVICE_UNAVAILABLE, 20000, 02…)
  'timeout', // hang past the caller's timeout; no money moves
  'latency', // extra latency on top of the baseline
  'error', // error burst with the channel's system-error codes
  'risk', // risk-control rejection storm on good customers
  'decline', // business declines
  'rate_limit', // 429 FREQUENCY_LIMITED / 40005 / 37
  'flapping', // on/off periods of an inner effect (error, timeout or maintenance)
  'charged_timeout', // money taken, answer lost
  'userpaying', // pending (USERPAYING): only a later query resolves it
  'callback_lost',
  'callback_delayed',
  'callback_duplicate',
  'callback_reorder',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that a health monitor should see in the channel's technical or risk figures. */
export const HEALTH_FAULTS: ReadonlySet<FaultKind> = new Set([
  'maintenance',
  'timeout',
  'latency',
  'error',
  'risk',
  'rate_limit',
  'flapping',
  'charged_timeout',
]);

/** The calls a fault can be narrowed to: what a gateway sends a channel (probes are not among them). */
export const FAULT_OPERATIONS = ['pay', 'query', 'close', 'refund'] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** What a request carries that a scope can match. */
export interface RequestScope {
  store?: string;
  terminal?: string;
  method?: string;
}

/**
 * Narrows a fault to some requests. By store or terminal it is local (one store's devices), not a
 * channel fault; by method alone it is channel-wide for that method. By operation it hits only
 * those calls; without one it acts as it always did: on pay in full, on query, close and refund
 * through outages only (hangs), and on probes when it has no scope at all.
 */
export interface FaultScope extends RequestScope {
  operation?: readonly FaultOperation[];
}

/** A point of a fault's probability over time: `atMs` after its onset. */
export interface ProbabilityPoint {
  atMs: number;
  p: number;
}

export type FlapEffect = 'error' | 'timeout' | 'maintenance';

export interface Fault {
  id: string;
  channel: string;
  kind: FaultKind;
  /** Epoch ms (scheduler clock), inclusive. */
  from: number;
  /** Epoch ms, exclusive: every fault has an end (its TTL). */
  to: number;
  /** Share of matching requests hit, at full strength. */
  probability: number;
  /** The probability ramps linearly from 0 to full over this long after `from`. */
  rampMs: number;
  /**
   * The probability over time instead, as points from `from` joined by straight lines (two at one
   * time: a step), flat before the first and after the last; `probability` is then its peak.
   */
  schedule?: readonly ProbabilityPoint[];
  scope?: FaultScope;
  /** Raw code to answer with, instead of the flavour's usual one for this kind. */
  code?: string;
  /** `latency`: extra ms (at onset, when it ramps); `callback_delayed`: delay ms; `timeout`: how long the hang lasts. */
  latencyMs?: number;
  /** `latency`: the extra ms at the end; the extra ramps linearly from `latencyMs` to this over the fault. */
  latencyToMs?: number;
  /** `flapping`: on and off periods, and what the on phase does. */
  onMs?: number;
  offMs?: number;
  effect?: FlapEffect;
  /** Who put it there: the scenario timeline or the control API. */
  source: 'scenario' | 'api';
  note?: string;
}

/** Kinds that act on query, close and refund (they hang them or slow them); every kind acts on pay. */
export const NON_PAY_KINDS: ReadonlySet<FaultKind> = new Set([
  'timeout',
  'maintenance',
  'charged_timeout',
  'latency',
  'flapping',
]);

/** Why a fault of this kind cannot be scoped to `ops`, or null when it can. */
export function operationProblem(
  kind: FaultKind,
  effect: FlapEffect | undefined,
  ops: readonly string[],
): string | null {
  const bad = ops.filter((o) => !(FAULT_OPERATIONS as readonly string[]).includes(o));
  if (bad.length > 0)
    return `"${bad[0]}" is not an operation; one of ${FAULT_OPERATIONS.join(', ')}`;
  if (ops.length === 0) return `give at least one of ${FAULT_OPERATIONS.join(', ')}`;
  const nonPay = ops.filter((o) => o !== 'pay');
  const acts = NON_PAY_KINDS.has(kind) && !(kind === 'flapping' && (effect ?? 'error') === 'error');
  if (nonPay.length > 0 && !acts)
    return `a ${kind}${kind === 'flapping' ? ' (effect error)' : ''} fault acts on pay only; on ${nonPay.join(', ')} a fault hangs the call (timeout, maintenance, charged_timeout, flapping with effect timeout or maintenance) or slows it (latency): change the kind or scope it to pay`;
  return null;
}

/** Scoped by store or terminal: one store's devices failing, not the channel. */
export function isLocal(f: Pick<Fault, 'scope'>): boolean {
  return !!f.scope && (f.scope.store !== undefined || f.scope.terminal !== undefined);
}

/** Whether the fault touches calls of this operation (no operation scope: every operation). */
export function actsOn(f: Pick<Fault, 'scope'>, op: FaultOperation): boolean {
  return !f.scope?.operation || f.scope.operation.includes(op);
}

/**
 * Whether a fault's scope covers a request; `op` is the call's operation, none for a probe (which
 * only faults without an operation scope touch).
 */
export function scopeMatches(
  scope: FaultScope | undefined,
  req: RequestScope,
  op?: FaultOperation,
): boolean {
  if (!scope) return true;
  return (
    (scope.store === undefined || scope.store === req.store) &&
    (scope.terminal === undefined || scope.terminal === req.terminal) &&
    (scope.method === undefined || scope.method === req.method) &&
    (scope.operation === undefined || (op !== undefined && scope.operation.includes(op)))
  );
}
