/**
 * The four strategies at once against one checkout server and one fault timeline (the bench's
 * set-up, served by `npm start` too): one constant-arrival-rate scenario per strategy, with a
 * threshold per strategy tag so the summary shows each one's failure rate side by side.
 *
 *   k6 run -e CHECKOUT_URL=http://127.0.0.1:8082 -e RATE=50 loadtests/k6/strategies-side-by-side.ts
 */
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { makeOrder } from './order.ts';

const BASE = __ENV.CHECKOUT_URL ?? 'http://127.0.0.1:8082';
const RATE = Number(__ENV.RATE ?? 50);
const DURATION = __ENV.DURATION ?? '2m';
const STRATEGIES = ['switchyard', 'staticSingle', 'staticPriority', 'oracle'] as const;

const paid = new Rate('checkout_paid');

function scenario(strategy: string): Scenario {
  return {
    executor: 'constant-arrival-rate',
    rate: RATE,
    timeUnit: '1s',
    duration: DURATION,
    preAllocatedVUs: RATE * 2,
    maxVUs: RATE * 30,
    exec: 'pay',
    env: { STRATEGY: strategy },
    tags: { strategy },
  };
}

export const options: Options = {
  scenarios: Object.fromEntries(STRATEGIES.map((s) => [s, scenario(s)])),
  thresholds: {
    // The SLO gates apply to switchyard; the peers are compared in the JSON output (k6 run --out json=…), grouped by the strategy tag.
    'http_req_failed{strategy:switchyard}': ['rate<0.01'],
    'checkout_paid{strategy:switchyard}': ['rate>0.992'],
    // The oracle is the ceiling: if even it falls short, the scenario (not the routing) is at fault.
    'checkout_paid{strategy:oracle}': ['rate>0.995'],
  },
};

export function pay(): void {
  const strategy = __ENV.STRATEGY;
  const res = http.post(
    `${BASE}/checkout?strategy=${strategy}`,
    JSON.stringify(makeOrder(__VU, __ITER)),
    {
      headers: { 'content-type': 'application/json' },
      timeout: '30s',
    },
  );
  if (res.status !== 200 && res.status !== 503) return;
  const status = (res.json() as { status?: string }).status;
  if (status !== 'declined') paid.add(status === 'paid');
}
