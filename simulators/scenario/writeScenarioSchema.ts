import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from './scenarioSchema.ts';

/** simulators/scenario/scenario.schema.json, regenerated from the zod schema (a test keeps the two in step). */
export const SCENARIO_SCHEMA_PATH = fileURLToPath(
  new URL('./scenario.schema.json', import.meta.url),
);

export function scenarioSchemaText(): string {
  return `${JSON.stringify({ $id: 'https://switchyard.dev/schemas/scenario.schema.json', title: 'switchyard scenario', ...scenarioJsonSchema() }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  writeFileSync(SCENARIO_SCHEMA_PATH, scenarioSchemaText());
