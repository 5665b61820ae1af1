import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One `packages` entry of a v3 lockfile (the fields this file reads; the rest are copied as they are). */
interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  [field: string]: unknown;
}
type Lock = { packages: Record<string, LockEntry> };

/** The folder a lockfile path's package sits in: `node_modules/a/node_modules/b` → `node_modules/a`. */
function parentOf(path: string): string {
  const i = path.lastIndexOf('/node_modules/');
  return i === -1 ? '' : path.slice(0, i);
}

/** Where Node finds `name` from the package at `from`, walking up as the resolver does. */
function locate(lock: Lock, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = parentOf(dir)) {
    const path = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[path]) return path;
    if (dir === '') return undefined;
  }
}

/**
 * The entries of `lock` that `names` (installed at the top) need, at the paths they have there: a
 * sub-tree of a tree npm laid out, so every package finds the same version it finds in the repo.
 */
function closure(lock: Lock, names: Iterable<string>): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const queue: [from: string, name: string, optional: boolean][] = [...names].map((n) => [
    '',
    n,
    false,
  ]);
  for (let item = queue.pop(); item; item = queue.pop()) {
    const [from, name, optional] = item;
    const path = locate(lock, from, name);
    if (!path) {
      if (optional) continue;
      throw new Error(`${name} (needed from "${from}") is not in the repo's package-lock.json`);
    }
    if (out[path]) continue;
    const { dev, devOptional, peer, ...entry } = lock.packages[path]!;
    out[path] = entry;
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(entry.dependencies ?? {})) queue.push([path, dep, false]);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, dep, true]);
    for (const dep of Object.keys(entry.peerDependencies ?? {}))
      queue.push([path, dep, optionalPeers[dep]?.optional === true]);
  }
  return out;
}

export interface ConsumerOptions {
  /** The project's folder (created). */
  dir: string;
  /** The packed switchyard tarball. */
  tarball: string;
  /** Packages beside switchyard, at the versions the repo's lockfile holds. */
  dependencies?: string[];
  devDependencies?: string[];
  /** The repo's root, whose package-lock.json gives versions and integrity. */
  root: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A fresh project depending on the tarball, installed with `npm ci --offline`: a project without
 * a lockfile makes npm ask the registry for every package's metadata, so this writes the project's
 * lockfile from the repo's (versions and integrity hashes), and npm takes the tarballs from the
 * cache that the repo's own `npm ci` filled.
 */
export async function installConsumer(o: ConsumerOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  const lock = JSON.parse(readFileSync(join(o.root, 'package-lock.json'), 'utf8')) as Lock;
  const manifest = JSON.parse(readFileSync(join(o.root, 'package.json'), 'utf8')) as LockEntry & {
    name: string;
  };
  const spec = `file:${o.tarball}`;
  const pinned = (names: string[] = []) =>
    Object.fromEntries(names.map((n) => [n, lock.packages[`node_modules/${n}`]!.version!]));
  const root = {
    name: 'switchyard-consumer',
    private: true,
    type: 'module',
    dependencies: { switchyard: spec, ...pinned(o.dependencies) },
    devDependencies: pinned(o.devDependencies),
  };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(o.tarball)).digest('base64')}`;
  const { version, license, dependencies, bin, engines, peerDependencies, peerDependenciesMeta } =
    manifest;
  const packages: Record<string, LockEntry> = {
    '': root,
    'node_modules/switchyard': {
      version,
      resolved: spec,
      integrity,
      license,
      dependencies,
      bin,
      engines,
      peerDependencies,
      peerDependenciesMeta,
    },
    ...closure(lock, [
      ...Object.keys(dependencies ?? {}),
      ...(o.dependencies ?? []),
      ...(o.devDependencies ?? []),
    ]),
  };
  writeFileSync(join(o.dir, 'package.json'), `${JSON.stringify(root, null, 2)}\n`);
  writeFileSync(
    join(o.dir, 'package-lock.json'),
    `${JSON.stringify({ name: root.name, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], { cwd: o.dir, env: o.env });
}

/** Writes `files` (path relative to `dir` → text), creating folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * The environment for the npm and node processes of the test: npm's own variables dropped (run by
 * `npm test`, they would point npm at the repo), the cache kept, the network off.
 */
export function consumerEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || keep.has(k.toLowerCase())),
  );
  return {
    ...env,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}
