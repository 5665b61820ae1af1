#!/usr/bin/env node
// npm run build (and prepare): dist/ from a clean slate.
//   dist/src, dist/simulators  ES modules + .d.ts + source maps (tsconfig.build.json)
//   dist/cjs                   the client and the core files it imports, as CommonJS (tsconfig.cjs.json)
// plus the files the compiled code reads at run time, copied beside it: the dashboard's assets,
// the JSON Schemas, the example config and the shipped scenarios.
// It builds into a folder of its own and then swaps it in, so that a program running dist/ (a
// test spawning the bin, another test run) never meets a half-written tree.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const out = join(root, `.dist-build-${process.pid}`);
const tsc = typescriptBin();

const ASSETS = ['src/server/dashboard/assets', 'simulators/scenarios'];
const FILES = [
  'src/config/config.schema.json',
  'src/config/example.yaml',
  'simulators/scenario/scenario.schema.json',
];

try {
  for (const [project, outDir] of [
    ['tsconfig.build.json', out],
    ['tsconfig.cjs.json', join(out, 'cjs')],
  ]) {
    execFileSync(process.execPath, [tsc, '-p', join(root, project), '--outDir', outDir], {
      cwd: root,
      stdio: 'inherit',
    });
  }
  // Inside dist/cjs, .js files are CommonJS whatever the root package.json says.
  writeFileSync(join(out, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
  for (const dir of ASSETS) {
    for (const name of readdirSync(join(root, dir))) {
      if (!name.includes('.test.')) cpSync(join(root, dir, name), join(out, dir, name));
    }
  }
  for (const file of FILES) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(root, file), join(out, file));
  }
  const old = `${out}-old`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(out, dist);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(out, { recursive: true, force: true });
}

/**
 * tsc from the devDependencies. Without them (`npm ci --omit=dev` in a clone) prepare builds
 * nothing rather than failing the install; the bin then says that dist/ is missing.
 */
function typescriptBin() {
  try {
    const pkg = createRequire(import.meta.url).resolve('typescript/package.json');
    return join(dirname(pkg), 'bin', 'tsc');
  } catch {
    const prepare = process.env.npm_lifecycle_event === 'prepare';
    process.stderr.write(
      `switchyard build: typescript is not installed (dev dependencies omitted?); ${prepare ? 'dist/ not built' : 'run npm install first'}\n`,
    );
    process.exit(prepare ? 0 : 1);
  }
}
