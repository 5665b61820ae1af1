import { z } from 'zod';
import { reasonInput, TIME_FORMS, timeInput, timeZoneInput, toInstant } from './operatorFields.ts';

export interface MaintenanceBodyOptions {
  /** The configured channel ids. */
  channels: readonly string[];
  /** Drain lead time when the body gives none. */
  defaultLeadMs: number;
}

/** What `POST /v1/maintenance` hands the engine. */
export interface PlannedMaintenance {
  channel: string;
  from: number;
  to: number;
  leadMs: number;
  reason?: string;
}

const required = (alias: string) => `required (or ${alias}): ${TIME_FORMS}`;

/** A week: a drain that starts earlier than this before the window is a typo, not a plan. */
export const MAX_LEAD_MS = 7 * 24 * 3_600_000;

const LEAD_MS = `must be a finite number of milliseconds ≥ 0 and at most a week (${MAX_LEAD_MS}), e.g. 600000 to drain 10 min before`;

/**
 * `POST /v1/maintenance`: `{ channel, start|from, end|to, timeZone?, leadMs?, reason? }`.
 * `start`/`end` win over `from`/`to`; wall times need `timeZone` (a window eight hours off
 * drains the wrong night), and the window must end after it starts.
 */
export function maintenanceBody({ channels, defaultLeadMs }: MaintenanceBodyOptions) {
  const known = new Set(channels);
  const channelError = `must be a configured channel id: one of ${channels.join(', ')}`;
  return z
    .object(
      {
        channel: z
          .string({ error: channelError })
          .refine((id) => known.has(id), { error: channelError }),
        start: timeInput.optional(),
        from: timeInput.optional(),
        end: timeInput.optional(),
        to: timeInput.optional(),
        timeZone: timeZoneInput.optional(),
        leadMs: z
          .number({ error: LEAD_MS })
          .min(0, { error: LEAD_MS })
          .max(MAX_LEAD_MS, { error: LEAD_MS })
          .default(defaultLeadMs),
        reason: reasonInput.optional(),
      },
      { error: 'the body must be a JSON object' },
    )
    .transform((b, ctx): PlannedMaintenance => {
      const fromKey = b.start !== undefined ? 'start' : 'from';
      const toKey = b.end !== undefined ? 'end' : 'to';
      const from = toInstant(ctx, fromKey, b[fromKey], b.timeZone, required('start'));
      const to = toInstant(ctx, toKey, b[toKey], b.timeZone, required('end'));
      if (from === undefined || to === undefined) return z.NEVER;
      if (!(to > from)) {
        ctx.addIssue({
          code: 'custom',
          path: [toKey],
          message: `must be after ${fromKey}: the window must end after it starts`,
          input: b[toKey],
        });
        return z.NEVER;
      }
      return {
        channel: b.channel,
        from,
        to,
        leadMs: b.leadMs,
        ...(b.reason !== undefined && { reason: b.reason }),
      };
    });
}
