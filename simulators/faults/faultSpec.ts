import { z } from 'zod';
import { durationSchema, parseDuration } from '../scenario/duration.ts';
import { FAULT_KINDS } from './Fault.ts';
import type { FaultInput } from './FaultEngine.ts';

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
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Share of matching requests hit at full strength; default 1'),
    ramp: durationSchema.optional().describe('The probability ramps from 0 to full over this long'),
    scope: z
      .object({
        store: z.string().optional(),
        terminal: z.string().optional(),
        method: z.string().optional(),
      })
      .strict()
      .optional()
      .describe(
        'Only requests of this store / terminal / method: a local fault, not a channel fault',
      ),
    code: z
      .string()
      .optional()
      .describe("Raw code to answer with instead of the flavour's usual one"),
    latency: durationSchema
      .optional()
      .describe(
        'latency: extra latency; callback_delayed: the delay; timeout: how long the hang lasts',
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
  return {
    ...(spec.id !== undefined && { id: spec.id }),
    channel: spec.channel,
    kind: spec.kind,
    from,
    to: from + dur,
    probability: spec.probability ?? 1,
    rampMs: spec.ramp !== undefined ? parseDuration(spec.ramp, 'ramp') : 0,
    source,
    ...(spec.scope && { scope: spec.scope }),
    ...(spec.code !== undefined && { code: spec.code }),
    ...(spec.latency !== undefined && { latencyMs: parseDuration(spec.latency, 'latency') }),
    ...(spec.on !== undefined && { onMs: parseDuration(spec.on, 'on') }),
    ...(spec.off !== undefined && { offMs: parseDuration(spec.off, 'off') }),
    ...(spec.effect !== undefined && { effect: spec.effect }),
    ...(spec.note !== undefined && { note: spec.note }),
  };
}
