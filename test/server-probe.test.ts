import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { demoConfigInput } from '../src/config/demoConfig.ts';
import { resolveConfig } from '../src/config/loadConfig.ts';
import type { Decision } from '../src/core/decision.ts';
import { silentLogger } from '../src/server/Logger.ts';
import { probeOutcome, type RunningMonitor, startMonitor } from '../src/server/startMonitor.ts';
import { VirtualScheduler } from '../src/time/VirtualScheduler.ts';

const T0 = Date.parse('2026-11-22T00:00:00Z');

describe('active probes in the monitor', () => {
  let target: Server | undefined;
  let m: RunningMonitor | undefined;
  afterEach(async () => {
    await m?.close();
    await new Promise((r) => (target ? target.close(r) : r(undefined)));
  });

  it('takes a quiet channel down on failed probes and probes it back to healthy', async () => {
    let status = 503;
    target = createServer((_req, res) => res.writeHead(status).end('x'));
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/probe/bank_b`;
    const input = demoConfigInput();
    input.channels[4] = { ...input.channels[4], probe: { url, intervalMs: 1000, timeoutMs: 500 } };
    const vs = new VirtualScheduler(T0);
    m = await startMonitor({
      config: resolveConfig({ ...input, port: 0 }),
      scheduler: vs,
      log: silentLogger,
      processMetrics: false,
    });
    const decisions: Decision[] = [];
    m.engine.onDecision((d) => decisions.push(d));
    // Probes do real HTTP; virtual time moves on only once the previous probe's outcome is recorded.
    const probed = () =>
      Object.values(m!.engine.totals()[4].counts).reduce((n, c) => n + c.probe, 0);
    const probeOnce = async () => {
      const before = probed();
      await vs.advance(1000);
      while (probed() === before) await new Promise((r) => setTimeout(r, 1));
    };

    for (let i = 0; i < 3; i++) await probeOnce();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      channel: 'bank_b',
      from: 'healthy',
      to: 'down',
      reason: 'probe_failures',
    });

    // the target heals; its probes end the ejection early (3 in a row) and bring it back
    status = 200;
    const ejectionMs = Number(decisions[0].evidence.ejectionMs);
    for (let t = 0; t < ejectionMs + 6000 && decisions.at(-1)!.to !== 'healthy'; t += 1000)
      await probeOnce();
    expect(decisions.map((d) => [d.to, d.reason])).toEqual([
      ['down', 'probe_failures'],
      ['probing', 'probes_recovered'],
      ['healthy', 'recovered'],
    ]);
    expect(decisions[1].at - decisions[0].at).toBeLessThan(ejectionMs);

    const metrics = await (await fetch(`${m.url}/metrics`)).text();
    expect(
      probeOutcome(m.engine, {
        channel: 'wechat',
        outcome: 'error',
        latencyMs: 5,
        at: T0,
        status: 503,
        code: 'SYSTEMERROR',
      }),
    ).toMatchObject({ outcome: 'error', code: 'SYSTEMERROR', source: 'probe' });
    expect(
      probeOutcome(m.engine, {
        channel: 'wechat',
        outcome: 'error',
        latencyMs: 5,
        at: T0,
        status: 503,
        code: 'SERVICEUNAVAILABLE',
      }).outcome,
    ).toBe('maintenance');
    expect(
      probeOutcome(m.engine, {
        channel: 'wechat',
        outcome: 'error',
        latencyMs: 5,
        at: T0,
        status: 500,
        code: 'SUCCESS',
      }).outcome,
    ).toBe('error');
    expect(
      probeOutcome(m.engine, {
        channel: 'bank_a',
        outcome: 'error',
        latencyMs: 5,
        at: T0,
        status: 500,
        code: 'NOT_A_BANK_CODE',
      }),
    ).toMatchObject({ outcome: 'error', unknownCode: true });
    expect(metrics).toContain('switchyard_probe_results_total{channel="bank_b",outcome="error"} 3');
    expect(metrics).toMatch(
      /switchyard_probe_results_total\{channel="bank_b",outcome="success"\} \d+/,
    );
    expect(metrics).toMatch(
      /switchyard_outcomes_total\{channel="bank_b",pool="card",outcome="error",source="probe"\} 3/,
    );
  });
});
