import type { ChannelProfile } from '../channels/ChannelProfile.ts';
import type { CheckoutRoute } from './CheckoutRoute.ts';

/**
 * The routes a checkout takes from simulated channels: what the client routes on (pool, priority,
 * amount limits) and the flavour that reads the codes. The one mapping every edge, runner, bench
 * and test uses, so a field added to routing reaches all of them.
 */
export function checkoutRoutes(
  channels: readonly Pick<
    ChannelProfile,
    'id' | 'pool' | 'priority' | 'flavour' | 'minAmount' | 'maxAmount'
  >[],
): CheckoutRoute[] {
  return channels.map(({ id, pool, priority, flavour, minAmount, maxAmount }) => ({
    id,
    pool,
    priority,
    flavour,
    ...(minAmount !== undefined && { minAmount }),
    ...(maxAmount !== undefined && { maxAmount }),
  }));
}
