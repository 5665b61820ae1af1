import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/time/VirtualScheduler.ts';
import { DEFAULT_BASELINE } from '../channels/ChannelProfile.ts';
import { createSimulation } from '../createSimulation.ts';
import { createSimulatorApp } from '../http/createSimulatorApp.ts';

function setup(token?: string) {
  const scheduler = new VirtualScheduler(1_000_000);
  const sim = createSimulation({
    scheduler,
    seed: 1,
    channels: [{ id: 'wechat', flavour: 'wechat', pool: 'qr', priority: 1, ...DEFAULT_BASELINE }],
  });
  const lines: Record<string, unknown>[] = [];
  const app = createSimulatorApp({
    sim: sim.sim,
    scheduler,
    chaos: {
      token,
      log: (l) => lines.push(l),
      scenarios: {
        storm: [
          { id: 'busy', channel: 'wechat', kind: 'error', at: '10s', for: '1m', probability: 0.5 },
        ],
      },
    },
  });
  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(`/_chaos${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  return { scheduler, sim, app, call, lines };
}

describe('/_chaos', () => {
  it('adds, changes and removes faults, each with a TTL, each change logged, in the timeline', async () => {
    const { call, scheduler, lines } = setup();
    const add = await call('POST', '/faults', {
      channel: 'wechat',
      kind: 'maintenance',
      for: '2m',
      scope: { store: 's-1' },
    });
    expect(add.status).toBe(201);
    const { fault } = (await add.json()) as { fault: { id: string; from: number; to: number } };
    expect(fault).toMatchObject({ from: 1_000_000, to: 1_120_000, source: 'api' });
    const ttl = await (
      await call('POST', '/faults', { channel: 'wechat', kind: 'latency' })
    ).json();
    expect(ttl.fault.to - ttl.fault.from).toBe(300_000);
    await scheduler.advance(5000);
    expect(
      (await call('PATCH', `/faults/${fault.id}`, { probability: 0.3, ttl: '10s' })).status,
    ).toBe(200);
    const list = (await (await call('GET', '/faults')).json()) as {
      faults: Array<{ id: string; probability: number; to: number; active: boolean }>;
    };
    expect(list.faults[0]).toMatchObject({
      id: fault.id,
      probability: 0.3,
      to: 1_015_000,
      active: true,
    });
    expect((await call('DELETE', `/faults/${fault.id}`)).status).toBe(200);
    const tl = (await (await call('GET', '/timeline')).json()) as {
      events: Array<{ action: string; at: number }>;
      windows: Array<{ id: string; to: number }>;
    };
    expect(tl.events.map((e) => `${e.action}@${e.at}`)).toEqual([
      'add@1000000',
      'add@1000000',
      'change@1005000',
      'remove@1005000',
    ]);
    expect(tl.windows.find((w) => w.id === fault.id)?.to).toBe(1_005_000);
    expect(lines.map((l) => l.msg)).toEqual([
      'fault added',
      'fault added',
      'fault changed',
      'fault removed',
    ]);
  });

  it('refuses bad input naming the field, and unknown faults with 404', async () => {
    const { call } = setup();
    const r = await call('POST', '/faults', { channel: 'wechat', kind: 'meteor', probability: 3 });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { code: string; details: Array<{ path: string }> };
    expect(body.code).toBe('fault_invalid');
    expect(body.details.map((d) => d.path).sort()).toEqual(['kind', 'probability']);
    expect((await call('POST', '/faults', { channel: 'nope', kind: 'error' })).status).toBe(404);
    expect((await call('DELETE', '/faults/f-42')).status).toBe(404);
  });

  it('refuses a pathological duration at once, and durations over a day, naming the field', async () => {
    const { call } = setup();
    const ramp = `${'1'.repeat(30)}x`;
    const t = performance.now();
    const r = await call('POST', '/faults', { channel: 'wechat', kind: 'error', ramp });
    expect(performance.now() - t).toBeLessThan(50);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { details: { path: string }[] }).details[0].path).toBe('ramp');
    const long = await call('POST', '/faults', {
      channel: 'wechat',
      kind: 'error',
      for: '100000h',
    });
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: string }).error).toMatch(/^for: /);
  });

  it('starts and stops a scenario timeline relative to now', async () => {
    const { call, scheduler, sim } = setup();
    expect((await call('POST', '/scenario/start', { name: 'storm' })).status).toBe(201);
    expect((await call('POST', '/scenario/start', { name: 'storm' })).status).toBe(409);
    expect(sim.faults.get('storm/busy')).toMatchObject({
      from: 1_010_000,
      to: 1_070_000,
      source: 'scenario',
    });
    await scheduler.advance(20_000);
    await call('POST', '/scenario/stop');
    expect(sim.faults.list()).toEqual([]);
    expect(sim.faults.windows()[0]).toMatchObject({
      id: 'storm/busy',
      from: 1_010_000,
      to: 1_020_000,
    });
    expect((await call('POST', '/scenario/start', { name: 'nope' })).status).toBe(404);
  });

  it('takes no property of Object.prototype for a scenario: 404, not 500', async () => {
    const { call, sim } = setup();
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const r = await call('POST', '/scenario/start', { name });
      expect(r.status, name).toBe(404);
      expect(((await r.json()) as { code: string }).code).toBe('scenario_not_found');
    }
    expect(sim.faults.list()).toEqual([]);
  });

  it('needs the token where one is configured', async () => {
    const { call } = setup('s3cret');
    expect((await call('GET', '/faults')).status).toBe(401);
    expect(
      (await call('GET', '/faults', undefined, { authorization: 'Bearer wrong!' })).status,
    ).toBe(401);
    expect(
      (await call('GET', '/faults', undefined, { authorization: 'Bearer s3cret' })).status,
    ).toBe(200);
    expect((await call('GET', '/faults', undefined, { 'x-chaos-token': 's3cret' })).status).toBe(
      200,
    );
    // The scheme is case-insensitive; a prefix or a longer token is not the token.
    expect(
      (await call('GET', '/faults', undefined, { authorization: 'bearer s3cret' })).status,
    ).toBe(200);
    for (const t of ['s3cre', 's3cret!', ''])
      expect(
        (await call('GET', '/faults', undefined, { authorization: `Bearer ${t}` })).status,
        t,
      ).toBe(401);
  });
});
