import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/createClient.ts';
import type { SwitchyardClient } from '../src/client/types.ts';
import type { Decision } from '../src/core/decision.ts';
import { seededRandom } from '../src/core/random.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sy-restart-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Proc {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<number | null>;
  stderr(): string;
}

const procs: Proc[] = [];
const clients: SwitchyardClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

/** `switchyard monitor` as its own process; `shell` wraps it (a file size limit). */
function monitor(args: string[], shell?: string): Proc {
  const argv = ['bin/switchyard.mjs', 'monitor', ...args];
  const child = shell
    ? spawn(
        'bash',
        ['-c', `${shell}; exec "${process.execPath}" ${argv.map((a) => `'${a}'`).join(' ')}`],
        {
          cwd: ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      )
    : spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`monitor exited: ${err}`)));
  });
  url.catch(() => {});
  const p = { child, url, exited, stderr: () => err };
  procs.push(p);
  return p;
}

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json();
const channel = async (url: string, id: string) =>
  (await json(`${url}/v1/channels/${id}`)).channel as {
    state: string;
    until?: number;
    override?: { state: string; until: number };
  };
const health = async (url: string) =>
  (await json(`${url}/healthz`)) as { epoch: string; seq: number };
const put = (url: string, body: unknown) =>
  fetch(url, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

/** Wechat fails every call: the monitor takes it down within the batch. */
async function failWechat(url: string) {
  const now = Date.now();
  const events = Array.from({ length: 60 }, (_, i) => ({
    channel: i % 3 ? 'wechat' : 'alipay',
    outcome: i % 3 ? 'error' : 'success',
    latencyMs: 100,
    at: now - 2000 + i * 20,
  }));
  expect((await post(`${url}/v1/outcomes`, events)).status).toBe(202);
  await until(async () => (await channel(url, 'wechat')).state === 'down');
}

function follow(url: string) {
  const c = createClient({
    url,
    channels: [
      { id: 'wechat', pool: 'qr', priority: 1 },
      { id: 'alipay', pool: 'qr', priority: 2 },
      { id: 'unionpay', pool: 'qr', priority: 3 },
    ],
    rng: seededRandom(1),
    backoffRng: seededRandom(2),
    reconnect: { baseMs: 50, maxMs: 200 },
  });
  clients.push(c);
  const seen: Decision[] = [];
  const snapshots: boolean[] = [];
  c.onDecision((d) => seen.push(d));
  return { c, seen, snapshots };
}

const portOf = (url: string) => new URL(url).port;

describe('a restart forgets nothing (real processes)', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`${signal}: still down with the same ejection end, same epoch, seq goes on; the gateway saw every decision once and never picked the broken channel`, async () => {
      const dir = tmp();
      const a = monitor(['--port', '0', '--state-dir', dir]);
      const url = await a.url;
      const g = follow(url);
      await until(() => g.c.stats().connected);
      await failWechat(url);
      const down = await channel(url, 'wechat');
      const before = await health(url);
      await until(() => g.c.stats().seq === before.seq);
      const picks = new Set<string | null>();
      const pick = () => picks.add(g.c.pick('qr', { amount: 100 }).channel);
      for (let i = 0; i < 200; i++) pick();

      a.child.kill(signal);
      expect(await a.exited).toBe(signal === 'SIGTERM' ? 0 : null);
      for (let i = 0; i < 200; i++) pick();
      const b = monitor(['--port', portOf(url), '--state-dir', dir]);
      expect(await b.url).toBe(url);
      expect(await channel(url, 'wechat')).toMatchObject({ state: 'down', until: down.until });
      expect(await health(url)).toEqual(before);
      await until(() => g.c.stats().reconnects > 0 && g.c.stats().connected);
      expect(g.c.stats().epoch).toBe(before.epoch);
      for (let i = 0; i < 200; i++) pick();

      expect(
        (await put(`${url}/v1/channels/unionpay/override`, { state: 'degraded', forMs: 600_000 }))
          .status,
      ).toBe(200);
      expect((await health(url)).seq).toBe(before.seq + 1);
      await until(() => g.seen.length === before.seq + 1);
      expect(g.seen.map((d) => d.seq)).toEqual(
        Array.from({ length: before.seq + 1 }, (_, i) => i + 1),
      );
      expect(picks.has('wechat')).toBe(false);
      expect(picks.has('alipay')).toBe(true);
      b.child.kill('SIGTERM');
      expect(await b.exited).toBe(0);
    });
  }

  it('overrides and maintenance bookings set over HTTP survive a kill -9; time passed while down is applied', async () => {
    const dir = tmp();
    const a = monitor(['--port', '0', '--state-dir', dir]);
    const url = await a.url;
    expect(
      (
        await put(`${url}/v1/channels/bank_b/override`, {
          state: 'down',
          forMs: 600_000,
          reason: 'bank said so',
        })
      ).status,
    ).toBe(200);
    expect(
      (await put(`${url}/v1/channels/unionpay/override`, { state: 'down', forMs: 1_500 })).status,
    ).toBe(200);
    const from = Date.now() + 3_600_000;
    const booked = await post(`${url}/v1/maintenance`, {
      channel: 'alipay',
      from,
      to: from + 1_800_000,
      reason: 'upgrade',
    });
    expect(booked.status).toBe(201);
    const bankB = await channel(url, 'bank_b');
    const { maintenance } = await json(`${url}/v1/maintenance`);
    a.child.kill('SIGKILL');
    await a.exited;
    await new Promise((r) => setTimeout(r, 1_600));

    const b = monitor(['--port', '0', '--state-dir', dir]);
    const url2 = await b.url;
    expect(await channel(url2, 'bank_b')).toMatchObject({
      state: 'down',
      override: bankB.override,
    });
    expect((await json(`${url2}/v1/maintenance`)).maintenance).toEqual(maintenance);
    // The short override ended while the monitor was down: lapsed on start, into trial calls.
    expect((await channel(url2, 'unionpay')).state).toBe('probing');
    const last = (await json(`${url2}/v1/decisions?since=2`)).decisions as Decision[];
    expect(last.map((d) => [d.channel, d.reason])).toEqual([['unionpay', 'manual_expired']]);
  });

  it('a damaged journal: starts with every intact record, says what it skipped (log and metric)', async () => {
    const dir = tmp();
    const a = monitor(['--port', '0', '--state-dir', dir]);
    const url = await a.url;
    await failWechat(url);
    const down = await channel(url, 'wechat');
    a.child.kill('SIGKILL');
    await a.exited;
    appendFileSync(join(dir, 'journal.log'), Buffer.from('SYJ1\u0005\u0000\u0000\u0000torn'));

    const b = monitor(['--port', '0', '--state-dir', dir]);
    const url2 = await b.url;
    expect(await channel(url2, 'wechat')).toMatchObject({ state: 'down', until: down.until });
    const metrics = await (await fetch(`${url2}/metrics`)).text();
    expect(metrics).toMatch(/^switchyard_state_skipped_records_total 1$/m);
  });

  it('refuses a second monitor on the same directory, and an unwritable one, with exit 2 and the fix', async () => {
    const dir = tmp();
    const a = monitor(['--port', '0', '--state-dir', dir]);
    await a.url;
    const b = monitor(['--port', '0', '--state-dir', dir]);
    expect(await b.exited).toBe(2);
    expect(b.stderr()).toContain(`in use by pid ${a.child.pid}`);
    expect(b.stderr()).toContain('another --state-dir');

    const file = join(tmp(), 'file');
    writeFileSync(file, '');
    const c = monitor(['--port', '0', '--state-dir', join(file, 'state')]);
    expect(await c.exited).toBe(2);
    expect(c.stderr()).toContain(`cannot keep state in ${join(file, 'state')}`);
    expect(c.stderr()).toContain('--state memory');
  });

  it('a full disk (a file size limit): keeps serving and deciding, counts the failures; the restart starts a new epoch with the state it kept', async () => {
    const dir = tmp();
    const a = monitor(['--port', '0', '--state-dir', dir], 'ulimit -f 24');
    const url = await a.url;
    const { epoch } = await health(url);
    await failWechat(url);
    const metric = async () =>
      Number(
        /^switchyard_state_write_errors_total (\d+)$/m.exec(
          await (await fetch(`${url}/metrics`)).text(),
        )?.[1],
      );
    for (let i = 0; i < 60 && (await metric()) === 0; i++) {
      const now = Date.now();
      await post(
        `${url}/v1/outcomes`,
        Array.from({ length: 200 }, (_, j) => ({
          channel: ['alipay', 'unionpay', 'bank_a'][j % 3],
          outcome: 'success',
          latencyMs: j % 500,
          at: now - j,
        })),
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await metric()).toBeGreaterThan(0);
    expect(
      (await put(`${url}/v1/channels/bank_b/override`, { state: 'down', forMs: 600_000 })).status,
    ).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    a.child.kill('SIGKILL');
    await a.exited;

    const b = monitor(['--port', '0', '--state-dir', dir]);
    const url2 = await b.url;
    expect((await health(url2)).epoch).not.toBe(epoch);
    expect((await channel(url2, 'wechat')).state).toBe('down');
  });
});
