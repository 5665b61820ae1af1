import { formatDuration } from './duration.ts';
import type { ScenarioReport } from './Report.ts';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
const since = (ms: number | null) => (ms === null ? 'never' : `+${ms} ms`);

/** The readable summary `scenario run` prints: verdict, expectations, faults with detection and recovery times, switches, transitions, checkout. */
export function formatSummary(r: ScenarioReport): string {
  const lines: string[] = [];
  lines.push(
    `scenario ${r.scenario} (seed ${r.seed}, ${r.virtual ? 'virtual time' : 'real time'}, ${formatDuration(r.durationMs)}): ${r.verdict.toUpperCase()}`,
  );
  lines.push('', 'expectations:');
  for (const e of r.expectations)
    lines.push(`  ${e.pass ? 'pass' : 'FAIL'}  ${e.text}  — ${e.observed}`);
  if (r.faults.length > 0) {
    lines.push('', 'faults (ground truth):');
    for (const f of r.faults) {
      const scope = f.scope ? ` ${JSON.stringify(f.scope)}` : '';
      const det = f.detectionMs === null ? 'not detected' : `detected in ${f.detectionMs} ms`;
      const out = f.stateAtStart !== 'healthy' ? ` (already ${f.stateAtStart} at onset)` : '';
      const also = f.detectedBy?.alsoActive.length
        ? ` (while ${f.detectedBy.alsoActive.join(', ')} also on)`
        : '';
      lines.push(
        `  ${f.id.padEnd(26)} ${f.channel} ${f.kind}${scope} p=${f.probability} ${formatDuration(f.from)}–${formatDuration(f.to)}: ${det}${out}${also}; back ${since(f.recovery.healthyMs)} healthy, ${since(f.recovery.fullWeightMs)} at full weight ${f.recovery.fullWeight}`,
      );
    }
  }
  lines.push(
    '',
    `switches: ${r.switches.length} (${r.falseSwitches} false), decisions: ${r.decisions}`,
  );
  for (const s of r.switches)
    lines.push(
      `  ${formatDuration(s.at).padEnd(8)} ${s.channel} ${s.from}→${s.to} (${s.reason}) ${s.cause === null ? `FALSE: ${s.why}` : `← ${s.cause}`}`,
    );
  lines.push(
    `transitions: ${Object.entries(r.transitions)
      .map(([ch, n]) => `${ch} ${n}`)
      .join(', ')}`,
  );
  if (r.checkout) {
    const c = r.checkout;
    lines.push(
      '',
      `checkout: ${c.attempts} orders, ${c.succeeded} paid, success ${pct(c.successRate)} (static single channel ${pct(c.staticSuccessRate)}, oracle ${pct(c.oracleSuccessRate)}), double charges ${c.doubleCharges}`,
    );
    for (const [name, s] of Object.entries(c.strategies)) {
      lines.push(
        `  ${name.padEnd(13)} success ${pct(s.successRate)}  paid ${s.paid}  declined ${s.declined}  failed ${s.failed}  double ${s.doubleCharges}  dropped ${s.droppedFound}/${s.droppedOrders} found  p95 ${s.p95LatencyMs} ms`,
        `  ${''.padEnd(13)} pending found paid later ${s.ordersFoundLater}, left pending ${s.ordersLeftPending}, charged but reported failed ${s.chargedButReportedFailed}, failovers ${s.failovers}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
