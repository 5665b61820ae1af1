import { z } from 'zod';
import { FLAVOURS } from '../../src/core/codes/index.ts';
import { durationSchema, faultSpecSchema } from '../faults/faultSpec.ts';
import { expectationSchema } from './expectationSchema.ts';

export type { ExpectationSpec } from './expectationSchema.ts';

const rate = z.number().min(0).max(1);

export const channelSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and -')
      .describe('Channel id, as the monitor knows it'),
    flavour: z.enum(FLAVOURS).describe('Which real API it speaks and which codes it answers'),
    pool: z.string().min(1).describe('Channels of one pool serve the same payments'),
    priority: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Lower is preferred; default: order in the file'),
    latency: z
      .object({ median: durationSchema, p99: durationSchema })
      .strict()
      .optional()
      .describe('Lognormal answer latency; default median 180ms, p99 1200ms'),
    rates: z
      .object({
        decline: rate.optional(),
        risk: rate.optional(),
        error: rate.optional(),
        pending: rate.optional(),
        payerConfirms: rate
          .optional()
          .describe(
            'Share of USERPAYING orders the payer confirms (the rest end PAYERROR); default 0.9',
          ),
      })
      .strict()
      .optional()
      .describe(
        'Baseline shares: payer declines, risk rejections, technical errors, USERPAYING, and how many pending payers confirm',
      ),
    limits: z
      .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(1).optional() })
      .strict()
      .optional()
      .describe('Amount limits in fen'),
  })
  .strict();

export const trafficSchema = z
  .object({
    rate: z
      .union([
        z.number().positive(),
        z.array(z.object({ at: durationSchema, rps: z.number().min(0) }).strict()).min(1),
      ])
      .describe(
        'Orders per second: a number, or points {at, rps} joined by straight lines (ramps), flat after the last',
      ),
    timeout: durationSchema.optional().describe("The checkout's pay timeout; default 3s"),
    stores: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Number of stores (s-001, s-002, …); default 20'),
    storeShares: z
      .record(z.string(), rate)
      .optional()
      .describe(
        'Share of all orders for named stores, e.g. { s-007: 0.4 }; the other stores split the rest evenly. Stores are drawn apart from pools, so a store carries this share of each pool and each channel too, on average',
      ),
    terminalsPerStore: z.number().int().min(1).optional().describe('Default 3'),
    pools: z
      .record(z.string(), z.number().positive())
      .optional()
      .describe('Share of orders per pool; default equal'),
    segments: z
      .record(z.string(), z.number().positive())
      .optional()
      .describe('Customer segments and their weights'),
    amount: z
      .object({ median: z.number().int().positive(), p99: z.number().int().positive() })
      .strict()
      .optional()
      .describe('Order amount in fen, lognormal; default median 4800, p99 60000'),
    customerDeclines: rate
      .optional()
      .describe('Share of customers who decline on every channel (empty wallet); default 0.01'),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z.number().int().optional().describe('Default seed (--seed overrides)'),
    duration: durationSchema.describe('How long traffic runs'),
    probeInterval: durationSchema.optional().describe('Active probes per channel; default 5s'),
    channels: z.array(channelSchema).min(1),
    pools: z
      .array(z.object({ id: z.string(), split: z.array(z.number().positive()).min(1) }).strict())
      .optional()
      .describe('Traffic splits by rank; default 70/20/10'),
    engine: z
      .object({
        detectors: z.record(z.string(), z.unknown()).optional(),
        states: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional()
      .describe(
        'Overrides of the core options (DeepPartial of detectors/states); shipped scenarios use the defaults',
      ),
    maintenance: z
      .array(
        z
          .object({
            channel: z.string(),
            at: durationSchema,
            for: durationSchema,
            lead: durationSchema.optional(),
          })
          .strict(),
      )
      .optional()
      .describe(
        'Planned windows, announced to the monitor ahead; the channel answers its maintenance code then',
      ),
    traffic: trafficSchema.optional(),
    faults: z.array(faultSpecSchema).optional(),
    expect: z.array(expectationSchema).optional(),
    scoring: z
      .object({
        grace: durationSchema
          .optional()
          .describe('A decision this long after a fault ended is still its doing; default 15s'),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioSchema>;

/** The JSON Schema scenario files can cite (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input' }) as Record<string, unknown>;
}
