import type { Flavour } from '../../src/core/codes/index.ts';
import type { ChannelRule } from '../../src/client/types.ts';

/** A channel as the checkout sees it: the client's routing rule plus the flavour that says how to read its codes. */
export interface CheckoutRoute extends ChannelRule {
  flavour?: Flavour;
}

/**
 * The oracle's source of truth: the fault engine's failure probability for a request on a channel
 * at an instant (simulators/faults/FaultEngine.ts fits this shape).
 */
export interface HealthOracle {
  failureProbability(
    channel: string,
    at: number,
    req?: { store?: string; terminal?: string; method?: string },
  ): number;
}
