import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutcomeReporter } from '../src/client/OutcomeReporter.ts';
import { RealScheduler } from '../src/time/RealScheduler.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';

const ev = (i: number) => ({
  channel: 'wechat',
  outcome: 'success' as const,
  latencyMs: 10,
  at: i,
});

describe('OutcomeReporter (injected fetch, virtual time)', () => {
  it('batches: many reports become a few POSTs after the flush interval', async () => {
    const s = new VirtualScheduler();
    const bodies: unknown[][] = [];
    const fetchFn = (async (_u: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{"accepted":1}', { status: 202 });
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: fetchFn,
      flushIntervalMs: 200,
      maxBatch: 100,
    });
    for (let i = 0; i < 250; i++) r.report(ev(i));
    await s.advance(1_000);
    expect(bodies.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(r.reported).toBe(250);
    expect(r.buffered).toBe(0);
  });

  it('sends a neutral (pending, duplicate) outcome as its raw code, which the contract accepts', async () => {
    const s = new VirtualScheduler();
    const bodies: Record<string, unknown>[][] = [];
    const fetchFn = (async (_u: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{"accepted":1}', { status: 202 });
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: fetchFn,
      flushIntervalMs: 10,
    });
    r.report({ channel: 'wechat', outcome: 'neutral', code: 'USERPAYING', latencyMs: 40, at: 1 });
    r.report({ channel: 'wechat', outcome: 'neutral', latencyMs: 40, at: 2 });
    await s.advance(100);
    expect(bodies).toEqual([[{ channel: 'wechat', code: 'USERPAYING', latencyMs: 40, at: 1 }]]);
    expect(r.dropped).toBe(1);
  });

  it('sends a full batch at once, not at the end of the flush interval', async () => {
    const s = new VirtualScheduler();
    const sent: number[] = [];
    const fetchFn = (async (_u: string, init: RequestInit) => {
      sent.push(s.clock.now());
      void init;
      return new Response('{"accepted":1}', { status: 202 });
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: fetchFn,
      flushIntervalMs: 200,
      maxBatch: 10,
    });
    r.report(ev(0));
    await s.advance(50);
    for (let i = 1; i < 10; i++) r.report(ev(i));
    await s.advance(1);
    expect(sent).toEqual([50]);
    expect(r.reported).toBe(10);
  });

  it('report() never waits on the monitor: it returns while a POST hangs', async () => {
    const s = new VirtualScheduler();
    let calls = 0;
    const hang = ((_u: string, init: RequestInit) => {
      calls++;
      return new Promise<Response>((_, reject) =>
        init.signal!.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        ),
      );
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: hang,
      flushIntervalMs: 10,
      maxBatch: 5,
      maxBuffer: 20,
    });
    for (let i = 0; i < 5; i++) r.report(ev(i));
    await s.advance(50);
    expect(calls).toBe(1);
    for (let i = 0; i < 100; i++) r.report(ev(i)); // synchronous, the hung POST does not block it
    expect(r.buffered).toBe(20); // the ring is full: the oldest were dropped and counted
    expect(r.dropped).toBe(80);
    await s.advance(2_000); // the hung POST is abandoned; its batch waits for a retry
    expect(r.buffered).toBe(25);
  });

  it('monitor down: memory stays bounded, the excess is dropped and counted, and it all resumes when the monitor is back', async () => {
    const s = new VirtualScheduler();
    let up = false;
    let accepted = 0;
    const fetchFn = (async (_u: string, init: RequestInit) => {
      if (!up) throw new TypeError('fetch failed: ECONNREFUSED');
      accepted += JSON.parse(String(init.body)).length;
      return new Response('{}', { status: 202 });
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: fetchFn,
      flushIntervalMs: 100,
      maxBatch: 50,
      maxBuffer: 1_000,
      retryMs: 100,
    });
    let peak = 0;
    for (let t = 0; t < 100; t++) {
      for (let i = 0; i < 500; i++) r.report(ev(t * 500 + i));
      peak = Math.max(peak, r.buffered);
      await s.advance(100);
    }
    expect(peak).toBeLessThanOrEqual(1_000 + 50);
    expect(r.dropped).toBeGreaterThan(48_000);
    expect(r.dropped + r.buffered + r.reported).toBe(50_000);
    up = true;
    await s.advance(20_000);
    expect(r.buffered).toBe(0);
    expect(accepted).toBe(r.reported);
    expect(r.reported + r.dropped).toBe(50_000);
  });

  it('a refused batch (400) is counted and not retried', async () => {
    const s = new VirtualScheduler();
    let calls = 0;
    const fetchFn = (async () => {
      calls++;
      return new Response('{"error":"bad"}', { status: 400 });
    }) as typeof fetch;
    const r = new OutcomeReporter({
      url: 'http://m',
      scheduler: s,
      fetch: fetchFn,
      flushIntervalMs: 10,
    });
    r.report(ev(1));
    r.report(ev(2));
    await s.advance(5_000);
    expect(calls).toBe(1);
    expect(r.refused).toBe(2);
    expect(r.buffered).toBe(0);
  });
});

describe('OutcomeReporter over HTTP (msw)', () => {
  const received: unknown[] = [];
  const headers: string[] = [];
  const server = setupServer(
    http.post('http://monitor.test/v1/outcomes', async ({ request }) => {
      headers.push(request.headers.get('authorization') ?? '');
      const body = (await request.json()) as unknown[];
      received.push(...body);
      return HttpResponse.json({ accepted: body.length }, { status: 202 });
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('POSTs a JSON array to /v1/outcomes with the token', async () => {
    const r = new OutcomeReporter({
      url: 'http://monitor.test/',
      scheduler: new RealScheduler(),
      token: 'sekret',
      flushIntervalMs: 5,
    });
    for (let i = 0; i < 30; i++) r.report(ev(i));
    await r.close();
    expect(received).toHaveLength(30);
    expect(received[29]).toEqual(ev(29));
    expect(headers.every((h) => h === 'Bearer sekret')).toBe(true);
    expect(r.reported).toBe(30);
  });
});
