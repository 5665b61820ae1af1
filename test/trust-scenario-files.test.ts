// Hostile scenario files fail fast with the field named: a duration that froze the old regex, a
// scenario of 100000h (which ran out of memory), an alias bomb.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../simulators/SimulatorError.ts';
import { parseScenario } from '../simulators/scenario/loadScenario.ts';

const shipped = readFileSync(
  fileURLToPath(new URL('../simulators/scenarios/local-terminal-fault.yaml', import.meta.url)),
  'utf8',
);

function refusal(text: string): SimulatorError {
  try {
    parseScenario(text, 'hostile.yaml');
  } catch (e) {
    if (e instanceof SimulatorError) return e;
    throw e;
  }
  throw new Error('expected a SimulatorError');
}

describe('hostile scenario files', () => {
  it('still loads the shipped file this test mutates', () => {
    expect(parseScenario(shipped).durationMs).toBe(900_000);
  });

  it('refuses a backtracking bait duration in well under 50 ms', () => {
    const t = performance.now();
    const e = refusal(shipped.replace('for: 10m', `for: "${'1'.repeat(30)}x"`));
    expect(performance.now() - t).toBeLessThan(50);
    expect(e.details.map((d) => d.path)).toContain('faults[0].for');
  });

  it('refuses a scenario longer than a day, naming duration', () => {
    const e = refusal(shipped.replace('duration: 15m', 'duration: 100000h'));
    expect(e.details.map((d) => d.path)).toContain('duration');
  });

  it('refuses an alias bomb', () => {
    const bomb = `${shipped}\nx: &x [a, a, a, a, a, a, a, a, a]\ny: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x]\nz: &z [*y, *y, *y, *y, *y, *y, *y, *y, *y]\nw: [*z, *z, *z, *z, *z, *z, *z, *z, *z]\n`;
    const t = performance.now();
    expect(refusal(bomb).message).toMatch(/alias/i);
    expect(performance.now() - t).toBeLessThan(500);
  });
});
