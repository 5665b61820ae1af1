import type { Engine } from '../../src/core/Engine.ts';
import type { FaultEngine } from '../faults/FaultEngine.ts';
import { toFaultInput } from '../faults/faultSpec.ts';
import { plannedFaultId, type Scenario } from './Scenario.ts';

/**
 * A scenario's timeline from `t0` into a simulation: its faults, and each planned maintenance
 * window as a `maintenance` fault (the channel really is in maintenance then). The same for
 * real and virtual runs.
 */
export function injectFaults(faults: FaultEngine, scenario: Scenario, t0: number): void {
  for (const spec of scenario.faults) faults.add(toFaultInput(spec, t0, 'scenario'));
  for (const [i, m] of scenario.maintenance.entries())
    faults.add({
      id: plannedFaultId(m.channel, i),
      channel: m.channel,
      kind: 'maintenance',
      from: t0 + m.atMs,
      to: t0 + m.atMs + m.forMs,
      source: 'scenario',
      note: 'planned',
    });
}

/** The same planned windows booked with the monitor's engine, as an operator would. */
export function bookMaintenance(
  engine: Pick<Engine, 'addMaintenance'>,
  scenario: Scenario,
  t0: number,
): void {
  for (const m of scenario.maintenance)
    engine.addMaintenance({
      channel: m.channel,
      from: t0 + m.atMs,
      to: t0 + m.atMs + m.forMs,
      leadMs: m.leadMs,
      reason: 'planned',
    });
}
