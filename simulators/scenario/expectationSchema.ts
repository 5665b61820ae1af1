import { z } from 'zod';
import { CHANNEL_STATES } from '../../src/core/decision.ts';
import { durationSchema } from '../faults/faultSpec.ts';

const rate = z.number().min(0).max(1);
const at = z.union([z.string(), z.number()]);
const states = z.union([z.enum(CHANNEL_STATES), z.array(z.enum(CHANNEL_STATES)).min(1)], {
  error: `a state (${CHANNEL_STATES.join(', ')}) or a list of them`,
});
/** The time range of an expectation that has one: from the start, both ends included; default the whole run. */
const range = {
  from: durationSchema.optional().describe('Range start, from the scenario start; default 0'),
  to: durationSchema.optional().describe('Range end (included); default the end of the run'),
};
const ofFault = z
  .object({
    of: z.string().min(1).describe('A fault id: the time counts from its end'),
    within: durationSchema,
  })
  .strict();

/**
 * Every expectation kind by the key that names it: an entry of `expect` is one object with
 * exactly one of these keys (the loader picks the kind by it, and reports that kind's errors).
 */
export const EXPECTATION_SCHEMAS = {
  reaches: z
    .object({
      channel: z.string(),
      reaches: states.describe('State(s) the channel must reach'),
      within: durationSchema.describe('… within this long …'),
      of: at.describe('… of this fault id’s onset, or of this time from the start'),
    })
    .strict(),
  noSwitch: z
    .object({
      channel: z.string(),
      noSwitch: z
        .union([
          z.literal(true),
          z.object({ from: durationSchema.optional(), to: durationSchema.optional() }).strict(),
        ])
        .describe('The channel never changes state (in this time range)'),
    })
    .strict(),
  noFalseSwitches: z.object({ noFalseSwitches: z.literal(true) }).strict(),
  checkoutSuccess: z
    .object({
      checkoutSuccess: z
        .object({
          atLeast: rate.optional(),
          atLeastStatic: z
            .boolean()
            .optional()
            .describe("at least the static single-channel checkout's rate"),
          withinOfOracle: rate
            .optional()
            .describe(
              "at most this far (as a fraction: 0.003 is 0.3 points) under the oracle's rate",
            ),
        })
        .strict(),
    })
    .strict(),
  doubleCharges: z
    .object({
      doubleCharges: z.number().int().min(0).describe('At most this many orders charged twice'),
    })
    .strict(),
  droppedOrdersFound: z
    .object({
      droppedOrdersFound: z
        .literal(true)
        .describe(
          'Every dropped order (charged, answer and callback lost) ends paid in the checkout',
        ),
    })
    .strict(),
  in: z
    .object({
      channel: z.string(),
      in: states.describe('The channel is in one of these states at every moment of the range'),
      ...range,
    })
    .strict(),
  transitions: z
    .object({
      channel: z.string().optional().describe('Default: every channel, each on its own'),
      transitions: z
        .object({ atMost: z.number().int().min(0) })
        .strict()
        .describe('At most this many state changes in the range (oscillation)'),
      ...range,
    })
    .strict(),
  backToHealthy: z
    .object({
      backToHealthy: ofFault.describe(
        "The fault's channel is healthy again within this long of the fault's end",
      ),
    })
    .strict(),
  backToFullWeight: z
    .object({
      backToFullWeight: ofFault.describe(
        "The fault's channel is back to full weight within this long of the fault's end: the share it had just before the fault (capped at its configured top share), or its top share if it had none",
      ),
    })
    .strict(),
  panic: z
    .object({
      pool: z.string().optional().describe('Default: any pool'),
      panic: z
        .boolean()
        .describe('true: the pool panics at some moment of the range; false: at none'),
      ...range,
    })
    .strict(),
  share: z
    .object({
      channel: z.string(),
      share: z
        .object({ atLeast: rate.optional(), atMost: rate.optional() })
        .strict()
        .describe(
          "The channel's share of the switchyard checkout's first attempts in its pool, for orders created in the range",
        ),
      ...range,
    })
    .strict(),
  checkoutP95: z
    .object({
      checkoutP95: z
        .object({ atMost: durationSchema })
        .strict()
        .describe(
          "The switchyard checkout's p95 order latency (created in the range) is at most this",
        ),
      ...range,
    })
    .strict(),
  failovers: z
    .object({
      failovers: z
        .object({ atMost: z.number().int().min(0) })
        .strict()
        .describe('At most this many switchyard checkout orders needed a second channel'),
      ...range,
    })
    .strict(),
  chargedButReportedFailed: z
    .object({
      chargedButReportedFailed: z
        .number()
        .int()
        .min(0)
        .describe(
          'At most this many orders the switchyard checkout reported failed while a channel charged them',
        ),
    })
    .strict(),
} as const;

export type ExpectationKey = keyof typeof EXPECTATION_SCHEMAS;
export const EXPECTATION_KEYS = Object.keys(EXPECTATION_SCHEMAS) as ExpectationKey[];

export const expectationSchema = z.union(
  Object.values(EXPECTATION_SCHEMAS) as unknown as [
    (typeof EXPECTATION_SCHEMAS)[ExpectationKey],
    ...(typeof EXPECTATION_SCHEMAS)[ExpectationKey][],
  ],
);

export type ExpectationSpec = z.infer<typeof expectationSchema>;
