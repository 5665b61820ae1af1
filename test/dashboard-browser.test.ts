// The live dashboard in a real browser (Debian's chromium through playwright-core) against a real
// in-process monitor: it shows every channel, turns a channel's tile and timeline after a burst of
// errors, applies an override and schedules maintenance with the admin token, survives a monitor
// restart (banner, new epoch, resnapshot), and leaves a screenshot for the README. The DOM patcher
// is tested here too: it needs a real DOM.
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { dashboardRoutes } from '../src/server/dashboard/index.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';
import { DEMO_CHANNELS } from '../src/core/options.ts';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import { DEFAULT_BASELINE } from '../simulators/channels/ChannelProfile.ts';
import { createSimulation } from '../simulators/createSimulation.ts';
import { createSimulatorApp } from '../simulators/http/createSimulatorApp.ts';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core') as typeof import('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'dashboard-test-admin-token';
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'bank_a', 'bank_b'];
// `SWITCHYARD_SCREENSHOT=docs/dashboard.png npx vitest run test/dashboard-browser.test.ts` refreshes
// the README's picture; by default the test leaves the working tree alone.
const SCREENSHOT = process.env.SWITCHYARD_SCREENSHOT || join(tmpdir(), 'switchyard-dashboard.png');

function monitor(port: number, epoch: string): Promise<RunningMonitor> {
  const config = resolveConfig({ ...demoConfigInput(), port, tokens: { admin: TOKEN } });
  return startMonitor({ config, log: silentLogger, processMetrics: false, epoch });
}

describe.skipIf(!existsSync(CHROMIUM))('live dashboard in chromium', () => {
  let browser: Browser;
  let page: Page;
  let m: RunningMonitor | null = null;
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await m?.close();
  });

  it('shows the channels, follows a failure, takes SRE actions and survives a restart', async () => {
    m = await monitor(0, 'epoch-one');
    const port = m.port;
    // Background traffic on every channel (1 in 50 a technical error) so the charts have lines.
    let tick = 0;
    const pump = setInterval(() => {
      if (!m) return;
      const at = Date.now();
      const events = CHANNELS.flatMap((channel, c) =>
        Array.from({ length: 10 }, (_, i) => {
          const k = tick * 10 + i + c;
          return {
            channel,
            outcome: k % 50 === 0 ? 'error' : 'success',
            latencyMs: 120 + ((k * 37) % 160) + c * 25,
            at,
          };
        }),
      );
      tick++;
      void fetch(`${m.url}/v1/outcomes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      }).catch(() => {});
    }, 200);
    onTestFinished(() => clearInterval(pump));
    await page.goto(`${m.url}/`, { waitUntil: 'load' });

    // Every demo channel gets a tile with its state word, grouped by pool.
    for (const id of CHANNELS)
      await page.locator(`#tile-${id}[data-state="healthy"]`).waitFor({ timeout: 5000 });
    expect(await page.locator('.pool').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#tile-wechat').innerText()).toMatch(/healthy/i);
    await page.locator('#conn.live').waitFor({ timeout: 5000 });

    // A burst of technical errors on wechat: tile and timeline turn within seconds.
    const now = Date.now();
    const burst = Array.from({ length: 400 }, () => ({
      channel: 'wechat',
      outcome: 'error',
      code: 'SYSTEMERROR',
      latencyMs: 300,
      at: now,
    }));
    const res = await fetch(`${m.url}/v1/outcomes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(burst),
    });
    expect(res.status).toBe(202);
    const t0 = Date.now();
    await page
      .locator('#tile-wechat:is([data-state="down"], [data-state="degraded"])')
      .waitFor({ timeout: 5000 });
    const turnedMs = Date.now() - t0;
    const tile = await page.locator('#tile-wechat').innerText();
    expect(tile).toMatch(/\b(down|degraded)\b/i);
    expect(tile.length).toBeLessThan(400);
    const entry = page.locator('#timeline li.dec[data-channel="wechat"]').first();
    await entry.waitFor({ timeout: 5000 });
    expect(await entry.innerText()).toMatch(/healthy\s*→\s*(down|degraded)/);
    expect(await page.locator('#summary').innerText()).toMatch(/wechat/);
    // The decision is marked on wechat's chart once the charts redraw (at most once a second).
    await page
      .locator('svg.chart[data-channel="wechat"] g.mark')
      .first()
      .waitFor({ state: 'attached', timeout: 3000 });
    console.log(`dashboard: wechat tile turned ${turnedMs} ms after the burst was accepted`);

    // SRE actions are hidden until a token is given; then an override goes through.
    expect(await page.locator('#actions').isHidden()).toBe(true);
    await page.fill('#token', TOKEN);
    await page.click('#tokenSave');
    await page.locator('#actions').waitFor({ state: 'visible' });
    expect(await page.evaluate(() => sessionStorage.getItem('switchyard.adminToken'))).toBe(TOKEN);
    await page.selectOption('#overrideForm select[name="channel"]', 'bank_b');
    await page.selectOption('#overrideForm select[name="state"]', 'down');
    await page.fill('#overrideForm input[name="reason"]', 'drill: bank_b settlement delay');
    await page.click('#overrideForm button[type="submit"]');
    await page.locator('#tile-bank_b[data-state="down"]').waitFor({ timeout: 5000 });
    await page.locator('#tile-bank_b .override').waitFor({ timeout: 5000 });
    expect(await page.locator('#tile-bank_b .override').innerText()).toMatch(
      /forced down until .*drill/,
    );
    expect(m.engine.channels().find((c) => c.id === 'bank_b')?.override?.reason).toBe(
      'drill: bank_b settlement delay',
    );
    await expect
      .poll(() => page.locator('#timeline li.dec[data-channel="bank_b"]').first().innerText())
      .toMatch(/manual/);

    // Maintenance from the page lands in the engine and in the list.
    await page.selectOption('#maintForm select[name="channel"]', 'bank_a');
    await page.fill('#maintForm input[name="reason"]', 'bank_a core upgrade');
    await page.click('#maintForm button[type="submit"]');
    await page.locator('#maintenance li.maint', { hasText: 'bank_a' }).waitFor({ timeout: 5000 });
    expect(m.engine.maintenance().map((w) => w.channel)).toEqual(['bank_a']);

    expect(consoleErrors).toEqual([]);
    await page.selectOption('#span', '60000'); // the last minute: a few seconds of history read better
    await page.waitForTimeout(1500);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // A wrong token is refused and said so, not silently ignored (the browser logs the 401 itself).
    await page.evaluate(() => sessionStorage.setItem('switchyard.adminToken', 'not-the-token'));
    await page.locator('#tile-bank_b .lift').click();
    await expect.poll(() => page.locator('#actionResult').innerText()).toMatch(/refused.*401/);
    expect(m.engine.channels().find((c) => c.id === 'bank_b')?.override).toBeDefined();
    await page.evaluate((t) => sessionStorage.setItem('switchyard.adminToken', t), TOKEN);

    expect(pageErrors).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);

    // The monitor restarts (in memory: new epoch, history gone): banner, then a fresh snapshot.
    await m.close();
    m = null;
    await page.locator('#banner', { hasText: 'Reconnecting' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#conn').innerText()).toBe('reconnecting');
    m = await monitor(port, 'epoch-two');
    await page.locator('#banner').waitFor({ state: 'hidden', timeout: 15_000 });
    await expect
      .poll(() => page.locator('#meta').innerText(), { timeout: 5000 })
      .toMatch(/epoch epoch-two/);
    await page.locator('#tile-wechat[data-state="healthy"]').waitFor({ timeout: 5000 });
    await page.locator('#tile-bank_b[data-state="healthy"]').waitFor({ timeout: 5000 });
    // The old epoch's decisions are gone from the timeline; the charts keep a dashed restart line.
    expect(await page.locator('#timeline li.dec').count()).toBe(0);
    await expect
      .poll(() => page.locator('svg.chart line.restart').count(), { timeout: 3000 })
      .toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('shades a fault injected through the simulator and turns the channel it hits', async () => {
    // The demo's channel simulators in process, the monitor probing bank_b there every 250 ms.
    const scheduler = new RealScheduler();
    const profiles = DEMO_CHANNELS.map(({ id, flavour, pool, priority }) => ({
      id,
      flavour,
      pool,
      priority,
      ...DEFAULT_BASELINE,
    }));
    // Latencies a tenth of the demo's, so a 200 ms probe timeout only ever fires on the fault.
    const sim = createSimulation({ scheduler, seed: 6, channels: profiles, latencyScale: 0.1 });
    const simServer = createAdaptorServer({
      fetch: createSimulatorApp({ sim: sim.sim, scheduler, chaos: {} }).fetch,
    }) as Server;
    await new Promise<void>((resolve) => simServer.listen(0, '127.0.0.1', resolve));
    onTestFinished(async () => {
      // The monitor's probes keep connections alive: stop them first, then drop what is left.
      await m?.close();
      m = null;
      simServer.closeAllConnections();
      await new Promise<void>((resolve) => simServer.close(() => resolve()));
    });
    const simUrl = `http://127.0.0.1:${(simServer.address() as AddressInfo).port}`;
    const input = demoConfigInput();
    const config = resolveConfig({
      ...input,
      port: 0,
      simulatorUrl: simUrl,
      channels: input.channels.map((c) =>
        c.id === 'bank_b'
          ? { ...c, probe: { url: `${simUrl}/bank_b/health`, intervalMs: 250, timeoutMs: 200 } }
          : c,
      ),
    });
    await m?.close();
    m = await startMonitor({
      config,
      log: silentLogger,
      processMetrics: false,
      epoch: 'epoch-sim',
    });
    await page.goto(`${m.url}/`, { waitUntil: 'load' });
    await page.locator('#tile-bank_b[data-state="healthy"]').waitFor({ timeout: 5000 });
    expect(await page.locator('#faultsPanel').isHidden()).toBe(true);

    const res = await fetch(`${simUrl}/_chaos/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'bank_b', kind: 'error', for: '2m' }),
    });
    expect(res.status).toBe(201);
    const t0 = Date.now();
    await page.locator('#tile-bank_b[data-state="down"]').waitFor({ timeout: 8000 });
    const turnedMs = Date.now() - t0;
    await expect
      .poll(() => page.locator('#timeline li.dec[data-channel="bank_b"]').first().innerText())
      .toMatch(/healthy\s*→\s*down\s*probe_failures/);
    // The fault shows in the list (polled every 3 s) and shaded on bank_b's chart.
    await page.locator('#faults li', { hasText: 'bank_b' }).waitFor({ timeout: 6000 });
    await page
      .locator('svg.chart[data-channel="bank_b"] rect.fault[data-kind="error"]')
      .waitFor({ state: 'attached', timeout: 3000 });
    expect(pageErrors).toEqual([]);
    console.log(
      `dashboard: bank_b tile down ${turnedMs} ms after the simulator fault was injected`,
    );
  });
  it('patch keeps the nodes it can (identity, focus) and rewrites only what changed', async () => {
    const server = createAdaptorServer({ fetch: dashboardRoutes().fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tab = await browser.newPage();
    onTestFinished(async () => {
      await tab.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    // Any same-origin document will do: the module is imported under the dashboard's own CSP.
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await tab.goto(`${url}/dashboard/style.css`);
    // A string, not a function: the test runner would rewrite a function's import().
    const result = await tab.evaluate(`(async () => {
      const { patch } = await import('/dashboard/patch.js');
      const el = document.body.appendChild(document.createElement('div'));
      patch(el, '<p class="a" data-x="1">one</p><button id="b">go</button><span>gone</span>');
      const [p, button] = el.children;
      const text = p.firstChild;
      button.focus();
      patch(el, '<p class="b">two</p><button id="b" disabled>go</button>');
      const second = {
        html: el.innerHTML,
        kept: el.children[0] === p && p.firstChild === text && el.children[1] === button,
        focused: document.activeElement === button,
      };
      patch(el, '<div class="b">two</div>plain');
      return {
        second,
        third: el.innerHTML,
        replaced: el.firstChild !== p && el.lastChild.nodeType === Node.TEXT_NODE,
      };
    })()`);
    expect(result).toEqual({
      second: {
        html: '<p class="b">two</p><button id="b" disabled="">go</button>',
        kept: true,
        focused: true,
      },
      third: '<div class="b">two</div>plain',
      replaced: true,
    });
  });
});
