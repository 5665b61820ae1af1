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

/** Narrows a fault to some requests: a local fault (one store's terminals) is not a channel fault. */
export interface FaultScope {
  store?: string;
  terminal?: string;
  method?: string;
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
  scope?: FaultScope;
  /** Raw code to answer with, instead of the flavour's usual one for this kind. */
  code?: string;
  /** `latency`: extra ms; `callback_delayed`: delay ms; `timeout`: how long the hang lasts. */
  latencyMs?: number;
  /** `flapping`: on and off periods, and what the on phase does. */
  onMs?: number;
  offMs?: number;
  effect?: FlapEffect;
  /** Who put it there: the scenario timeline or the control API. */
  source: 'scenario' | 'api';
  note?: string;
}

export function isScoped(f: Pick<Fault, 'scope'>): boolean {
  return (
    !!f.scope &&
    (f.scope.store !== undefined || f.scope.terminal !== undefined || f.scope.method !== undefined)
  );
}

export function scopeMatches(scope: FaultScope | undefined, req: FaultScope): boolean {
  if (!scope) return true;
  return (
    (scope.store === undefined || scope.store === req.store) &&
    (scope.terminal === undefined || scope.terminal === req.terminal) &&
    (scope.method === undefined || scope.method === req.method)
  );
}
