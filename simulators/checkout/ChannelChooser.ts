import { Router } from '../../src/client/Router.ts';
import type { SwitchyardClient } from '../../src/client/types.ts';
import type { Clock } from '../../src/core/clock.ts';
import type { CheckoutRoute, HealthOracle } from './CheckoutRoute.ts';
import type { Order, Strategy } from './types.ts';

/** Where an order goes first, and where next after a channel failed it. null: nowhere left. */
export interface ChannelChooser {
  first(order: Order): string | null;
  next(order: Order, tried: readonly string[]): string | null;
}

export interface ChooserDeps {
  routes: readonly CheckoutRoute[];
  clock: Clock;
  client?: SwitchyardClient;
  oracle?: HealthOracle;
}

/** The four ways of choosing that the benches compare; every one honours the same business rules. */
export function createChooser(strategy: Strategy, deps: ChooserDeps): ChannelChooser {
  // Static peers never draw: the RNG is unused in static mode.
  const router = new Router(deps.routes, () => 0);
  switch (strategy) {
    case 'switchyard': {
      const client = deps.client;
      if (!client)
        throw new TypeError(
          'createCheckout: strategy "switchyard" needs `client` (createClient or createEngineClient)',
        );
      return {
        first: (o) => client.pick(o.pool, o).channel,
        next: (o, tried) => client.next(o.pool, o, tried).channel,
      };
    }
    case 'staticSingle':
      return {
        first: (o) => router.pick(o.pool, o, 'static').channel,
        next: () => null,
      };
    case 'staticPriority':
      return {
        first: (o) => router.pick(o.pool, o, 'static').channel,
        next: (o, tried) => router.next(o.pool, o, tried, 'static').channel,
      };
    case 'oracle': {
      const oracle = deps.oracle;
      if (!oracle)
        throw new TypeError(
          'createCheckout: strategy "oracle" needs `oracle` (the fault engine\'s failureProbability)',
        );
      // The healthiest admissible channel at this instant; priority breaks ties (eligible() is priority-ordered).
      const best = (o: Order, tried: readonly string[]) => {
        let bestId: string | null = null;
        let bestP = Infinity;
        const now = deps.clock.now();
        for (const r of router.eligible(o.pool, o, tried)) {
          const p = oracle.failureProbability(r.id, now, {
            store: o.store,
            terminal: o.terminal,
            method: o.method,
          });
          if (p < bestP) [bestId, bestP] = [r.id, p];
        }
        return bestId;
      };
      return { first: (o) => best(o, []), next: best };
    }
  }
}
