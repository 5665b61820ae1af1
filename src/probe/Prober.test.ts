import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../time/VirtualScheduler.ts';
import { Prober, type ProbeResult } from './Prober.ts';

/** A fetch whose answers the test scripts: a status after a delay on the virtual clock, or never. */
function scriptedFetch(
  vs: VirtualScheduler,
  script: Array<{ status: number; afterMs: number; json?: unknown } | 'hang' | 'refused'>,
) {
  let i = 0;
  const calls: string[] = [];
  const fetch = ((url: string, init: RequestInit) => {
    calls.push(url);
    const step = script[Math.min(i++, script.length - 1)];
    return new Promise<Response>((resolve, reject) => {
      init.signal?.addEventListener('abort', () =>
        reject(new DOMException('aborted', 'AbortError')),
      );
      if (step === 'refused')
        return reject(
          Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }),
        );
      if (step === 'hang') return;
      vs.setTimeout(
        () =>
          resolve(
            step.json === undefined
              ? new Response('ok', { status: step.status })
              : Response.json(step.json, { status: step.status }),
          ),
        step.afterMs,
      );
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

describe('Prober', () => {
  it('probes each target on its interval and classifies answers, timeouts and refusals', async () => {
    const vs = new VirtualScheduler(1_000_000);
    const { fetch, calls } = scriptedFetch(vs, [
      { status: 200, afterMs: 40 },
      { status: 503, afterMs: 10 },
      'hang',
      'refused',
      { status: 201, afterMs: 5 },
    ]);
    const results: ProbeResult[] = [];
    const prober = new Prober({
      scheduler: vs,
      fetch,
      onResult: (r) => results.push(r),
      targets: [{ channel: 'wechat', url: 'http://sim/probe', intervalMs: 1000, timeoutMs: 300 }],
    });
    prober.start();
    await vs.advance(5_500);
    prober.stop();
    expect(calls).toHaveLength(5);
    expect(results.map((r) => r.outcome)).toEqual([
      'success',
      'error',
      'timeout',
      'error',
      'success',
    ]);
    expect(results[0]).toMatchObject({
      channel: 'wechat',
      latencyMs: 40,
      at: 1_001_000,
      status: 200,
    });
    expect(results[1].detail).toBe('status 503');
    expect(results[2]).toMatchObject({ latencyMs: 300, detail: 'timeout' });
    expect(results[3].detail).toBe('ECONNREFUSED');
  });

  it("reports a failed answer's JSON code so that the channel's table can classify it", async () => {
    const vs = new VirtualScheduler(0);
    const { fetch } = scriptedFetch(vs, [
      { status: 503, afterMs: 5, json: { channel: 'wechat', status: 'DOWN', code: 'SYSTEMERROR' } },
      { status: 200, afterMs: 5, json: { code: 'SUCCESS' } },
    ]);
    const results: ProbeResult[] = [];
    const prober = new Prober({
      scheduler: vs,
      fetch,
      onResult: (r) => results.push(r),
      targets: [
        { channel: 'wechat', url: 'http://sim/wechat/health', intervalMs: 100, timeoutMs: 50 },
      ],
    });
    prober.start();
    await vs.advance(250);
    prober.stop();
    expect(results).toEqual([
      expect.objectContaining({ outcome: 'error', status: 503, code: 'SYSTEMERROR' }),
      expect.not.objectContaining({ code: expect.anything() }),
    ]);
  });

  it('honours expectStatus and skips a turn while a probe is still running', async () => {
    const vs = new VirtualScheduler(0);
    const { fetch, calls } = scriptedFetch(vs, [{ status: 404, afterMs: 1500 }]);
    const results: ProbeResult[] = [];
    const prober = new Prober({
      scheduler: vs,
      fetch,
      onResult: (r) => results.push(r),
      targets: [
        {
          channel: 'bank_a',
          url: 'http://sim/x',
          intervalMs: 1000,
          timeoutMs: 5000,
          expectStatus: [404],
        },
      ],
    });
    prober.start();
    await vs.advance(3_000);
    prober.stop();
    // turn at 1000 starts, turn at 2000 is skipped (in flight until 2500), turn at 3000 starts
    expect(calls).toHaveLength(2);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'success', status: 404, latencyMs: 1500 });
  });

  it('stops: no more probes and nothing reported from one aborted in flight', async () => {
    const vs = new VirtualScheduler(0);
    const { fetch, calls } = scriptedFetch(vs, ['hang']);
    const results: ProbeResult[] = [];
    const prober = new Prober({
      scheduler: vs,
      fetch,
      onResult: (r) => results.push(r),
      targets: [{ channel: 'a', url: 'http://sim/a', intervalMs: 100, timeoutMs: 50 }],
    });
    prober.start();
    await vs.advance(120);
    prober.stop();
    await vs.advance(1000);
    expect(calls).toHaveLength(1);
    expect(results).toEqual([]);
    expect(vs.pending).toBe(0);
  });
});
