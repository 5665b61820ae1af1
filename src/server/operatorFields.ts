import { z } from 'zod';
import { parseZonedTime, TimeParseError } from '../config/zonedTime.ts';

// The fields the operator's bodies share: times (and their time zone) and a reason.

/** The last instant ISO-8601 writes with a four-digit year; later is a typo, never a plan. */
export const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The ways a time may be written, for messages. */
export const TIME_FORMS = 'epoch ms, ISO-8601 with offset, or "YYYY-MM-DD HH:mm" with timeZone';

/** A time as sent: read into an instant by `toInstant`, once the body's `timeZone` is known. */
export const timeInput = z.union([z.number(), z.string()], {
  error: `must be a time: ${TIME_FORMS} (a number must be finite)`,
});

export const timeZoneInput = z.string({
  error: 'must be an IANA time zone name such as Asia/Shanghai',
});

export const REASON_MAX = 200;

/** A note for people, shown with the decision or the window. */
export const reasonInput = z
  .string({ error: `must be a string of at most ${REASON_MAX} characters` })
  .max(REASON_MAX, { error: `must be at most ${REASON_MAX} characters: shorten it` });

/** Where a body's problems go: zod's transform context. */
type Issues = Pick<z.RefinementCtx, 'addIssue'>;

/**
 * The instant `value` names (epoch ms, ISO with offset, or wall time in `timeZone`), or undefined
 * after adding an issue at `key` when it is missing (saying `missing`), unreadable or outside
 * 1970…9999.
 */
export function toInstant(
  ctx: Issues,
  key: string,
  value: string | number | undefined,
  timeZone: string | undefined,
  missing = `required: ${TIME_FORMS}`,
): number | undefined {
  const problem = (message: string) => {
    ctx.addIssue({ code: 'custom', path: [key], message, input: value });
    return undefined;
  };
  if (value === undefined) return problem(missing);
  let t: number;
  try {
    t = parseZonedTime(value, timeZone);
  } catch (e) {
    if (e instanceof TimeParseError) return problem(e.message);
    throw e;
  }
  // A digit string can be as large as it likes: Number('1' + '0'.repeat(400)) is Infinity.
  if (!(t >= 0 && t <= LATEST_TIME))
    return problem(`${show(value)} is not a time between 1970 and 9999: send ${TIME_FORMS}`);
  return t;
}

function show(value: string | number): string {
  const s = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}
