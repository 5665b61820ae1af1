#!/usr/bin/env node
// npm run build (and prepare): dist/ from a clean slate.
//   dist/src, dist/simulators  ES modules + .d.ts + source maps (tsconfig.build.json)
//   dist/cjs                   the client and the core files it imports, as CommonJS (tsconfig.cjs.json)
// plus the files the compiled code reads at run time, copied beside it: the dashboard's assets,
// the JSON Schemas, the example config and the shipped scenarios.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const tsc = join(
  dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
  'bin',
  'tsc',
);

rmSync(dist, { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(root, project)], { cwd: root, stdio: 'inherit' });
}
// Inside dist/cjs, .js files are CommonJS whatever the root package.json says.
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');

const ASSETS = ['src/server/dashboard/assets', 'simulators/scenarios'];
const FILES = [
  'src/config/config.schema.json',
  'src/config/example.yaml',
  'simulators/scenario/scenario.schema.json',
];
for (const dir of ASSETS) {
  for (const name of readdirSync(join(root, dir))) {
    if (!name.includes('.test.')) cpSync(join(root, dir, name), join(dist, dir, name));
  }
}
for (const file of FILES) {
  mkdirSync(dirname(join(dist, file)), { recursive: true });
  cpSync(join(root, file), join(dist, file));
}
