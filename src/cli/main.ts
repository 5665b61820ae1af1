/**
 * `switchyard <command>`: dispatches to the command's module, each exporting
 * `run(argv): Promise<number>` (the exit code). Commands load lazily so that `monitor` never pays
 * for the simulators and vice versa.
 */
const COMMANDS: Record<
  string,
  { load: () => Promise<{ run(argv: string[]): Promise<number> }>; summary: string }
> = {
  monitor: {
    load: () => import('./monitor.ts'),
    summary: 'run the monitor alone (--config FILE, --port, --host)',
  },
  simulate: {
    load: () => import('./simulate.ts' as string),
    summary: 'run the channel simulators (--scenario FILE)',
  },
  scenario: {
    load: () => import('./scenario.ts' as string),
    summary: 'scenario run FILE [--virtual] [--seed N] [--report OUT.json]',
  },
  demo: {
    load: () => import('./demo.ts'),
    summary: 'the whole demo: monitor, simulators, checkout, traffic and faults',
  },
};

export const USAGE = `usage: switchyard <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "switchyard <command> --help" for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (!entry) {
    process.stderr.write(
      `${command === undefined ? 'no command given' : `unknown command "${command}"`}\n\n${USAGE}`,
    );
    return 2;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

// Only when run as the program (bin/switchyard.mjs imports this file); tests import main().
const invokedAsCli =
  process.argv[1] !== undefined && /(?:switchyard(?:\.mjs)?|main\.ts)$/.test(process.argv[1]);
if (invokedAsCli) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Long-running commands (monitor, demo) resolve only when they have shut down.
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`switchyard: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
