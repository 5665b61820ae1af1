import { z } from 'zod';
import { durationSchema, parseDuration } from '../scenario/duration.ts';
import type { ErrorDetail } from '../SimulatorError.ts';
import {
  FAULT_KINDS,
  FAULT_OPERATIONS,
  type FaultOperation,
  type FaultScope,
  operationProblem,
} from './Fault.ts';
import { type FaultInput, scheduleProblem } from './FaultEngine.ts';

// Linear-time parsing, in the one place durations are read (the old regex here was exponential).
export { durationSchema };

/**
 * A fault as people write it, in a scenario file or to POST /_chaos/faults: times relative to
 * the scenario start (or to now, for the control API), durations as strings.
 */
export const faultSpecSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .optional()
      .describe('Name to refer to the fault by (expectations use it)'),
    channel: z.string().min(1).describe('The channel it hits'),
    kind: z.enum(FAULT_KINDS).describe('What it does'),
    at: durationSchema
      .optional()
      .describe('Onset, from the scenario start (control API: from now); default 0'),
    for: durationSchema.optional().describe('How long it lasts (its TTL); default 5m'),
    probability: z
      .union(
        [
          z.number().min(0).max(1),
          z
            .array(
              z
                .object({
                  at: durationSchema.describe('From the fault’s onset'),
                  p: z.number().min(0).max(1),
                })
                .strict(),
            )
            .min(1),
        ],
        { error: 'a number within 0..1, or points [{ at: 0, p: 0.2 }, { at: 1m, p: 0.8 }]' },
      )
      .optional()
      .describe(
        'Share of matching requests hit at full strength; default 1. Or points { at, p } from the onset, joined by straight lines (two at one time: a step), flat after the last',
      ),
    ramp: durationSchema.optional().describe('The probability ramps from 0 to full over this long'),
    scope: z
      .object({
        store: z.string().optional(),
        terminal: z.string().optional(),
        method: z.string().optional(),
        operation: z
          .union([z.enum(FAULT_OPERATIONS), z.array(z.enum(FAULT_OPERATIONS)).min(1)], {
            error: `one of ${FAULT_OPERATIONS.join(', ')}, or a list of them`,
          })
          .optional()
          .describe(
            'Only these calls (pay, query, close, refund); probes never meet an operation-scoped fault',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Only requests of this store / terminal (a local fault), method (channel-wide for that method) or operation',
      ),
    code: z
      .string()
      .optional()
      .describe("Raw code to answer with instead of the flavour's usual one"),
    latency: z
      .union(
        [
          durationSchema,
          z
            .object({
              from: durationSchema.describe('Extra latency at onset'),
              to: durationSchema.describe('Extra latency at the end'),
            })
            .strict(),
        ],
        { error: 'a duration like 800ms, or { from: 200ms, to: 3s } (latency faults)' },
      )
      .optional()
      .describe(
        'latency: extra latency, or { from, to } ramping linearly over the fault; callback_delayed: the delay; timeout: how long the hang lasts',
      ),
    on: durationSchema.optional().describe('flapping: on period'),
    off: durationSchema.optional().describe('flapping: off period'),
    effect: z
      .enum(['error', 'timeout', 'maintenance'])
      .optional()
      .describe('flapping: what the on phase does; default error'),
    note: z.string().optional(),
  })
  .strict();

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export const DEFAULT_FAULT_TTL_MS = 300_000;

/** A spec made absolute: `base` is the scenario start (or now). */
export function toFaultInput(
  spec: FaultSpec,
  base: number,
  source: 'scenario' | 'api',
): FaultInput {
  const from = base + parseDuration(spec.at ?? 0, 'at');
  const dur = spec.for !== undefined ? parseDuration(spec.for, 'for') : DEFAULT_FAULT_TTL_MS;
  const p = spec.probability;
  const schedule = Array.isArray(p)
    ? p.map((x, i) => ({ atMs: parseDuration(x.at, `probability[${i}].at`), p: x.p }))
    : undefined;
  const l = spec.latency;
  return {
    ...(spec.id !== undefined && { id: spec.id }),
    channel: spec.channel,
    kind: spec.kind,
    from,
    to: from + dur,
    probability: schedule ? Math.max(...schedule.map((x) => x.p)) : typeof p === 'number' ? p : 1,
    ...(schedule && { schedule }),
    rampMs: spec.ramp !== undefined ? parseDuration(spec.ramp, 'ramp') : 0,
    source,
    ...(spec.scope && { scope: toScope(spec.scope) }),
    ...(spec.code !== undefined && { code: spec.code }),
    ...(l !== undefined &&
      (typeof l === 'object'
        ? {
            latencyMs: parseDuration(l.from, 'latency.from'),
            latencyToMs: parseDuration(l.to, 'latency.to'),
          }
        : { latencyMs: parseDuration(l, 'latency') })),
    ...(spec.on !== undefined && { onMs: parseDuration(spec.on, 'on') }),
    ...(spec.off !== undefined && { offMs: parseDuration(spec.off, 'off') }),
    ...(spec.effect !== undefined && { effect: spec.effect }),
    ...(spec.note !== undefined && { note: spec.note }),
  };
}

function toScope(scope: NonNullable<FaultSpec['scope']>): FaultScope {
  const { operation, ...where } = scope;
  if (operation === undefined) return where;
  const ops: FaultOperation[] = typeof operation === 'string' ? [operation] : operation;
  return { ...where, operation: ops };
}

/**
 * What the schema cannot see in a valid-shaped spec, each naming its field (relative to the spec)
 * and the fix: durations, flapping periods, operations the kind cannot act on, probability points
 * past the end or combined with a ramp, a latency ramp on another kind.
 */
export function specProblems(spec: FaultSpec): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const ms = (v: string | number, path: string): number | undefined => {
    try {
      return parseDuration(v, path);
    } catch (e) {
      out.push({ path, message: (e as Error).message });
      return undefined;
    }
  };
  for (const k of ['at', 'for', 'ramp', 'on', 'off'] as const)
    if (spec[k] !== undefined) ms(spec[k]!, k);
  const forMs = spec.for !== undefined ? ms(spec.for, 'for') : DEFAULT_FAULT_TTL_MS;
  if (spec.kind === 'flapping' && (spec.on === undefined || spec.off === undefined))
    out.push({ path: 'on', message: 'a flapping fault needs on and off periods' });
  const l = spec.latency;
  if (typeof l === 'object') {
    ms(l.from, 'latency.from');
    ms(l.to, 'latency.to');
    if (spec.kind !== 'latency')
      out.push({
        path: 'latency',
        message: `only a latency fault ramps its latency; give a ${spec.kind} fault one duration`,
      });
  } else if (l !== undefined) ms(l, 'latency');
  const op = spec.scope?.operation;
  if (op !== undefined) {
    const why = operationProblem(spec.kind, spec.effect, typeof op === 'string' ? [op] : op);
    if (why) out.push({ path: 'scope.operation', message: why });
  }
  const p = spec.probability;
  if (Array.isArray(p)) {
    const points = p.map((x, i) => ({ atMs: ms(x.at, `probability[${i}].at`) ?? 0, p: x.p }));
    const why = scheduleProblem(points);
    if (why) out.push({ path: 'probability', message: why });
    const late = points.findIndex((x) => forMs !== undefined && x.atMs > forMs);
    if (late >= 0)
      out.push({
        path: `probability[${late}].at`,
        message: `points are from the fault's onset and it lasts ${forMs} ms: this one is after its end; move it or lengthen for`,
      });
    if (spec.ramp !== undefined)
      out.push({
        path: 'ramp',
        message: 'a probability given as points ramps by its points: drop ramp, or add a point',
      });
  }
  return out;
}
