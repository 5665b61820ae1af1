import { ManualClock } from '../../src/core/clock.ts';
import type { Decision } from '../../src/core/decision.ts';
import { Engine } from '../../src/core/Engine.ts';
import {
  DEMO_CHANNELS,
  DEMO_POOLS,
  type DeepPartial,
  type EngineOptions,
  engineOptions,
} from '../../src/core/options.ts';

/** An engine on the demo channels and a manual clock, recording every decision it takes. */
export function demoEngine(
  over: DeepPartial<Omit<EngineOptions, 'channels' | 'pools'>> = {},
  start = 1_795_300_000_000,
) {
  const clock = new ManualClock(start);
  const engine = new Engine(
    engineOptions({ channels: DEMO_CHANNELS, pools: DEMO_POOLS, ...over }),
    { clock, epoch: 'test' },
  );
  const decisions: Decision[] = [];
  engine.onDecision((d) => decisions.push(d));
  return { clock, engine, decisions };
}
