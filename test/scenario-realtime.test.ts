import { describe, expect, it } from 'vitest';
import { parseScenario } from '../simulators/scenario/loadScenario.ts';
import { runRealtime } from '../simulators/scenario/runRealtime.ts';
import { runVirtual } from '../simulators/scenario/runVirtual.ts';

/** Short on purpose: the real-time run takes its full duration on the wall clock. */
const SHORT = `
name: short-burst
seed: 3
duration: 8s
probeInterval: 1s
channels:
  - { id: wechat, flavour: wechat, pool: qr }
  - { id: alipay, flavour: alipay, pool: qr }
  - { id: unionpay, flavour: unionpay, pool: qr }
traffic:
  rate: 25
  timeout: 2s
  pools: { qr: 1 }
faults:
  - { id: wechat-busy, channel: wechat, kind: error, at: 3s, for: 4s, probability: 0.8 }
expect:
  - { channel: wechat, reaches: [down, degraded], within: 2s, of: wechat-busy }
  - { channel: unionpay, noSwitch: true }
  - noFalseSwitches: true
  - doubleCharges: 0
`;

/** Real sockets and timers add scheduling and I/O delay the virtual run does not have. */
const DETECTION_TOLERANCE_MS = 1000;

describe('real time and virtual time agree', () => {
  it(`same verdicts, detection within ${DETECTION_TOLERANCE_MS} ms, same traffic`, async () => {
    const scenario = parseScenario(SHORT);
    const virtual = (await runVirtual(scenario)).report;
    const real = (await runRealtime(scenario, { drainMs: 2500 })).report;
    expect(real.virtual).toBe(false);
    expect(virtual.verdict).toBe('pass');
    expect(real.expectations.map((e) => [e.text, e.pass])).toEqual(
      virtual.expectations.map((e) => [e.text, e.pass]),
    );
    const dv = virtual.faults[0].detectionMs!;
    const dr = real.faults[0].detectionMs!;
    expect(dv).not.toBeNull();
    expect(dr).not.toBeNull();
    expect(Math.abs(dr - dv)).toBeLessThanOrEqual(DETECTION_TOLERANCE_MS);
    expect(real.falseSwitches).toBe(virtual.falseSwitches);
    expect(real.checkout!.attempts).toBe(virtual.checkout!.attempts);
    expect(Math.abs(real.checkout!.successRate - virtual.checkout!.successRate)).toBeLessThan(0.03);
    expect(real.checkout!.doubleCharges).toBe(0);
  }, 40_000);
});
