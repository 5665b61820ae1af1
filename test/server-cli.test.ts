import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { main } from '../src/cli/main.ts';
import { resolveListen, run } from '../src/cli/monitor.ts';
import { COMMANDS } from '../simulators/cli/commands.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('switchyard CLI', () => {
  let err: string[];
  beforeEach(() => {
    err = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('prints usage and exits 2 on no command, an unknown command or bad monitor flags', async () => {
    expect(await main([], COMMANDS)).toBe(2);
    expect(await main(['fly'], COMMANDS)).toBe(2);
    expect(err.join('')).toContain('unknown command "fly"');
    expect(err.join('')).toContain('monitor');
    expect(await main(['monitor', '--bogus'], COMMANDS)).toBe(2);
    expect(await main(['monitor', '--port', 'http'], COMMANDS)).toBe(2);
    expect(await main(['--help'], COMMANDS)).toBe(0);
    expect(await run(['--help'])).toBe(0);
  });

  it('refuses a bad config file with the field and the fix, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'channels:\n  - id: wechat\n    flavour: wexin\n    pool: qr\n');
    expect(await run(['--config', file])).toBe(2);
    const text = err.join('');
    expect(text).toContain('channels[0].flavour');
    expect(text).toContain('fix: use one of "wechat"');
    expect(await run(['--config', join(dir, 'missing.yaml')])).toBe(2);
  });

  it('refuses to listen on a network with open writes (exit 2), naming the tokens and --insecure-no-auth', async () => {
    expect(await run(['--host', '0.0.0.0', '--port', '0'])).toBe(2);
    const text = err.join('');
    expect(text).toContain('tokens.admin and tokens.ingest');
    expect(text).toContain('--insecure-no-auth');
    err.length = 0;
    const dir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
    const file = join(dir, 'half.yaml');
    writeFileSync(
      file,
      'tokens: { admin: admin-token-1 }\nchannels:\n  - { id: wechat, flavour: wechat, pool: qr }\n',
    );
    expect(await run(['--config', file, '--host', '::', '--port', '0'])).toBe(2);
    expect(err.join('')).toContain('tokens.ingest is not set');
    err.length = 0;
    expect(await main(['simulate', '--host', '0.0.0.0', '--port', '0'], COMMANDS)).toBe(2);
    expect(err.join('')).toMatch(/--token.*--insecure-no-auth/s);
  });

  it('says so and exits 1 when the port is taken', async () => {
    const { createServer } = await import('node:net');
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      expect(await run(['--port', String(port), '--state', 'memory'])).toBe(1);
      expect(err.join('')).toContain('EADDRINUSE');
    } finally {
      busy.close();
    }
  });

  it('takes port and host from flags, then environment, then the file', () => {
    const config = resolveConfig({ ...demoConfigInput(), port: 9000, host: '127.0.0.2' });
    expect(resolveListen(config, {}, {})).toEqual({ port: 9000, host: '127.0.0.2' });
    expect(
      resolveListen(config, {}, { SWITCHYARD_PORT: '9100', SWITCHYARD_HOST: '0.0.0.0' }),
    ).toEqual({ port: 9100, host: '0.0.0.0' });
    expect(
      resolveListen(config, { port: '9200', host: '::1' }, { SWITCHYARD_PORT: '9100' }),
    ).toEqual({ port: 9200, host: '::1' });
    expect(resolveListen(config, { port: '70000' }, {})).toMatch(/bad port/);
  });
});

describe('switchyard monitor process', () => {
  it('bound to every interface knowingly, prints the address it really bound', async () => {
    const child = spawn(
      process.execPath,
      ['bin/switchyard.mjs', 'monitor', '--port', '0', '--host', '0.0.0.0', '--insecure-no-auth'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      let stderr = '';
      const line = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          if (stderr.includes('\n')) resolve(stderr);
        });
        child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      expect(line).toMatch(/on http:\/\/0\.0\.0\.0:\d+, reachable from the network/);
      const local = /here: dashboard (http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1];
      expect((await fetch(`${local}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('serves, then shuts down cleanly with exit 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['bin/switchyard.mjs', 'monitor', '--port', '0', '--state', 'memory'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      let stderr = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          stderr += d;
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
          if (m) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const { channels } = await (await fetch(`${url}/v1/channels`)).json();
      expect(channels).toHaveLength(5);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('"msg":"shutting down"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
