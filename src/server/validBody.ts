import type { z } from 'zod';
import { HttpError } from './HttpError.ts';

/** `value` checked by `schema`, or a 400 `invalid_request` naming every bad field. */
export function validBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw HttpError.invalid(
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
