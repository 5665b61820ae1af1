import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');
const CORE = join(SRC, 'core');
const SIMULATORS = join(ROOT, 'simulators');

/**
 * Every import specifier written as a literal: static, type-only, re-exports, side-effect and
 * dynamic imports. Comments are not stripped: a false alarm in a comment is cheaper than a real
 * import hidden by a string that looks like one.
 */
function importSpecifiers(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"`])([^'"`]+)\1/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[2]));
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** `file: specifier` for each import of `file` that resolves into simulators/. */
function simulatorImports(file: string, text: string): string[] {
  return importSpecifiers(text)
    .filter((s) => s.startsWith('.') || isAbsolute(s))
    .filter((s) => inside(SIMULATORS, resolve(dirname(file), s)))
    .map((s) => `${relative(ROOT, file)}: ${s}`);
}

const IO_PACKAGES = /^(?:hono|ws|prom-client|ioredis|@hono\/[^/]+)(?:\/|$)/;

/** `file: specifier` for each I/O import of a file under src/core/ (the core stays pure). */
function coreIoImports(file: string, text: string): string[] {
  if (!inside(CORE, file)) return [];
  return importSpecifiers(text)
    .filter((s) => IO_PACKAGES.test(s) || s.startsWith('node:') || builtinModules.includes(s))
    .map((s) => `${relative(ROOT, file)}: ${s}`);
}

const srcFiles = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(SRC, f));

describe('layering', () => {
  it('finds every form of import, so that the rules below can fail', () => {
    const text = [
      "import a from './a.ts';",
      'import type { B } from "../b.ts";',
      "import {\n  c,\n  type D,\n} from '../c.ts';",
      "export * from './e.ts';",
      "export { f } from './f.ts';",
      "import './g.ts';",
      "const h = await import('./h.ts' as string);",
      'const i = import(`./i.ts`);',
    ].join('\n');
    expect(importSpecifiers(text).sort()).toEqual(
      ['./a.ts', '../b.ts', '../c.ts', './e.ts', './f.ts', './g.ts', './h.ts', './i.ts'].sort(),
    );
    const cli = join(SRC, 'cli', 'x.ts');
    expect(simulatorImports(cli, "import { s } from '../../simulators/cli/simulate.ts';")).toEqual([
      'src/cli/x.ts: ../../simulators/cli/simulate.ts',
    ]);
    expect(simulatorImports(cli, "import { m } from './monitor.ts';")).toEqual([]);
    const core = join(CORE, 'x.ts');
    const io = [
      "import { Hono } from 'hono';",
      "import 'node:fs';",
      "import { readFileSync } from 'fs';",
      "import { serve } from '@hono/node-server';",
      "import type { Clock } from './clock.ts';",
    ].join('\n');
    expect(coreIoImports(core, io).sort()).toEqual(
      ['hono', 'node:fs', 'fs', '@hono/node-server'].map((s) => `src/core/x.ts: ${s}`).sort(),
    );
    expect(coreIoImports(join(SRC, 'server', 'x.ts'), io)).toEqual([]);
  });

  it('src/ imports nothing from simulators/ (simulators and loadtests may import src)', () => {
    expect(srcFiles.length).toBeGreaterThan(50);
    const found = srcFiles.flatMap((f) => simulatorImports(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  it('src/core/ imports no hono, ws, prom-client, ioredis, @hono/* or node: module', () => {
    const found = srcFiles.flatMap((f) => coreIoImports(f, readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
