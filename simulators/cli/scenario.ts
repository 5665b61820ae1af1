import { writeFileSync } from 'node:fs';
import { formatSummary } from '../scenario/formatSummary.ts';
import { loadScenario } from '../scenario/loadScenario.ts';
import { runVirtual } from '../scenario/runVirtual.ts';
import { SimulatorError } from '../SimulatorError.ts';
import { parseCli } from '../../src/cli/parseCli.ts';

export const SCENARIO_USAGE = `usage: switchyard scenario run FILE [--virtual] [--seed N] [--report OUT.json] [--json]

Runs a fault-injection scenario end to end (channel simulators, the monitor, traffic through the
checkout for switchyard and its peers), scores the expectations against the injected-fault
timeline, prints a summary and writes the JSON report.

  --virtual        everything in-process on virtual time: a 30-minute scenario takes seconds
  --seed N         overrides the scenario's seed
  --report FILE    write the JSON report there
  --json           print the JSON report instead of the summary

exit: 0 every expectation holds, 1 one fails, 2 bad input
`;

/** `switchyard scenario run …`; resolves with the exit code. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(SCENARIO_USAGE);
    return 0;
  }
  if (sub !== 'run') {
    process.stderr.write(
      `${sub === undefined ? 'no subcommand' : `unknown subcommand "${sub}"`}\n\n${SCENARIO_USAGE}`,
    );
    return 2;
  }
  const args = parseCli(
    rest,
    {
      virtual: { type: 'boolean' },
      seed: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
    },
    SCENARIO_USAGE,
    true,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (positionals.length !== 1) {
    process.stderr.write(`give exactly one scenario FILE\n\n${SCENARIO_USAGE}`);
    return 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    process.stderr.write(`bad --seed ${JSON.stringify(values.seed)}: give an integer\n`);
    return 2;
  }
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(positionals[0]);
  } catch (e) {
    if (!(e instanceof SimulatorError)) throw e;
    process.stderr.write(`switchyard scenario: ${e.code}: ${e.message}\n`);
    for (const d of e.details) process.stderr.write(`  ${d.path}: ${d.message}\n`);
    return 2;
  }
  const report = values.virtual
    ? (await runVirtual(scenario, { seed })).report
    : (
        await (
          await import('../scenario/runRealtime.ts')
        ).runRealtime(scenario, { seed, log: (l) => process.stderr.write(`${l}\n`) })
      ).report;
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (values.report) writeFileSync(values.report as string, json);
  process.stdout.write(values.json ? json : formatSummary(report));
  return report.verdict === 'pass' ? 0 : 1;
}
