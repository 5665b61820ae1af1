// What a stranger may read: the stream only from programs and the monitor's own pages (or listed
// origins), the simulator's fault timeline only with the admin token where one is set, and the
// client's token only ever in a header.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../src/client/createClient.ts';
import type { WebSocketLike } from '../src/client/StreamFollower.ts';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { seededRandom } from '../src/core/random.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';

const ADMIN = 'admin-token-123';
const INGEST = 'ingest-token-456';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function monitor(extra: Record<string, unknown> = {}): Promise<RunningMonitor> {
  const m = await startMonitor({
    config: resolveConfig({ ...demoConfigInput(), ...extra }),
    port: 0,
    host: '127.0.0.1',
    log: silentLogger,
    processMetrics: false,
  });
  open.push(m);
  return m;
}

/** The first message, or the HTTP status the upgrade was refused with. */
function firstMessage(url: string, origin?: string): Promise<{ type?: string } | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('message', (d) => {
      resolve(JSON.parse(String(d)));
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

describe('stream Origin allow-list', () => {
  it('serves programs, its own pages and listed origins; refuses other pages with 403', async () => {
    const m = await monitor({ allowedOrigins: ['https://ops.example.com'] });
    const ws = `${m.url.replace('http', 'ws')}/v1/stream`;
    expect(await firstMessage(ws)).toMatchObject({ type: 'snapshot' });
    expect(await firstMessage(ws, m.url)).toMatchObject({ type: 'snapshot' });
    expect(await firstMessage(ws, 'https://ops.example.com')).toMatchObject({ type: 'snapshot' });
    expect(await firstMessage(ws, 'http://evil.example')).toBe(403);
    expect(await firstMessage(ws, 'null')).toBe(403);
    expect(m.stream.clientCount).toBeLessThanOrEqual(3);
  });
});

describe('GET /v1/faults', () => {
  it('needs the admin token where one is configured; is open where none is', async () => {
    const sim = await monitor();
    const fake = `${sim.url}`; // any server: the relay is refused before it is asked
    const guarded = await monitor({ tokens: { admin: ADMIN }, simulatorUrl: fake });
    const r = await fetch(`${guarded.url}/v1/faults`);
    expect(r.status).toBe(401);
    expect((await r.json()).error).toBe('unauthorized');
    const withToken = await fetch(`${guarded.url}/v1/faults`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(withToken.status).not.toBe(401);
    expect((await fetch(`${sim.url}/v1/faults`)).status).toBe(200);
  });
});

describe('the client token', () => {
  it('goes in the Authorization header of the upgrade, never in the URL', async () => {
    const m = await monitor({ tokens: { admin: ADMIN, ingest: INGEST } });
    const upgrades: IncomingMessage[] = [];
    m.server.prependListener('upgrade', (req) => upgrades.push(req));
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const c = createClient({
      url: m.url,
      token: INGEST,
      channels: [{ id: 'wechat', pool: 'qr', priority: 1 }],
      rng: seededRandom(1),
      backoffRng: seededRandom(2),
      wsFactory: (url, headers) => {
        seen.push({ url, headers });
        return new WebSocket(url, { headers }) as unknown as WebSocketLike;
      },
    });
    open.push(c);
    const end = Date.now() + 5000;
    while (!c.stats().connected && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(c.stats().connected).toBe(true);
    expect(seen[0].url).not.toContain(INGEST);
    expect(seen[0].headers).toEqual({ authorization: `Bearer ${INGEST}` });
    expect(upgrades[0].url).not.toContain('token');
    expect(upgrades[0].headers.authorization).toBe(`Bearer ${INGEST}`);
  });
});
