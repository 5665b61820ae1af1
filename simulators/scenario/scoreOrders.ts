import type { ChannelTimeline } from './ChannelTimeline.ts';
import type { ExpectationResult } from './Report.ts';
import type { Expectation } from './Scenario.ts';
import type { RunFacts } from './score.ts';

type OrderExpectation = Extract<
  Expectation,
  {
    kind:
      | 'checkoutSuccess'
      | 'doubleCharges'
      | 'droppedOrdersFound'
      | 'chargedButReportedFailed'
      | 'share'
      | 'checkoutP95'
      | 'failovers';
  }
>;

/** The expectations read from the checkouts: their report's figures, or the switchyard checkout's orders created in the range. */
export function scoreOrders(
  e: OrderExpectation,
  facts: RunFacts,
  tl: ChannelTimeline,
): ExpectationResult {
  const result = (pass: boolean, observed: string) => ({ text: e.text, pass, observed });
  const c = facts.checkout;
  switch (e.kind) {
    case 'checkoutSuccess': {
      if (!c) return result(false, 'no checkout ran');
      const okAbs = e.atLeast === undefined || c.successRate >= e.atLeast;
      const okStatic =
        !e.atLeastStatic || (c.staticSuccessRate !== null && c.successRate >= c.staticSuccessRate);
      const okOracle =
        e.withinOfOracle === undefined ||
        (c.oracleSuccessRate !== null &&
          c.oracleSuccessRate - c.successRate <= e.withinOfOracle + 1e-9);
      return result(
        okAbs && okStatic && okOracle,
        `switchyard ${c.successRate}, static ${c.staticSuccessRate ?? '-'}, oracle ${c.oracleSuccessRate ?? '-'}`,
      );
    }
    case 'doubleCharges':
      if (!c) return result(false, 'no checkout ran');
      return result(
        c.doubleCharges <= e.atMost,
        `${c.doubleCharges} double charge(s) of ${c.succeeded} paid`,
      );
    case 'droppedOrdersFound': {
      if (!c) return result(false, 'no checkout ran');
      const { injected, found } = c.droppedOrders;
      return result(found === injected, `${found} of ${injected} found`);
    }
    case 'chargedButReportedFailed':
      if (!c) return result(false, 'no checkout ran');
      return result(
        c.chargedButReportedFailed <= e.atMost,
        `${c.chargedButReportedFailed} charged but reported failed; ${c.ordersFoundLater} pending found paid later, ${c.ordersLeftPending} left pending`,
      );
  }
  if (!facts.orders) return result(false, 'no checkout ran');
  const from = facts.start + e.fromMs;
  const to = e.toMs >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : facts.start + e.toMs;
  const orders = facts.orders.filter((o) => o.createdAt >= from && o.createdAt <= to);
  switch (e.kind) {
    case 'share': {
      const pool = tl.poolOf(e.channel);
      const firsts = orders.filter((o) => o.pool === pool && o.channels.length > 0);
      if (firsts.length === 0) return result(false, `no orders in pool ${pool} in the range`);
      const mine = firsts.filter((o) => o.channels[0] === e.channel).length;
      const share = mine / firsts.length;
      const ok =
        (e.atLeast === undefined || share >= e.atLeast) &&
        (e.atMost === undefined || share <= e.atMost);
      return result(ok, `${pct(share)}: ${mine} of ${firsts.length} first attempts in ${pool}`);
    }
    case 'checkoutP95': {
      if (orders.length === 0) return result(false, 'no orders in the range');
      const lat = orders.map((o) => o.latencyMs).sort((a, b) => a - b);
      // the same nearest rank as the report's p95LatencyMs
      const p95 = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.95))];
      return result(
        p95 <= e.atMostMs,
        `p95 ${p95} ms over ${orders.length} orders (max ${lat[lat.length - 1]} ms)`,
      );
    }
    case 'failovers': {
      const n = orders.filter((o) => o.channels.length > 1);
      const first = n[0];
      return result(
        n.length <= e.atMost,
        `${n.length} of ${orders.length} orders needed a second channel${first ? ` (first ${first.id}: ${first.channels.join(' → ')})` : ''}`,
      );
    }
    default:
      return e satisfies never;
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
