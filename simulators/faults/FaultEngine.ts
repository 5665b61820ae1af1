import type { Clock } from '../../src/core/clock.ts';
import { SimulatorError } from '../SimulatorError.ts';
import {
  type Fault,
  FAULT_KINDS,
  type FaultKind,
  type FaultOperation,
  HEALTH_FAULTS,
  operationProblem,
  type ProbabilityPoint,
  type RequestScope,
  scopeMatches,
} from './Fault.ts';

/** A fault as given to {@link FaultEngine.add}: times absolute, most fields defaulted. */
export type FaultInput = Partial<Omit<Fault, 'channel' | 'kind' | 'from'>> & {
  channel: string;
  kind: FaultKind;
  /** Default: now. */
  from?: number;
  /** TTL from `from` when `to` is not given. */
  ttlMs?: number;
};

export type FaultPatch = Partial<
  Pick<
    Fault,
    | 'to'
    | 'probability'
    | 'rampMs'
    | 'schedule'
    | 'scope'
    | 'code'
    | 'latencyMs'
    | 'latencyToMs'
    | 'onMs'
    | 'offMs'
    | 'effect'
    | 'note'
  >
> & {
  ttlMs?: number;
};

/** One entry of the change log: the ground truth of what was injected, when. */
export interface TimelineEvent {
  at: number;
  action: 'add' | 'change' | 'remove';
  fault: Fault;
}

/** A fault acting on one request, with its probability at that moment. */
export interface ActiveFault {
  fault: Fault;
  p: number;
}

export interface FaultEngineOptions {
  clock: Clock;
  /** Channels that exist: a fault on any other is refused. */
  channels: readonly string[];
  /** TTL for a fault added without `to` or `ttlMs`. */
  defaultTtlMs?: number;
  /** No fault may live longer than this. */
  maxTtlMs?: number;
  /** Every change, for the log. */
  onChange?: (e: TimelineEvent) => void;
}

/**
 * The faults in force, by channel, with their change log. Pure bookkeeping over an injected clock;
 * the simulator asks it which faults touch a request and rolls the dice itself.
 */
export class FaultEngine {
  private readonly faults = new Map<string, Fault>();
  /** Faults per channel in insertion order, rebuilt on change: the hot path reads it without allocating. */
  private byChannel: Map<string, Fault[]> | null = null;
  private readonly events: TimelineEvent[] = [];
  private readonly clock: Clock;
  private readonly channels: Set<string>;
  private readonly defaultTtlMs: number;
  private readonly maxTtlMs: number;
  private readonly onChange?: (e: TimelineEvent) => void;
  private nextId = 1;

  constructor({
    clock,
    channels,
    defaultTtlMs = 300_000,
    maxTtlMs = 86_400_000,
    onChange,
  }: FaultEngineOptions) {
    this.clock = clock;
    this.channels = new Set(channels);
    this.defaultTtlMs = defaultTtlMs;
    this.maxTtlMs = maxTtlMs;
    this.onChange = onChange;
  }

  add(input: FaultInput): Fault {
    if (!this.channels.has(input.channel)) {
      throw new SimulatorError(
        'unknown_channel',
        `channel: no channel "${input.channel}" (have ${[...this.channels].join(', ')})`,
        [{ path: 'channel', message: 'unknown channel' }],
      );
    }
    if (!(FAULT_KINDS as readonly string[]).includes(input.kind)) {
      throw invalid(
        'kind',
        `"${input.kind}" is not a fault kind; one of ${FAULT_KINDS.join(', ')}`,
      );
    }
    const id = input.id ?? `f-${this.nextId++}`;
    if (this.faults.has(id)) throw invalid('id', `a fault "${id}" exists already`);
    const from = input.from ?? this.clock.now();
    const to = input.to ?? from + (input.ttlMs ?? this.defaultTtlMs);
    const fault: Fault = {
      id,
      channel: input.channel,
      kind: input.kind,
      from,
      to,
      probability: input.probability ?? 1,
      rampMs: input.rampMs ?? 0,
      source: input.source ?? 'api',
      // every field present, undefined when not given: one object shape for all faults, so the
      // per-request loop over them reads each field in one step (JSON leaves the undefined ones out)
      scope: input.scope && { ...input.scope },
      schedule: input.schedule,
      code: input.code,
      latencyMs: input.latencyMs,
      latencyToMs: input.latencyToMs,
      onMs: input.onMs,
      offMs: input.offMs,
      effect: input.effect,
      note: input.note,
    };
    this.validate(fault);
    this.faults.set(id, fault);
    this.log('add', fault);
    return fault;
  }

  change(id: string, patch: FaultPatch): Fault {
    const old = this.get(id);
    const { ttlMs, ...rest } = patch;
    const next: Fault = {
      ...old,
      // a new flat probability or latency replaces the old one's points or ramp
      ...(rest.probability !== undefined && { schedule: undefined }),
      ...(rest.latencyMs !== undefined && { latencyToMs: undefined }),
      ...rest,
      ...(ttlMs !== undefined && { to: this.clock.now() + ttlMs }),
    };
    this.validate(next);
    this.faults.set(id, next);
    this.log('change', next);
    return next;
  }

  /** Ends a fault now: its window in the timeline closes at this moment. */
  remove(id: string): Fault {
    const old = this.get(id);
    const now = this.clock.now();
    const ended: Fault = { ...old, to: Math.max(old.from, Math.min(old.to, now)) };
    this.faults.delete(id);
    this.log('remove', ended);
    return ended;
  }

  get(id: string): Fault {
    const f = this.faults.get(id);
    if (!f) throw new SimulatorError('fault_not_found', `no fault "${id}"`);
    return f;
  }

  /** Faults not yet removed (including future and expired ones), in insertion order. */
  list(): Fault[] {
    return [...this.faults.values()];
  }

  /** Faults in force at `at` (default now). */
  activeAt(at = this.clock.now()): Fault[] {
    return this.list().filter((f) => f.from <= at && at < f.to);
  }

  /** The faults that touch one request on `channel` at `at`, with their probability then (> 0 only); no `op`: a probe. */
  forRequest(channel: string, at: number, req: RequestScope, op?: FaultOperation): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const fault of this.forChannel(channel)) {
      if (!scopeMatches(fault.scope, req, op)) continue;
      const p = probabilityAt(fault, at);
      if (p > 0) out.push({ fault, p });
    }
    return out;
  }

  /**
   * The oracle's view: the probability that a pay of this scope fails for a technical or
   * risk reason on `channel` at `at`, from the faults alone (baselines left out).
   */
  failureProbability(channel: string, at: number, req: RequestScope = {}): number {
    let ok = 1;
    for (const { fault, p } of this.forRequest(channel, at, req, 'pay')) {
      if (HEALTH_FAULTS.has(fault.kind) && fault.kind !== 'latency') ok *= 1 - p;
    }
    return 1 - ok;
  }

  isHealthy(channel: string, at: number, req: RequestScope = {}): boolean {
    return this.failureProbability(channel, at, req) === 0;
  }

  /** The change log, oldest first. */
  timeline(): TimelineEvent[] {
    return [...this.events];
  }

  /**
   * Each fault's final window as injected, in order of first appearance: the ground truth a
   * scenario is scored against (removed faults end when removed).
   */
  windows(): Fault[] {
    const last = new Map<string, Fault>();
    for (const e of this.events) last.set(e.fault.id, e.fault);
    return [...last.values()];
  }

  private validate(f: Fault): void {
    if (!(f.to > f.from))
      throw invalid('to', `the fault must end after it starts (from ${f.from}, to ${f.to})`);
    if (f.to - f.from > this.maxTtlMs)
      throw invalid('ttlMs', `a fault may last at most ${this.maxTtlMs} ms`);
    if (!(f.probability >= 0 && f.probability <= 1))
      throw invalid('probability', `must be within 0..1, got ${f.probability}`);
    if (!(f.rampMs >= 0)) throw invalid('rampMs', `must be ≥ 0, got ${f.rampMs}`);
    if (f.kind === 'flapping' && !((f.onMs ?? 0) > 0 && (f.offMs ?? 0) > 0)) {
      throw invalid('onMs', 'a flapping fault needs onMs > 0 and offMs > 0');
    }
    if (f.scope?.operation) {
      const why = operationProblem(f.kind, f.effect, f.scope.operation);
      if (why) throw invalid('scope.operation', why);
    }
    if (f.schedule) {
      const why = scheduleProblem(f.schedule);
      if (why) throw invalid('schedule', why);
      if (f.rampMs > 0)
        throw invalid('rampMs', 'a probability given as points ramps by its points');
    }
    if (f.latencyToMs !== undefined && f.kind !== 'latency')
      throw invalid('latencyToMs', `only a latency fault ramps its latency, not a ${f.kind} fault`);
  }

  /** Faults on `channel` (any scope, any time), insertion order; callers check scope and {@link probabilityAt}. */
  forChannel(channel: string): readonly Fault[] {
    if (!this.byChannel) {
      this.byChannel = new Map();
      const now = this.clock.now();
      for (const f of this.faults.values()) {
        // Ended faults stay in the timeline (the ground truth) but leave the hot path.
        if (f.to <= now) continue;
        const list = this.byChannel.get(f.channel);
        if (list) list.push(f);
        else this.byChannel.set(f.channel, [f]);
      }
    }
    return this.byChannel.get(channel) ?? NONE;
  }

  private log(action: TimelineEvent['action'], fault: Fault): void {
    this.byChannel = null;
    const e: TimelineEvent = { at: this.clock.now(), action, fault };
    this.events.push(e);
    this.onChange?.(e);
  }
}

const NONE: readonly Fault[] = [];

/** A fault's strength at `at`: 0 outside its window or in a flapping off phase, ramped after `from` or following its points. */
export function probabilityAt(f: Fault, at: number): number {
  if (at < f.from || at >= f.to) return 0;
  if (f.kind === 'flapping') {
    const period = (f.onMs ?? 0) + (f.offMs ?? 0);
    if ((at - f.from) % period >= (f.onMs ?? 0)) return 0;
  }
  if (f.schedule) return scheduleAt(f.schedule, at - f.from);
  if (f.rampMs > 0 && at - f.from < f.rampMs) return (f.probability * (at - f.from)) / f.rampMs;
  return f.probability;
}

/** A latency fault's extra ms at `at`: `latencyMs` (default 2 s), or ramping to `latencyToMs` over the window. */
export function latencyAt(f: Fault, at: number): number {
  const a = f.latencyMs ?? DEFAULT_EXTRA_LATENCY_MS;
  if (f.latencyToMs === undefined) return a;
  const x = Math.min(1, Math.max(0, (at - f.from) / (f.to - f.from)));
  return a + (f.latencyToMs - a) * x;
}

export const DEFAULT_EXTRA_LATENCY_MS = 2000;

/** Points joined by straight lines, flat before the first and after the last; two at one time make a step. */
function scheduleAt(points: readonly ProbabilityPoint[], t: number): number {
  if (t < points[0].atMs) return points[0].p;
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (t < b.atMs) {
      const a = points[i - 1];
      return a.p + ((b.p - a.p) * (t - a.atMs)) / (b.atMs - a.atMs);
    }
  }
  return points[points.length - 1].p;
}

/** Why a probability schedule is unusable, or null. */
export function scheduleProblem(points: readonly ProbabilityPoint[]): string | null {
  if (points.length === 0) return 'give at least one point { at, p }';
  for (let i = 0; i < points.length; i++) {
    const { atMs, p } = points[i];
    if (!(p >= 0 && p <= 1)) return `point ${i}: p must be within 0..1, got ${p}`;
    if (!(atMs >= 0)) return `point ${i}: at must be ≥ 0, got ${atMs}`;
    if (i > 0 && atMs < points[i - 1].atMs) return `point ${i}: points must be in time order`;
  }
  return null;
}

function invalid(path: string, message: string): SimulatorError {
  return new SimulatorError('fault_invalid', `${path}: ${message}`, [{ path, message }]);
}
