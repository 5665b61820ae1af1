import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { CHANNEL_STATES } from '../core/decision.ts';
import type { OverrideView } from '../core/views.ts';
import {
  LATEST_TIME,
  reasonInput,
  TIME_FORMS,
  timeInput,
  timeZoneInput,
  toInstant,
} from './operatorFields.ts';

const FOR_MS = 'must be a finite number of milliseconds > 0, e.g. 3600000 for an hour';

/**
 * `PUT /v1/channels/:id/override`: `{ state, forMs | until, timeZone?, reason? }` → the override.
 * `forMs` wins over `until`; either way the override must end in the future and by year 9999.
 */
export function overrideBody(clock: Clock) {
  return z
    .object(
      {
        state: z.enum(CHANNEL_STATES, { error: `must be one of ${CHANNEL_STATES.join(', ')}` }),
        forMs: z.number({ error: FOR_MS }).positive({ error: FOR_MS }).optional(),
        until: timeInput.optional(),
        timeZone: timeZoneInput.optional(),
        reason: reasonInput.default('manual override'),
      },
      { error: 'the body must be a JSON object' },
    )
    .transform((b, ctx): OverrideView => {
      const now = clock.now();
      const fail = (path: 'forMs' | 'until', message: string) => {
        ctx.addIssue({ code: 'custom', path: [path], message, input: b[path] });
        return z.NEVER;
      };
      if (b.forMs !== undefined) {
        if (now + b.forMs > LATEST_TIME)
          return fail(
            'forMs',
            `${b.forMs} ms from now is after year 9999: give at most ${LATEST_TIME - now} ms`,
          );
        return { state: b.state, until: now + b.forMs, reason: b.reason };
      }
      const until = toInstant(
        ctx,
        'until',
        b.until,
        b.timeZone,
        `required unless forMs is given: ${TIME_FORMS}`,
      );
      if (until === undefined) return z.NEVER;
      if (!(until > now))
        return fail('until', `must be in the future (now is ${new Date(now).toISOString()})`);
      return { state: b.state, until, reason: b.reason };
    });
}
