// assets/MonitorLoader.js in Node: a real DashboardState, the monitor's REST answers faked per path.
import { describe, expect, it } from 'vitest';

// Plain browser modules, imported by URL: untyped, so no build step or declaration file is needed.
const { MonitorLoader, unwrapList } = await import(
  new URL('./assets/MonitorLoader.js', import.meta.url).href
);
const { DashboardState } = await import(
  new URL('./assets/DashboardState.js', import.meta.url).href
);

const T = 1_795_300_000_000;
type Answer = { status?: number; body?: unknown } | Error;

/** A loader over a fresh state; `answers` maps a path to its reply, `asked` records every path. */
function setup(answers: Record<string, Answer> = {}) {
  const state = new DashboardState();
  const asked: string[] = [];
  let changes = 0;
  const fetchImpl = async (path: string) => {
    asked.push(path);
    const a = answers[path] ?? { status: 404, body: { error: 'not_found' } };
    if (a instanceof Error) throw a;
    return new Response(JSON.stringify(a.body ?? null), { status: a.status ?? 200 });
  };
  const loader = new MonitorLoader({ state, onChange: () => changes++, fetchImpl });
  return { state, loader, asked, answers, changes: () => changes };
}

const channel = (id: string, extra = {}) => ({
  id,
  pool: 'qr',
  state: 'healthy',
  since: T - 60_000,
  weight: 0.5,
  ...extra,
});
const snapshot = (epoch: string, seq = 0) => ({
  type: 'snapshot',
  epoch,
  seq,
  channels: [channel('wechat'), channel('alipay')],
  pools: [{ id: 'qr', weights: { wechat: 0.5, alipay: 0.5 }, channels: ['wechat', 'alipay'] }],
});
const decision = (seq: number, reason: string) => ({
  type: 'decision',
  seq,
  at: T + seq,
  channel: 'alipay',
  pool: 'qr',
  from: 'healthy',
  to: 'down',
  reason,
  weights: { wechat: 1, alipay: 0 },
});
const override = { state: 'down', until: T + 600_000, reason: 'drill' };

describe('MonitorLoader', () => {
  it('on the first snapshot reads back the timeline, the maintenance windows and whole views', async () => {
    const { state, loader, asked, changes } = setup({
      '/v1/decisions?since=0&limit=200': { body: { decisions: [decision(1, 'error_rate')] } },
      '/v1/maintenance': {
        body: { windows: [{ id: 'm1', channel: 'wechat', from: T, to: T + 1 }] },
      },
      '/v1/channels': { body: { channels: [channel('alipay', { override })] } },
    });
    await loader.onMessage(snapshot('e1', 1), T);
    expect(asked.sort()).toEqual([
      '/v1/channels',
      '/v1/decisions?since=0&limit=200',
      '/v1/maintenance',
    ]);
    expect(state.decisions.map((d: { seq: number }) => d.seq)).toEqual([1]);
    expect(state.maintenance.map((m: { id: string }) => m.id)).toEqual(['m1']);
    expect(state.channels.get('alipay').override).toEqual(override);
    expect(changes()).toBe(4); // the snapshot, then each read
  });

  it('reads the timeline again only for a new epoch, from 200 before the current seq', async () => {
    const { loader, asked } = setup();
    await loader.onMessage(snapshot('e1', 450), T);
    asked.length = 0;
    await loader.onMessage(snapshot('e1', 460), T + 1);
    expect(asked.filter((p) => p.startsWith('/v1/decisions'))).toEqual([]);
    await loader.onMessage(snapshot('e2', 300), T + 2);
    expect(asked.filter((p) => p.startsWith('/v1/decisions'))).toEqual([
      '/v1/decisions?since=100&limit=200',
    ]);
  });

  it('rereads views and windows after a manual or maintenance decision, not after others', async () => {
    const { state, loader, asked, changes } = setup();
    await loader.onMessage(snapshot('e1'), T);
    asked.length = 0;
    await loader.onMessage(decision(1, 'error_rate'), T + 1);
    expect(asked).toEqual([]);
    expect(state.channels.get('alipay').state).toBe('down');
    for (const [seq, reason] of [
      [2, 'manual'],
      [3, 'manual_expired'],
      [4, 'maintenance_start'],
    ] as const) {
      asked.length = 0;
      await loader.onMessage(decision(seq, reason), T + seq);
      expect(asked.sort(), reason).toEqual(['/v1/channels', '/v1/maintenance']);
    }
    const before = changes();
    await loader.onMessage({ type: 'something_new' }, T + 9);
    expect(changes()).toBe(before);
  });

  it('applies stats without reading anything', async () => {
    const { state, loader, asked } = setup();
    await loader.onMessage(snapshot('e1'), T);
    asked.length = 0;
    await loader.onMessage(
      { type: 'stats', at: T + 500, channels: [{ id: 'wechat', state: 'degraded', weight: 0.2 }] },
      T + 100,
    );
    expect(asked).toEqual([]);
    expect(state.offset).toBe(400);
    expect(state.channels.get('wechat')).toMatchObject({ state: 'degraded', weight: 0.2 });
  });

  it('keeps faults that can be drawn, and stops asking once the monitor has none (404)', async () => {
    const { state, loader, asked, answers } = setup({
      '/v1/faults': {
        body: [{ channel: 'bank_b', kind: 'error', from: T, to: T + 1 }, { kind: 'x' }],
      },
    });
    await loader.faults();
    expect(state.faults.map((f: { channel: string }) => f.channel)).toEqual(['bank_b']);
    answers['/v1/faults'] = { status: 500, body: { error: 'boom' } };
    await loader.faults();
    expect(state.faults).toHaveLength(1); // a failed read changes nothing
    expect(loader.faultsAvailable).toBe(true);
    answers['/v1/faults'] = { status: 404, body: { error: 'not_found' } };
    await loader.faults();
    await loader.faults();
    expect(asked).toEqual(['/v1/faults', '/v1/faults', '/v1/faults']);
    expect(loader.faultsAvailable).toBe(false);
  });

  it('survives a monitor that cannot be reached: nothing changes, nothing throws', async () => {
    const down = new TypeError('fetch failed');
    const { state, loader, changes } = setup({
      '/v1/decisions?since=0&limit=200': down,
      '/v1/maintenance': down,
      '/v1/channels': down,
      '/v1/faults': down,
    });
    await loader.onMessage(snapshot('e1'), T);
    await loader.faults();
    expect(changes()).toBe(1);
    expect([state.decisions, state.maintenance, state.faults]).toEqual([[], [], []]);
  });
});

describe('unwrapList', () => {
  it('takes a bare list or the first key holding one, else nothing', () => {
    expect(unwrapList([1, 2], 'faults')).toEqual([1, 2]);
    expect(unwrapList({ windows: [3] }, 'maintenance', 'windows')).toEqual([3]);
    expect(unwrapList({ maintenance: 'no' }, 'maintenance')).toEqual([]);
    expect(unwrapList(null, 'faults')).toEqual([]);
  });
});
