import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The packages of `names` not installed where Node would look for them from `from` (a file URL):
 * each looked for as a folder on the node_modules path, so that an ESM-only package counts too.
 */
export function missingPackages(names: readonly string[], from: string | URL): string[] {
  const dirs = createRequire(from).resolve.paths('switchyard') ?? [];
  return names.filter((name) => !dirs.some((dir) => existsSync(join(dir, name, 'package.json'))));
}
