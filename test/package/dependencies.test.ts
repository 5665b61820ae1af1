import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../simulators/cli/commands.ts';
import { MONITOR_PACKAGES } from '../../src/cli/main.ts';

/**
 * What the package's compiled code imports, read from dist/ (built by the global setup): type-only
 * imports are gone there, so what is left is what runs. The consumer test installs the tarball
 * for real; this one says which file pulls which package when a rule breaks.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

function specifiers(text: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
    /\bimport\s*(['"])([^'"]+)\1/g,
    /\bimport\s*\(\s*(['"`])([^'"`]+)\1/g,
    /\brequire\s*\(\s*(['"])([^'"]+)\1/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[2]!));
}

const isBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s);
const packageName = (s: string) =>
  s
    .split('/')
    .slice(0, s.startsWith('@') ? 2 : 1)
    .join('/');

/** Package → the files importing it, over the graph of compiled files reachable from `entry`. */
function packagesReached(entry: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const s of specifiers(readFileSync(file, 'utf8'))) {
      if (s.startsWith('.')) queue.push(resolve(dirname(file), s));
      else if (!isBuiltin(s)) {
        const name = packageName(s);
        found.set(name, [...(found.get(name) ?? []), relative(DIST, file)]);
      }
    }
  }
  return found;
}

/** The compiled module of each command: src's under dist/src/cli, the simulators' under dist/simulators/cli. */
const commandModule = (name: string) =>
  [join(DIST, 'src', 'cli', `${name}.js`), join(DIST, 'simulators', 'cli', `${name}.js`)].find(
    (f) => existsSync(f),
  )!;

describe('the package’s dependencies', () => {
  it('the client, as ES module and as CommonJS, imports ws and nothing else', () => {
    expect(Object.keys(pkg.dependencies)).toEqual(['ws']);
    for (const entry of ['src/client/index.js', 'cjs/client/index.js']) {
      expect([...packagesReached(join(DIST, entry)).keys()], entry).toEqual(['ws']);
    }
  });

  it('the library root imports the monitor’s packages, the ones `switchyard monitor` needs', () => {
    const reached = [...packagesReached(join(DIST, 'src/index.js')).keys()].filter(
      (p) => !(p in pkg.dependencies),
    );
    expect(reached.sort()).toEqual([...MONITOR_PACKAGES].sort());
  });

  it('each command declares the optional peers its module graph imports, and no more', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      const reached = [...packagesReached(commandModule(name)).keys()].filter(
        (p) => !(p in pkg.dependencies),
      );
      expect([...(command.needs ?? [])].sort(), name).toEqual(reached.sort());
    }
  });

  it('every package dist/ imports is a dependency or an optional peer that the clone installs', () => {
    const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    );
    expect(files.length).toBeGreaterThan(100);
    const imported = new Set(
      files.flatMap((f) =>
        specifiers(readFileSync(join(DIST, f), 'utf8'))
          .filter((s) => !s.startsWith('.') && !isBuiltin(s))
          .map(packageName),
      ),
    );
    const declared = { ...pkg.dependencies, ...pkg.peerDependencies };
    expect([...imported].filter((p) => !(p in declared))).toEqual([]);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(
      [...imported].filter((p) => !(p in pkg.dependencies)).sort(),
    );
    for (const [peer, range] of Object.entries(pkg.peerDependencies)) {
      expect(pkg.peerDependenciesMeta[peer]?.optional, peer).toBe(true);
      expect(pkg.devDependencies[peer], peer).toBe(range);
    }
  });
});
