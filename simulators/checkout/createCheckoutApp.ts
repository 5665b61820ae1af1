import { Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../../src/core/clock.ts';
import type { CarefulCheckout } from './createCheckout.ts';
import type { Order, Strategy } from './types.ts';

/** An order as POST /checkout takes it: only the amount is required. */
const orderBody = z.strictObject({
  id: z.string().min(1).max(128).optional(),
  amount: z.number().int().positive(),
  pool: z.string().min(1).default('qr'),
  method: z.string().default('qr'),
  store: z.string().default('s-001'),
  terminal: z.string().default('t-1'),
  segment: z.string().default('regular'),
  platform: z.string().optional(),
  customerDeclines: z.boolean().optional(),
});

export interface CheckoutAppOptions {
  /** One checkout per strategy served; `?strategy=` picks one, the first is the default. */
  checkouts: Partial<Record<Strategy, CarefulCheckout>>;
  clock: Clock;
}

/**
 * The demo checkout's HTTP face (routes only, no listen). POST /checkout pays an order: 200 paid,
 * 200 declined (the customer's side), 503 failed, so that load tools count failed payments as
 * failed requests. Order numbers are prefixed with the strategy, so that peers measured side by
 * side on one simulator never share an order.
 */
export function createCheckoutApp({ checkouts, clock }: CheckoutAppOptions): Hono {
  const app = new Hono();
  const names = Object.keys(checkouts) as Strategy[];
  if (names.length === 0) throw new TypeError('createCheckoutApp: give at least one checkout');
  let n = 0;

  app.get('/healthz', (c) => c.json({ ok: true }));

  app.post('/checkout', async (c) => {
    const strategy = (c.req.query('strategy') ?? names[0]) as Strategy;
    const checkout = checkouts[strategy];
    if (!checkout)
      return c.json(
        {
          error: `unknown strategy "${strategy}"; served: ${names.join(', ')}`,
          code: 'unknown_strategy',
        },
        400,
      );
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return c.json(
        { error: 'body must be a JSON order, e.g. {"amount": 3980}', code: 'bad_json' },
        400,
      );
    }
    const parsed = orderBody.safeParse(raw);
    if (!parsed.success) {
      return c.json(
        {
          error: 'invalid order',
          code: 'invalid_order',
          details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
        400,
      );
    }
    const { id, ...rest } = parsed.data;
    const order: Order = { ...rest, id: `${strategy}-${id ?? `o${++n}`}`, createdAt: clock.now() };
    const result = await checkout.pay(order);
    // pending: accepted, the money's fate still open (the reconciler settles it)
    return c.json(
      result,
      result.status === 'failed' ? 503 : result.status === 'pending' ? 202 : 200,
    );
  });

  app.get('/stats', (c) => {
    const out: Record<string, unknown> = {};
    for (const s of names) {
      const { latenciesMs, ...st } = checkouts[s]!.stats();
      const sorted = [...latenciesMs].sort((a, b) => a - b);
      out[s] = { ...st, ...rates(st), p50Ms: quantile(sorted, 0.5), p99Ms: quantile(sorted, 0.99) };
    }
    return c.json({ strategies: out });
  });

  return app;
}

/** Success over orders attempted; and over orders some channel could take (customer-side declines left out). */
export function rates(s: { attempts: number; succeeded: number; declined: number }): {
  rawSuccessRate: number;
  successRate: number;
} {
  return {
    rawSuccessRate: s.attempts ? s.succeeded / s.attempts : 0,
    successRate: s.attempts - s.declined > 0 ? s.succeeded / (s.attempts - s.declined) : 0,
  };
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
