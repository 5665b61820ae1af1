// Limits that keep one client from freezing the monitor: stream connections capped in all and per
// remote address (close code 1013 past them, slots given back on close), and requests that must
// arrive whole within the header and request timeouts.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';

const open: { close(): Promise<void> }[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  for (const o of open.splice(0).reverse()) await o.close();
});

async function monitor(extra: Record<string, unknown>): Promise<RunningMonitor> {
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

/** Connects from `localAddress`: 'snapshot' when served, else the close code and reason. */
function follow(m: RunningMonitor, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream?stats=0`, { localAddress });
    sockets.push(ws);
    ws.once('message', (d) => resolve(JSON.parse(String(d)).type));
    ws.once('close', (code, reason) => resolve(`${code} ${reason}`));
    ws.once('error', reject);
  });
}

describe('stream connection caps', () => {
  it('closes with 1013 past the per-address and the total cap, and gives slots back', async () => {
    const m = await monitor({ stream: { maxClients: 5, maxClientsPerAddress: 3 } });
    for (let i = 0; i < 3; i++) expect(await follow(m, '127.0.0.1')).toBe('snapshot');
    expect(await follow(m, '127.0.0.1')).toBe('1013 too many from this address');
    for (let i = 0; i < 2; i++) expect(await follow(m, '127.0.0.2')).toBe('snapshot');
    expect(await follow(m, '127.0.0.3')).toBe('1013 stream full');
    expect(m.stream.clientCount).toBe(5);
    expect((await fetch(`${m.url}/healthz`)).status).toBe(200);
    // One leaves: its address may come back.
    const first = sockets[0];
    const gone = new Promise((r) => first.once('close', r));
    first.close();
    await gone;
    const end = Date.now() + 2000;
    while (m.stream.clientCount > 4 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 10));
    expect(await follow(m, '127.0.0.1')).toBe('snapshot');
  });

  it('has stated defaults', async () => {
    const c = resolveConfig(demoConfigInput());
    expect(c.stream).toMatchObject({ maxClients: 4096, maxClientsPerAddress: 1024 });
    expect(c.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
  });
});

/** Opens a raw connection, writes `data`, resolves with the ms until the server closed it (and what it said). */
function heldFor(port: number, data: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let answer = '';
    const s = connect(port, '127.0.0.1', () => s.write(data));
    s.on('data', (d) => (answer += d));
    s.on('close', () => resolve({ ms: Date.now() - t0, answer }));
    s.on('error', reject);
    setTimeout(() => s.destroy(), 10_000).unref();
  });
}

describe('request timeouts', () => {
  it('drops half-sent headers and half-sent bodies; an open stream outlives them', async () => {
    const m = await monitor({ http: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const ws = new WebSocket(`${m.url.replace('http', 'ws')}/v1/stream?stats=0`);
    sockets.push(ws);
    await new Promise((r) => ws.once('message', r));
    const [headers, body] = await Promise.all([
      heldFor(m.port, 'GET /healthz HTTP/1.1\r\nhost: x\r\nx-slow: '),
      heldFor(
        m.port,
        'POST /v1/outcomes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n[{"channel":',
      ),
    ]);
    expect(headers.ms).toBeGreaterThanOrEqual(250);
    expect(headers.ms).toBeLessThan(2000);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(body.ms).toBeGreaterThanOrEqual(550);
    expect(body.ms).toBeLessThan(2500);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect((await fetch(`${m.url}/healthz`)).status).toBe(200);
  });

  it('refuses a request timeout shorter than the headers timeout, naming the field', () => {
    expect(() =>
      resolveConfig({
        ...demoConfigInput(),
        http: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 },
      }),
    ).toThrow(/http\.requestTimeoutMs/);
  });
});
