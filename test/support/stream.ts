import type { ManualClock } from '../../src/core/clock.ts';
import type { Engine } from '../../src/core/Engine.ts';
import {
  DECLINE,
  ERROR,
  MAINTENANCE,
  RISK_REJECT,
  SUCCESS,
  TIMEOUT,
} from '../../src/core/outcome.ts';
import type { Random } from '../../src/core/random.ts';

/** Shares of each class in a synthetic stream; the rest succeed. */
export interface Mix {
  error?: number;
  timeout?: number;
  decline?: number;
  risk?: number;
  maintenance?: number;
}

export function drawClass(rng: Random, mix: Mix): number {
  let u = rng();
  if ((u -= mix.error ?? 0) < 0) return ERROR;
  if ((u -= mix.timeout ?? 0) < 0) return TIMEOUT;
  if ((u -= mix.decline ?? 0) < 0) return DECLINE;
  if ((u -= mix.risk ?? 0) < 0) return RISK_REJECT;
  if ((u -= mix.maintenance ?? 0) < 0) return MAINTENANCE;
  return SUCCESS;
}

export interface Lane {
  channel: number;
  ratePerSec: number;
  mix: Mix;
  source?: 'live' | 'probe';
  latencyMs?: (rng: Random) => number;
}

/**
 * Drive lanes of Poisson traffic into an engine on a manual clock for `durationMs`, ticking every
 * 100 ms like the monitor does. `until` stops early (checked after each event and tick).
 */
export function run(
  engine: Engine,
  clock: ManualClock,
  rng: Random,
  lanes: Lane[],
  durationMs: number,
  until?: () => boolean,
): void {
  const end = clock.now() + durationMs;
  const next = lanes.map((l) => clock.now() + expo(rng, l.ratePerSec));
  let nextTick = clock.now() + 100;
  for (;;) {
    let li = -1;
    let t = nextTick;
    for (let i = 0; i < lanes.length; i++) if (next[i] < t) (t = next[i]), (li = i);
    if (t > end) break;
    clock.set(Math.max(clock.now(), t));
    if (li < 0) {
      engine.tick();
      nextTick += 100;
    } else {
      const l = lanes[li];
      const cls = drawClass(rng, l.mix);
      const ms = l.latencyMs ? l.latencyMs(rng) : cls === TIMEOUT ? 3000 : 80 + rng() * 150;
      engine.recordRaw(l.channel, cls, ms, clock.now(), l.source === 'probe');
      next[li] = t + expo(rng, l.ratePerSec);
    }
    if (until?.()) return;
  }
  clock.set(Math.max(clock.now(), end));
}

function expo(rng: Random, ratePerSec: number): number {
  return (-Math.log(1 - rng()) / ratePerSec) * 1000;
}
