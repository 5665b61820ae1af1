import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.ts';

/** The JSON Schema users cite from their config files (`# yaml-language-server: $schema=…`). */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>;
  return JSON.stringify({ ...schema, title: 'switchyard monitor config' }, null, 2) + '\n';
}

export const JSON_SCHEMA_PATH = fileURLToPath(new URL('./config.schema.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(JSON_SCHEMA_PATH, configJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_PATH}`);
}
