import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { SimulatorError } from '../SimulatorError.ts';
import { FaultEngine, latencyAt, probabilityAt } from './FaultEngine.ts';

function engine() {
  const clock = new ManualClock(1000);
  const log: string[] = [];
  const faults = new FaultEngine({
    clock,
    channels: ['wechat', 'alipay'],
    onChange: (e) => log.push(`${e.at} ${e.action} ${e.fault.id}`),
  });
  return { clock, faults, log };
}

describe('FaultEngine', () => {
  it('gives every fault a TTL and logs every change', () => {
    const { clock, faults, log } = engine();
    const f = faults.add({ channel: 'wechat', kind: 'error' });
    expect(f.to - f.from).toBe(300_000);
    clock.advance(500);
    faults.change(f.id, { probability: 0.5 });
    clock.advance(500);
    const ended = faults.remove(f.id);
    expect(ended.to).toBe(2000);
    expect(log).toEqual(['1000 add f-1', '1500 change f-1', '2000 remove f-1']);
    expect(faults.windows()).toEqual([{ ...f, probability: 0.5, to: 2000 }]);
    expect(faults.list()).toEqual([]);
  });

  it('refuses bad faults with a code and the field', () => {
    const { faults } = engine();
    const bad = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return [(e as SimulatorError).code, (e as SimulatorError).details[0]?.path];
      }
      return null;
    };
    expect(bad(() => faults.add({ channel: 'nope', kind: 'error' }))).toEqual([
      'unknown_channel',
      'channel',
    ]);
    expect(bad(() => faults.add({ channel: 'wechat', kind: 'error', probability: 2 }))).toEqual([
      'fault_invalid',
      'probability',
    ]);
    expect(bad(() => faults.add({ channel: 'wechat', kind: 'flapping' }))).toEqual([
      'fault_invalid',
      'onMs',
    ]);
    expect(
      bad(() => faults.add({ channel: 'wechat', kind: 'error', ttlMs: 2 * 86_400_000 })),
    ).toEqual(['fault_invalid', 'ttlMs']);
    expect(bad(() => faults.remove('f-9'))).toEqual(['fault_not_found', undefined]);
  });

  it('ramps, flaps and scopes', () => {
    const { faults } = engine();
    const ramp = faults.add({
      channel: 'wechat',
      kind: 'error',
      from: 0,
      to: 10_000,
      probability: 0.8,
      rampMs: 4000,
    });
    expect(probabilityAt(ramp, 0)).toBe(0);
    expect(probabilityAt(ramp, 2000)).toBeCloseTo(0.4);
    expect(probabilityAt(ramp, 5000)).toBe(0.8);
    expect(probabilityAt(ramp, 10_000)).toBe(0);
    const flap = faults.add({
      channel: 'alipay',
      kind: 'flapping',
      from: 0,
      to: 100_000,
      onMs: 1000,
      offMs: 3000,
    });
    expect([500, 1500, 4200, 5500].map((t) => probabilityAt(flap, t))).toEqual([1, 0, 1, 0]);
    faults.add({
      channel: 'alipay',
      kind: 'timeout',
      from: 0,
      to: 100_000,
      scope: { store: 's-1' },
    });
    expect(faults.forRequest('alipay', 500, { store: 's-2' }).map((a) => a.fault.kind)).toEqual([
      'flapping',
    ]);
    expect(faults.forRequest('alipay', 500, { store: 's-1' }).map((a) => a.fault.kind)).toEqual([
      'flapping',
      'timeout',
    ]);
    expect(faults.isHealthy('alipay', 1500, { store: 's-2' })).toBe(true);
    expect(faults.isHealthy('alipay', 1500, { store: 's-1' })).toBe(false);
  });

  it('does not count declines or lost callbacks against health', () => {
    const { faults } = engine();
    faults.add({ channel: 'wechat', kind: 'decline', from: 0, to: 10_000 });
    faults.add({ channel: 'wechat', kind: 'callback_lost', from: 0, to: 10_000 });
    expect(faults.isHealthy('wechat', 5000)).toBe(true);
    faults.add({ channel: 'wechat', kind: 'error', from: 0, to: 10_000, probability: 0.5 });
    expect(faults.failureProbability('wechat', 5000)).toBeCloseTo(0.5);
  });

  it('follows probability points: straight lines, a step where two share a time, flat after the last', () => {
    const { faults } = engine();
    const f = faults.add({
      channel: 'wechat',
      kind: 'error',
      from: 10_000,
      to: 100_000,
      probability: 1,
      schedule: [
        { atMs: 0, p: 0.2 },
        { atMs: 10_000, p: 0.2 },
        { atMs: 10_000, p: 0.6 },
        { atMs: 30_000, p: 1 },
      ],
    });
    const at = (t: number) => probabilityAt(f, 10_000 + t);
    expect([0, 9_999, 10_000, 20_000, 30_000, 80_000].map(at)).toEqual([0.2, 0.2, 0.6, 0.8, 1, 1]);
    expect(probabilityAt(f, 5_000)).toBe(0);
    // a flat probability set later replaces the points
    expect(probabilityAt(faults.change(f.id, { probability: 0.3 }), 20_000)).toBe(0.3);
  });

  it('ramps a latency fault from its start size to its end size over the window', () => {
    const { faults } = engine();
    const f = faults.add({
      channel: 'wechat',
      kind: 'latency',
      from: 0,
      to: 10_000,
      latencyMs: 200,
      latencyToMs: 3200,
    });
    expect([0, 5_000, 10_000].map((t) => latencyAt(f, t))).toEqual([200, 1700, 3200]);
    expect(latencyAt({ ...f, latencyToMs: undefined }, 5_000)).toBe(200);
    expect(latencyAt({ ...f, latencyMs: undefined, latencyToMs: undefined }, 0)).toBe(2000);
  });

  it('scopes by operation: a query-only fault touches queries, not pays, not probes', () => {
    const { faults } = engine();
    faults.add({
      channel: 'wechat',
      kind: 'timeout',
      from: 0,
      to: 10_000,
      scope: { operation: ['query', 'close'] },
    });
    const kinds = (op?: 'pay' | 'query' | 'close' | 'refund') =>
      faults.forRequest('wechat', 500, {}, op).map((a) => a.fault.kind);
    expect([kinds('query'), kinds('close'), kinds('pay'), kinds(), kinds('refund')]).toEqual([
      ['timeout'],
      ['timeout'],
      [],
      [],
      [],
    ]);
    // the oracle judges pays
    expect(faults.isHealthy('wechat', 500)).toBe(true);
  });

  it('refuses operations a kind cannot act on, points out of order, a latency ramp elsewhere', () => {
    const { faults } = engine();
    const bad = (input: Parameters<typeof faults.add>[0]) => {
      try {
        faults.add(input);
      } catch (e) {
        return (e as SimulatorError).details[0]?.path;
      }
      return null;
    };
    expect(bad({ channel: 'wechat', kind: 'decline', scope: { operation: ['query'] } })).toBe(
      'scope.operation',
    );
    expect(bad({ channel: 'wechat', kind: 'decline', scope: { operation: ['pay'] } })).toBe(null);
    expect(
      bad({
        channel: 'wechat',
        kind: 'error',
        schedule: [
          { atMs: 5, p: 0.1 },
          { atMs: 1, p: 0.2 },
        ],
      }),
    ).toBe('schedule');
    expect(bad({ channel: 'wechat', kind: 'timeout', latencyMs: 1, latencyToMs: 9 })).toBe(
      'latencyToMs',
    );
  });
});
