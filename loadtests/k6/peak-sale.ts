/**
 * The peak-sale test against the demo checkout (npm start, or the bench's servers): arrivals ramp
 * to the flash-sale peak and hold, at a fixed arrival rate whatever the latency (an open model,
 * like real shoppers). The thresholds are the SLO gates: k6 exits non-zero when one fails.
 *
 *   k6 run loadtests/k6/peak-sale.ts                         # against 127.0.0.1:8082
 *   k6 run -e CHECKOUT_URL=http://host:8082 -e PEAK=400 -e STRATEGY=staticPriority loadtests/k6/peak-sale.ts
 */
import { check } from 'k6';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { makeOrder } from './order.ts';

const BASE = __ENV.CHECKOUT_URL ?? 'http://127.0.0.1:8082';
const STRATEGY = __ENV.STRATEGY ?? 'switchyard';
const PEAK = Number(__ENV.PEAK ?? 200);

/** Orders paid over orders some channel could take: customer-side declines are left out, as in the bench. */
const paid = new Rate('checkout_paid');
const declined = new Counter('checkout_declined');
const channelsTried = new Trend('checkout_channels_tried');
const foundByQuery = new Counter('checkout_found_by_query');

export const options: Options = {
  scenarios: {
    flash_sale: {
      executor: 'ramping-arrival-rate',
      startRate: Math.max(1, Math.round(PEAK / 10)),
      timeUnit: '1s',
      preAllocatedVUs: Math.max(50, PEAK),
      maxVUs: PEAK * 20,
      stages: [
        { target: PEAK, duration: '30s' }, // doors open
        { target: PEAK, duration: '2m' }, // the sale
        { target: Math.round(PEAK / 5), duration: '30s' }, // tail
      ],
    },
  },
  thresholds: {
    // A failed payment answers 503: this is the failure-rate SLO.
    http_req_failed: ['rate<0.01'],
    checkout_paid: ['rate>0.992'],
    http_req_duration: ['p(50)<500', 'p(99)<8000'],
    checks: ['rate>0.99'],
  },
};

interface OrderResultBody {
  status: 'paid' | 'failed' | 'declined';
  channels: string[];
  foundByQuery?: boolean;
}

export default function (): void {
  const order = makeOrder(__VU, __ITER);
  const res = http.post(`${BASE}/checkout?strategy=${STRATEGY}`, JSON.stringify(order), {
    headers: { 'content-type': 'application/json' },
    timeout: '30s',
    tags: { strategy: STRATEGY },
  });
  const body =
    res.status === 200 || res.status === 503 ? (res.json() as unknown as OrderResultBody) : null;
  check(res, {
    'answered with a result': () => body !== null,
    'not failed': () => body?.status !== 'failed',
  });
  if (!body) return;
  if (body.status === 'declined') declined.add(1);
  else paid.add(body.status === 'paid');
  channelsTried.add(body.channels.length);
  if (body.foundByQuery) foundByQuery.add(1);
}
