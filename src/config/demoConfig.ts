import { DEMO_CHANNELS, DEMO_POOLS } from '../core/options.ts';
import type { ConfigInput } from './schema.ts';

/** The built-in config used without --config: pools `qr` and `card` of docs/CONTRACT.md, no probes. */
export function demoConfigInput(): ConfigInput {
  return {
    channels: DEMO_CHANNELS.map(({ id, flavour, pool, priority }) => ({
      id,
      flavour,
      pool,
      priority,
    })),
    pools: DEMO_POOLS.map(({ id, split }) => ({ id, split: [...split] })),
  };
}
