import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../simulators/scenario/loadScenario.ts';
import type { ScenarioReport } from '../simulators/scenario/Report.ts';
import { runVirtual } from '../simulators/scenario/runVirtual.ts';

const DIR = fileURLToPath(new URL('../simulators/scenarios/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
/** Every scenario runs with its own seed and these; none is tuned to one seed. */
const SEEDS = [1, 2, 3, 4, 6];
/** What a scenario's story needs beyond its expectations (no expectation kind says it). */
const EXTRA: Record<string, (r: ScenarioReport) => void> = {
  // charged orders whose queries hung were answered pending, and the reconciler found them paid
  'charged-queries-hang': (r) => {
    expect(r.checkout!.ordersFoundLater).toBeGreaterThan(0);
    expect(r.checkout!.ordersLeftPending).toBe(0);
  },
};

describe('shipped scenarios pass under --virtual, for several seeds', () => {
  expect(FILES).toEqual([
    'bank-latency-tail.yaml',
    'charged-queries-hang.yaml',
    'cold-start-slow-orders.yaml',
    'flapping-channel.yaml',
    'flash-sale.yaml',
    'healthy-noise.yaml',
    'local-terminal-fault.yaml',
    'lost-callbacks.yaml',
    'maintenance-night.yaml',
    'outage-way-back.yaml',
    'pool-outage-staggered.yaml',
    'risk-storm-way-back.yaml',
    'risk-storm.yaml',
    'store-timeouts-40pct.yaml',
  ]);
  const scenarios = FILES.map((file) => loadScenario(`${DIR}${file}`));
  // an extra check whose scenario was renamed would silently stop running
  expect(scenarios.map((s) => s.name)).toEqual(expect.arrayContaining(Object.keys(EXTRA)));
  for (const scenario of scenarios) {
    for (const seed of [scenario.seed, ...SEEDS]) {
      it(`${scenario.name} seed ${seed}`, async () => {
        const { report } = await runVirtual(scenario, { seed });
        const failed = report.expectations
          .filter((e) => !e.pass)
          .map((e) => `${e.text}: ${e.observed}`);
        expect(failed).toEqual([]);
        expect(report.verdict).toBe('pass');
        // every fault of the file is in the ground truth, with its window
        for (const f of scenario.faults)
          expect(report.faults.some((r) => r.id === f.id)).toBe(true);
        EXTRA[scenario.name]?.(report);
      }, 30_000);
    }
  }
});

describe('virtual reports', () => {
  it('are byte-identical run to run for one seed, and differ for another', async () => {
    const scenario = loadScenario(`${DIR}flash-sale.yaml`);
    const a = JSON.stringify((await runVirtual(scenario, { seed: 11 })).report);
    const b = JSON.stringify((await runVirtual(scenario, { seed: 11 })).report);
    const c = JSON.stringify((await runVirtual(scenario, { seed: 12 })).report);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  }, 30_000);

  it('carry the contract fields and score the peers on the same traffic', async () => {
    const { report } = await runVirtual(loadScenario(`${DIR}flash-sale.yaml`));
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining([
        'scenario',
        'seed',
        'virtual',
        'verdict',
        'expectations',
        'faults',
        'falseSwitches',
        'checkout',
      ]),
    );
    expect(report.faults[0]).toMatchObject({
      id: 'wechat-busy',
      channel: 'wechat',
      kind: 'error',
      from: 517_000,
      to: 757_000,
    });
    expect(report.faults[0].detectionMs).toBe(report.faults[0].detectedAt! - report.faults[0].from);
    const c = report.checkout!;
    expect(Object.keys(c.strategies)).toEqual(['switchyard', 'staticSingle', 'oracle']);
    for (const s of Object.values(c.strategies)) expect(s.orders).toBe(c.attempts);
    // the story of the seeds: a single static channel loses the peak, switching keeps it
    expect(c.staticSuccessRate!).toBeLessThan(0.9);
    expect(c.successRate).toBeGreaterThan(c.staticSuccessRate! + 0.2);
    expect(c.oracleSuccessRate!).toBeGreaterThanOrEqual(c.successRate - 0.005);
  }, 30_000);
});
