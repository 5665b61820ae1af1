import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerEnv, installConsumer, writeFiles } from './consumerProject.ts';

/**
 * The package as a user gets it: `npm pack`, then the tarball installed offline into fresh
 * projects, and run for real on the Node running this test (.ci/run repeats it on every line).
 * - client/: switchyard alone (a gateway), plus typescript and @types/node to compile against it;
 * - monitor/: switchyard with the monitor's and simulators' optional peers.
 * Every flavour of client (ESM, CommonJS, TypeScript node16 ESM and CJS, TypeScript bundler with
 * emit) follows the packaged monitor's stream and reports an outcome to it.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const MONITOR_PEERS = ['hono', '@hono/node-server', 'prom-client', 'yaml', 'zod'];
const run = promisify(execFile);
const env = consumerEnv();

let work: string;
let clientDir: string;
let monitorDir: string;
let monitor: { child: ChildProcess; url: string; exited: Promise<number | null> };
/** What the tarball holds. */
let files: string[];
/** Outcomes the clients reported (each flavour one). */
let reports = 0;

/** The client every flavour runs: wait for the snapshot, pick, report, close; print what happened. */
function clientScript(flavour: 'esm' | 'cjs' | 'ts-esm' | 'ts-cjs'): string {
  const ts = flavour.startsWith('ts');
  const importLine =
    flavour === 'cjs'
      ? "const { createClient } = require('switchyard/client');"
      : ts
        ? "import { createClient, type ChannelRule, type PickResult } from 'switchyard/client';"
        : "import { createClient } from 'switchyard/client';";
  return `${importLine}

async function main()${ts ? ': Promise<void>' : ''} {
  const channels${ts ? ': ChannelRule[]' : ''} = [
    { id: 'wechat', pool: 'qr', priority: 1 },
    { id: 'alipay', pool: 'qr', priority: 2 },
  ];
  const sy = createClient({ url: process.env.MONITOR_URL${ts ? '!' : ''}, channels });
  const until = Date.now() + 10_000;
  while (sy.stats().epoch === null && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const pick${ts ? ': PickResult' : ''} = sy.pick('qr', { amount: 3980 });
  ${ts ? "// @ts-expect-error the types are the package's own, not any: amount is a number\n  sy.pick('qr', { amount: '39.80' });\n  " : ''}if (pick.channel !== null) sy.report({ channel: pick.channel, outcome: 'success', latencyMs: 120 });
  const epoch = sy.stats().epoch;
  await sy.close();
  console.log(JSON.stringify({ flavour: '${flavour}', epoch, pick, reported: sy.stats().reported }));
}
main();
`;
}

async function node(cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, args, { cwd, env: { ...env, ...extra } });
}

async function tsc(dir: string): Promise<void> {
  await node(dir, [join(clientDir, 'node_modules/typescript/bin/tsc'), '-p', '.']);
}

/** Starts the installed bin's monitor on a free port; resolves once it says where it listens. */
function startMonitor(): Promise<typeof monitor> {
  const bin = realpathSync(join(monitorDir, 'node_modules/.bin/switchyard'));
  const child = spawn(process.execPath, [bin, 'monitor', '--port', '0'], {
    cwd: monitorDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /monitor on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ child, url: m[1]!, exited });
    });
    child.on('exit', (code) => reject(new Error(`monitor exited ${code}:\n${err}`)));
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sy-consumer-'));
  // dist/ was built from these sources by the global setup; a prepare run here would rebuild it
  // under the feet of the other test files that run the bin.
  const { stdout } = await run(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
    { cwd: ROOT, env },
  );
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  const { filename } = packed;
  files = packed.files.map((f) => f.path);
  const tarball = join(work, filename);
  clientDir = join(work, 'client');
  monitorDir = join(work, 'monitor');
  await Promise.all([
    installConsumer({
      dir: clientDir,
      tarball,
      root: ROOT,
      env,
      devDependencies: ['typescript', '@types/node'],
    }),
    installConsumer({
      dir: monitorDir,
      tarball,
      root: ROOT,
      env,
      dependencies: [...MONITOR_PEERS, '@faker-js/faker'],
    }),
  ]);
  monitor = await startMonitor();
}, 180_000);

afterAll(async () => {
  if (monitor) {
    monitor.child.kill('SIGTERM');
    await monitor.exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`the packed tarball, installed offline in a fresh project, on Node ${process.version}`, () => {
  it('the tarball holds the build, the bin and the docs: no sources, tests, benches or pictures', () => {
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(top).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'bin',
      'dist',
      'docs',
      'package.json',
    ]);
    expect(files.filter((f) => /\.test\.|\.ts$|\.png$/.test(f) && !f.endsWith('.d.ts'))).toEqual(
      [],
    );
    expect(files).toContain('dist/cjs/client/index.js');
    expect(files).toContain('docs/CONTRACT.md');
  });

  it('a client-only install is switchyard and ws, nothing else', async () => {
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: clientDir,
      env,
    });
    const installed = stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(installed.sort()).toEqual(['switchyard', 'ws']);
  });

  it('the monitor answers /healthz and serves the dashboard and the REST API', async () => {
    expect((await fetch(`${monitor.url}/healthz`)).status).toBe(200);
    const page = await fetch(`${monitor.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect((await fetch(`${monitor.url}/v1/channels`)).status).toBe(200);
  });

  it('imports as an ES module and requires as CommonJS, following the monitor and reporting to it', async () => {
    writeFiles(clientDir, { 'esm.mjs': clientScript('esm'), 'cjs.cjs': clientScript('cjs') });
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const { stdout } = await node(clientDir, [file], { MONITOR_URL: monitor.url });
      const out = JSON.parse(stdout) as { epoch: string | null; pick: { reason: string } };
      expect(out.epoch, file).toEqual(expect.any(String));
      expect(out.pick.reason, file).toBe('weight');
      expect(out, file).toMatchObject({ reported: 1 });
      reports++;
    }
  });

  it('compiles with TypeScript, moduleResolution node16 (ESM and CJS files) and bundler, and the output runs', async () => {
    const strict = { strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' };
    writeFiles(clientDir, {
      'ts-node16/tsconfig.json': JSON.stringify({
        compilerOptions: {
          ...strict,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
        },
      }),
      'ts-node16/esm.mts': clientScript('ts-esm'),
      'ts-node16/cjs.cts': clientScript('ts-cjs'),
      'ts-bundler/tsconfig.json': JSON.stringify({
        compilerOptions: {
          ...strict,
          module: 'esnext',
          moduleResolution: 'bundler',
          target: 'es2022',
        },
      }),
      'ts-bundler/index.ts': clientScript('ts-esm'),
    });
    await Promise.all([tsc(join(clientDir, 'ts-node16')), tsc(join(clientDir, 'ts-bundler'))]);
    for (const file of [
      'ts-node16/out/esm.mjs',
      'ts-node16/out/cjs.cjs',
      'ts-bundler/out/index.js',
    ]) {
      const { stdout } = await node(clientDir, [file], { MONITOR_URL: monitor.url });
      expect(JSON.parse(stdout), file).toMatchObject({ pick: { reason: 'weight' }, reported: 1 });
      reports++;
    }
  });

  it('the monitor counted every client’s report', async () => {
    expect(reports).toBe(5);
    const res = await fetch(`${monitor.url}/v1/channels`);
    const { channels } = (await res.json()) as {
      channels: { windows: Record<string, { counts: { success: number } }> }[];
    };
    expect(channels.reduce((n, c) => n + c.windows['60s']!.counts.success, 0)).toBe(reports);
  });

  it('npx switchyard --version prints the version; a command missing its peers says what to install', async () => {
    for (const dir of [clientDir, monitorDir]) {
      const { stdout } = await run('npx', ['switchyard', '--version'], { cwd: dir, env });
      expect(stdout).toBe(`${VERSION}\n`);
    }
    const failed = await run('npx', ['switchyard', 'monitor'], { cwd: clientDir, env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain(
      `npm install ${MONITOR_PEERS.join(' ')}`,
    );
  });

  it('the library root loads by import and by require, and the JSON Schemas are exported', async () => {
    const script = `
      const esm = await import('switchyard');
      const { createRequire } = await import('node:module');
      const require = createRequire(import.meta.url);
      const cjs = require('switchyard');
      const schema = require('switchyard/schemas/config.schema.json');
      const scenario = require('switchyard/schemas/scenario.schema.json');
      const pkg = require('switchyard/package.json');
      console.log(JSON.stringify({
        esm: typeof esm.startMonitor, cjs: typeof cjs.Engine,
        schema: schema.$schema, scenario: scenario.$schema, version: pkg.version,
      }));`;
    const { stdout } = await node(monitorDir, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual({
      esm: 'function',
      cjs: 'function',
      schema: 'https://json-schema.org/draft/2020-12/schema',
      scenario: 'https://json-schema.org/draft/2020-12/schema',
      version: VERSION,
    });
  });

  it('runs a shipped scenario in virtual time with the simulators (faker installed)', async () => {
    const file = join(
      monitorDir,
      'node_modules/switchyard/dist/simulators/scenarios/maintenance-night.yaml',
    );
    const { stdout } = await run('npx', ['switchyard', 'scenario', 'run', file, '--virtual'], {
      cwd: monitorDir,
      env,
    });
    expect(stdout).toMatch(/^scenario maintenance-night .*: PASS/);
  });

  it('shuts down on SIGTERM with exit 0', async () => {
    monitor.child.kill('SIGTERM');
    expect(await monitor.exited).toBe(0);
  });
});
