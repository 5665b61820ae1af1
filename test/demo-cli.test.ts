import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/switchyard.mjs', import.meta.url));

/** Polls `check` until it returns a value, for at most `ms`. */
async function eventually<T>(check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('switchyard demo (what npm start runs)', () => {
  it('runs monitor, simulators, checkout and traffic, probes every channel, and stops on Ctrl-C with 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'demo', '--port', '0', '--sim-port', '0', '--checkout-port', '0', '--rate', '40'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    try {
      const urls = await eventually(async () => {
        const dash = /dashboard\s+(http:\S+)\//.exec(err);
        const checkout = /checkout\s+(http:\S+) /.exec(err);
        return dash && checkout ? { monitor: dash[1], checkout: checkout[1] } : undefined;
      }, 20_000);
      expect((await fetch(`${urls.monitor}/`)).status).toBe(200);
      // shop traffic flows through the checkout, following the monitor
      const paid = await eventually(async () => {
        const s = (await (await fetch(`${urls.checkout}/stats`)).json()) as {
          strategies: { switchyard: { succeeded: number } };
        };
        return s.strategies.switchyard.succeeded >= 20
          ? s.strategies.switchyard.succeeded
          : undefined;
      }, 15_000);
      expect(paid).toBeGreaterThanOrEqual(20);
      // the monitor hears live outcomes and its own probes of every channel
      const channels = await eventually(async () => {
        const body = (await (await fetch(`${urls.monitor}/v1/channels`)).json()) as {
          channels: Array<{ id: string; windows: { '60s': { probes: number; total: number } } }>;
        };
        return body.channels.every((c) => c.windows['60s'].probes > 0) ? body.channels : undefined;
      }, 15_000);
      expect(channels.map((c) => c.id).sort()).toEqual([
        'alipay',
        'bank_a',
        'bank_b',
        'unionpay',
        'wechat',
      ]);
      expect(channels.some((c) => c.windows['60s'].total > c.windows['60s'].probes)).toBe(true);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
