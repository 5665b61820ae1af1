import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingPackages } from './missingPackages.ts';

describe('missingPackages', () => {
  it('finds packages in any node_modules up the tree, scoped ones included', () => {
    const root = mkdtempSync(join(tmpdir(), 'sy-peers-'));
    for (const name of ['hono', '@hono/node-server']) {
      mkdirSync(join(root, 'node_modules', name), { recursive: true });
      writeFileSync(join(root, 'node_modules', name, 'package.json'), '{}');
    }
    mkdirSync(join(root, 'app', 'lib'), { recursive: true });
    const from = pathToFileURL(join(root, 'app', 'lib', 'main.js'));
    expect(missingPackages(['hono', '@hono/node-server', 'zod', '@faker-js/faker'], from)).toEqual([
      'zod',
      '@faker-js/faker',
    ]);
  });
});
