import { describe, expect, it } from 'vitest';
import { formatSummary } from '../simulators/scenario/formatSummary.ts';
import { parseScenario } from '../simulators/scenario/loadScenario.ts';
import { runVirtual, VIRTUAL_EPOCH } from '../simulators/scenario/runVirtual.ts';

/** A QA scenario written with the way-back instrument: what went wrong after the fault, in the file. */
const SCENARIO = `
name: way-back
duration: 8m
channels:
  - { id: wechat, flavour: wechat, pool: qr, rates: { pending: 0.05, payerConfirms: 0.5 } }
  - { id: alipay, flavour: alipay, pool: qr }
  - { id: unionpay, flavour: unionpay, pool: qr }
traffic:
  rate: 8
  stores: 10
  storeShares: { s-003: 0.4 }
  pools: { qr: 1 }
faults:
  # every store's mini-program payments fail on WeChat: channel-wide for that method
  - { id: mini, channel: wechat, kind: error, code: SYSTEMERROR, at: 1m, for: 2m, probability: 0.9, scope: { method: mini_program } }
  # Alipay slows down more and more
  - { id: slow, channel: alipay, kind: latency, at: 4m, for: 1m, latency: { from: 200ms, to: 2s } }
  # UnionPay's queries hang, its pays do not
  - { id: queries, channel: unionpay, kind: timeout, at: 1m, for: 3m, scope: { operation: query } }
  - id: steps
    channel: unionpay
    kind: error
    at: 5m30s
    for: 1m
    probability: [{ at: 0, p: 0.05 }, { at: 30s, p: 0.05 }, { at: 30s, p: 0.9 }]
expect:
  - { channel: wechat, in: [healthy], from: 0, to: 59s }
  - { channel: wechat, transitions: { atMost: 12 } }
  - { backToHealthy: { of: mini, within: 3m } }
  - { backToFullWeight: { of: mini, within: 4m } }
  - { panic: false }
  - { channel: wechat, share: { atLeast: 0.55, atMost: 0.85 }, from: 0, to: 59s }
  - { checkoutP95: { atMost: 10s } }
  - { failovers: { atMost: 2000 } }
  - { chargedButReportedFailed: 0 }
  - noFalseSwitches: true
`;

describe('a scenario written with the way-back instrument', () => {
  it('runs, scores every new kind, and reports the timeline, recoveries and orders found later', async () => {
    const scenario = parseScenario(SCENARIO, 'way-back.yaml');
    const { report, decisions } = await runVirtual(scenario, { seed: 3 });
    if (process.env.WAY_BACK_SUMMARY) console.log(formatSummary(report));
    const failed = report.expectations
      .filter((e) => !e.pass)
      .map((e) => `${e.text}: ${e.observed}`);
    expect(failed).toEqual([]);
    // the method-scoped fault took WeChat out, and that switch is its doing, not a false one
    const wechatOut = report.switches.filter((s) => s.channel === 'wechat');
    expect(wechatOut.length).toBeGreaterThan(0);
    for (const s of wechatOut) expect(s.cause).toBe('mini');
    // every decision, relative to the start, with the pool's weights
    expect(report.timeline).toHaveLength(decisions.length);
    expect(report.timeline.map((e) => e.at)).toEqual(decisions.map((d) => d.at - VIRTUAL_EPOCH));
    for (const e of report.timeline)
      expect(Object.keys(e.weights).sort()).toEqual(['alipay', 'unionpay', 'wechat']);
    expect(report.transitions.wechat).toBe(
      decisions.filter((d) => d.channel === 'wechat' && d.from !== d.to).length,
    );
    const mini = report.faults.find((f) => f.id === 'mini')!;
    expect(mini.stateAtStart).toBe('healthy');
    expect(mini.recovery.fullWeight).toBe(0.7);
    expect(mini.recovery.healthyMs).not.toBeNull();
    const c = report.checkout!;
    expect(c.chargedButReportedFailed).toBe(0);
    expect(c.ordersFoundLater + c.ordersLeftPending).toBeGreaterThanOrEqual(0);
    expect(c.strategies.switchyard.failovers).toBe(c.failovers);
  }, 60_000);
});
