import { z } from 'zod';
import { CODE_CLASSES, FLAVOURS } from '../core/codes/index.ts';
import { httpSchema, streamSchema } from './serverSchema.ts';

/**
 * The monitor's config file (YAML or JSON), validated at start-up. Every option is documented
 * here; `src/config/config.schema.json` is generated from this (`npx tsx src/config/writeJsonSchema.ts`).
 * Objects are strict so that a misspelt key is an error, not a silently ignored setting.
 */

const rate = z.number().min(0).max(1);
const ms = z.number().int().min(0);
const positive = z.number().int().min(1);

const errorRateSchema = z.strictObject({
  baseline: rate
    .describe('The failure probability the channel normally shows (p0 of the CUSUM).')
    .optional(),
  degradedRate: rate.describe('A shift to this failure rate degrades the channel.').optional(),
  downRate: rate.describe('A shift to this failure rate takes the channel down.').optional(),
  threshold: z
    .number()
    .positive()
    .describe(
      'Degraded CUSUM decision interval h in nats; false alarms every e^h outcomes at most.',
    )
    .optional(),
  downThreshold: z
    .number()
    .positive()
    .describe(
      'Down CUSUM decision interval h in nats (higher: a moderately sick channel degrades rather than being ejected).',
    )
    .optional(),
  minSamples: positive
    .describe('No error-rate decision on fewer outcomes than this in the 10 s window.')
    .optional(),
  exitRate: rate
    .describe(
      'A degraded channel recovers when its 10 s failure rate is below this (and its CUSUM is back near zero).',
    )
    .optional(),
});

/** Detector tunables; every field optional, merged over the defaults in src/core/options.ts. */
export const detectorsSchema = z.strictObject({
  errorRate: errorRateSchema.optional(),
  timeouts: z
    .strictObject({
      k: positive
        .describe('k of the last n outcomes timing out takes the channel down.')
        .optional(),
      n: positive
        .max(8)
        .describe('At most 8: the rule may grow k and n together up to 8.')
        .optional(),
      maxRatePerSec: z
        .number()
        .positive()
        .describe('Above this rate (outcomes/s) k-of-n is left to the error-rate detector.')
        .optional(),
      maxFalseAlarm: rate
        .describe(
          "k and n grow together while the channel's own timeout rate alone would reach k of n more often than this per check.",
        )
        .optional(),
      baselineFloor: rate
        .describe('The timeout rate assumed before the channel has shown its own, and its floor.')
        .optional(),
      baselineHalfLifeMs: positive
        .describe("Half-life of the slow average that is the channel's own timeout rate.")
        .optional(),
      priorRate: rate
        .describe(
          'Cold start: the timeout rate assumed until the channel has been watched healthy for warmupMs.',
        )
        .optional(),
      warmupMs: ms
        .describe('How long a channel is watched healthy before its own timeout rate is trusted.')
        .optional(),
    })
    .optional(),
  instantCodes: z
    .strictObject({
      codes: z
        .array(z.string().min(1))
        .describe('Raw codes that switch fast, e.g. "SYSTEM_BUSY".')
        .optional(),
      count: positive.optional(),
      withinMs: positive.optional(),
      minShare: rate.optional(),
    })
    .optional(),
  latency: z
    .strictObject({
      p95Ms: z
        .number()
        .positive()
        .describe('Degrade when the 10 s p95 exceeds this with confidence (slow-call share).')
        .optional(),
      minSamples: positive.describe('No latency decision on fewer outcomes than this.').optional(),
      relativeFactor: z
        .number()
        .min(0)
        .describe("Also slow: over this many times the channel's learnt p95 (0: off).")
        .optional(),
      relativeFloorMs: ms.describe('The relative bound is never under this.').optional(),
      priorP95Ms: ms
        .describe('A prior for the learnt p95 until the channel shows its own (0: none).')
        .optional(),
      baselineHalfLifeMs: positive.describe("Half-life of the channel's learnt p95.").optional(),
    })
    .optional(),
  riskSpike: z
    .strictObject({
      factor: z.number().min(1).optional(),
      minExcess: rate.optional(),
      minSamples: positive.optional(),
      initialBaseline: rate.optional(),
      baselineHalfLifeMs: positive.optional(),
    })
    .optional(),
  probes: z
    .strictObject({
      consecutiveFailures: positive
        .describe('This many active probe failures in a row take the channel down.')
        .optional(),
    })
    .optional(),
});

export const statesSchema = z.strictObject({
  minDwellMs: ms.optional(),
  exitZ: z
    .number()
    .positive()
    .describe('z of the upper confidence bounds a degraded channel must clear to leave.')
    .optional(),
  degradedMinShare: rate
    .describe('The least share a degraded channel keeps, to be judged.')
    .optional(),
  relapseHalfLifeMs: positive
    .describe('Re-entry soon after an exit is remembered this long (half-life).')
    .optional(),
  probeSuccesses: positive
    .describe('Consecutive probe successes that end an ejection early.')
    .optional(),
  ejectionMs: positive
    .describe('First ejection time; doubles on each repeat up to maxEjectionMs.')
    .optional(),
  maxEjectionMs: positive.optional(),
  ejectionDecayMs: positive.optional(),
  trialSuccesses: positive.optional(),
  probingShare: rate.optional(),
  degradedFactor: rate.optional(),
  rampMs: ms.optional(),
  rampSteps: positive.optional(),
});

export const probeSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .describe('HTTP(S) URL probed; a 2xx answer (or one of expectStatus) is a success.'),
  intervalMs: z.number().int().min(100).default(5000).describe('Time between probes.'),
  timeoutMs: z
    .number()
    .int()
    .min(1)
    .default(2000)
    .describe('A probe not answered within this is a timeout.'),
  method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional().describe('Request body for POST probes.'),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .optional()
    .describe('Statuses counted as success; default any 2xx.'),
});

export const channelSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, "_", "." or "-" (at most 64)')
    .describe('Channel id, as gateways report it.'),
  flavour: z.enum(FLAVOURS).describe('Which code table classifies its raw codes.'),
  pool: z.string().min(1).describe('The pool (set of interchangeable channels) it belongs to.'),
  priority: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Lower is preferred; default: order within the pool, from 1.'),
  minAmount: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Smallest amount it takes, in minor units (fen).'),
  maxAmount: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Largest amount it takes, in minor units (fen).'),
  codes: z
    .record(z.string().min(1), z.enum(CODE_CLASSES))
    .optional()
    .describe('Code-table overrides: raw code -> class.'),
  detectors: detectorsSchema.optional().describe('Per-channel detector overrides.'),
  probe: probeSchema
    .optional()
    .describe('Active HTTP probe; its results count as evidence (source "probe").'),
});

export const poolSchema = z.strictObject({
  id: z.string().min(1),
  split: z
    .array(rate)
    .min(1)
    .optional()
    .describe('Traffic shares by rank among serving channels; sums to 1. Default [0.7, 0.2, 0.1].'),
  detectors: z
    .lazy(() => detectorsSchema)
    .optional()
    .describe(
      "Detector overrides for this pool's channels, over the file's; a channel's own override wins.",
    ),
});

const timeValue = z.union([z.string().min(1), z.number()]);

export const maintenanceWindowSchema = z.strictObject({
  channel: z.string().min(1),
  start: timeValue.describe(
    'Epoch ms, ISO-8601 with offset, or "YYYY-MM-DD HH:mm" read in timeZone.',
  ),
  end: timeValue,
  timeZone: z
    .string()
    .optional()
    .describe('IANA zone for wall-clock start/end, e.g. "Asia/Shanghai".'),
  leadMs: ms
    .optional()
    .describe('Drain traffic this long before start; default maintenance.leadMs.'),
  reason: z.string().optional(),
});

export const configSchema = z.strictObject({
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Interface to bind; overridden by --host / SWITCHYARD_HOST.'),
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe('Port; overridden by --port / SWITCHYARD_PORT. 0 picks a free one.'),
  tokens: z
    .strictObject({
      admin: z
        .string()
        .min(8)
        .optional()
        .describe('Bearer token for writes (override, maintenance).'),
      ingest: z.string().min(8).optional().describe('Bearer token for POST /v1/outcomes.'),
      probe: z
        .string()
        .min(8)
        .optional()
        .describe(
          'Bearer token of a prober of your own: the only sender whose events may say source "probe" (they count as probe evidence). Unset: ingest refuses source "probe"; the monitor\'s own probes never pass through ingest.',
        ),
    })
    .default({}),
  allowedOrigins: z
    .array(z.url({ protocol: /^https?$/ }))
    .default([])
    .describe(
      "Browser origins besides the monitor's own (scheme://host:port) whose pages may write and open the stream, e.g. a dashboard served elsewhere. Programs send no Origin and are not affected.",
    ),
  simulatorUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Channel simulator base URL; GET /v1/faults relays its fault timeline.'),
  simulatorToken: z
    .string()
    .min(1)
    .optional()
    .describe("Token of the simulator's /_chaos API, when it has one."),
  ingest: z
    .strictObject({
      maxBodyBytes: z
        .number()
        .int()
        .min(1024)
        .default(1_048_576)
        .describe('Larger requests are refused with 413.'),
    })
    .default({ maxBodyBytes: 1_048_576 }),
  stream: streamSchema,
  http: httpSchema,
  state: z
    .strictObject({
      dir: z
        .string()
        .min(1)
        .default('./switchyard-data')
        .describe(
          "Directory of the monitor's state (decisions, channel states, overrides, bookings, window buckets), relative to the working directory; --state-dir overrides it, --state memory keeps nothing.",
        ),
      flushMs: z
        .number()
        .int()
        .min(100)
        .max(10_000)
        .default(1000)
        .describe(
          'Period of window-bucket flushes (fsynced): what a power cut can cost of the window counts. Decisions, overrides and bookings are fsynced before they are answered or published.',
        ),
      compactBytes: z
        .number()
        .int()
        .min(65_536)
        .default(4_194_304)
        .describe('The journal is folded into a fresh snapshot once it is this large.'),
    })
    .default({ dir: './switchyard-data', flushMs: 1000, compactBytes: 4_194_304 }),
  tickMs: z
    .number()
    .int()
    .min(10)
    .max(1000)
    .default(100)
    .describe("Period of the engine's time-driven steps."),
  bucketMs: z.number().int().min(10).optional().describe('Width of one window bucket.'),
  decisionLog: z.number().int().min(1).optional().describe('Decisions kept for replay (?since=).'),
  channels: z.array(channelSchema).min(1),
  pools: z
    .array(poolSchema)
    .optional()
    .describe('Pools; any pool named by a channel but not listed here gets the default split.'),
  detectors: detectorsSchema.optional(),
  states: statesSchema.optional(),
  maintenance: z
    .strictObject({
      leadMs: ms.default(60_000).describe('Default drain lead time before a window.'),
      windows: z.array(maintenanceWindowSchema).default([]),
    })
    .default({ leadMs: 60_000, windows: [] }),
});

/** The config file as written. */
export type ConfigInput = z.input<typeof configSchema>;
/** The config after defaults. */
export type ParsedConfig = z.output<typeof configSchema>;
export type ProbeConfig = z.output<typeof probeSchema>;
