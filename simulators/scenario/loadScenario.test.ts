import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../SimulatorError.ts';
import { parseScenario } from './loadScenario.ts';
import { SCENARIO_SCHEMA_PATH, scenarioSchemaText } from './writeScenarioSchema.ts';

const OK = `
name: t
duration: 10m
channels:
  - { id: wechat, flavour: wechat, pool: qr }
  - { id: bank_a, flavour: bank, pool: card, limits: { max: 100000 }, latency: { median: 400ms, p99: 2s } }
traffic:
  rate: [{ at: 0, rps: 1 }, { at: 5m, rps: 10 }]
faults:
  - { channel: wechat, kind: error, at: 8m37s, for: 1m, probability: 0.5, ramp: 5s }
  - { channel: wechat, kind: error, at: 9m }
expect:
  - { channel: wechat, reaches: down, within: 2s, of: wechat-error }
  - { channel: bank_a, noSwitch: { from: 1m, to: 2m } }
  - noFalseSwitches: true
  - checkoutSuccess: { atLeast: 0.95 }
  - doubleCharges: 0
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, 'x.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SimulatorError);
    expect((e as SimulatorError).code).toBe('scenario_invalid');
    return (e as SimulatorError).details.map((d) => d.path);
  }
  return [];
}

describe('scenario files', () => {
  it('normalise: durations to ms, defaults filled, fault ids given', () => {
    const s = parseScenario(OK);
    expect(s.durationMs).toBe(600_000);
    expect(s.channels[1]).toMatchObject({
      id: 'bank_a',
      priority: 2,
      maxAmount: 100_000,
      latency: { medianMs: 400, p99Ms: 2000 },
    });
    expect(s.pools.map((p) => p.id)).toEqual(['qr', 'card']);
    expect(s.faults.map((f) => f.id)).toEqual(['wechat-error', 'wechat-error-2']);
    expect(s.traffic!.rate).toEqual([
      { atMs: 0, rps: 1 },
      { atMs: 300_000, rps: 10 },
    ]);
    expect(s.expect.map((e) => e.text)).toEqual([
      'wechat down within 2s of wechat-error (8m37s)',
      'bank_a takes no switch from 1m to 2m',
      'no false switches',
      'checkout success at least 0.95',
      'zero double charges',
    ]);
  });

  it('name every bad field', () => {
    expect(problems(OK.replace('flavour: bank', 'flavour: paypal'))).toEqual([
      'channels[1].flavour',
    ]);
    expect(problems(OK.replace('probability: 0.5', 'probability: 5'))).toEqual([
      'faults[0].probability',
    ]);
    expect(problems(OK.replace('at: 8m37s', 'at: soon'))).toEqual(['faults[0].at']);
    expect(problems(OK.replace('of: wechat-error', 'of: no-such-fault'))).toEqual(['expect[0].of']);
    expect(
      problems(OK.replace('{ channel: bank_a, noSwitch', '{ channel: bank_z, noSwitch')),
    ).toEqual(['expect[1].channel']);
    expect(problems(OK.replace('duration: 10m', 'duraton: 10m'))).toEqual(
      expect.arrayContaining(['duration']),
    );
    expect(
      problems(
        `${OK}\n  - { channel: wechat, kind: flapping, on: 5s }`.replace('expect:', 'faults2:'),
      ),
    ).not.toEqual([]);
    expect(problems('name: [')).toEqual([expect.stringMatching(/^line /)]);
  });

  it('have a JSON Schema file in step with the zod schema', () => {
    expect(readFileSync(SCENARIO_SCHEMA_PATH, 'utf8')).toBe(scenarioSchemaText());
  });
});
