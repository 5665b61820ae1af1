import { createRequire } from 'node:module';
import { missingPackages } from './missingPackages.ts';

/** One `switchyard` command; its module loads lazily so that `monitor` never pays for the simulators and vice versa. */
export interface Command {
  /** The command's module: `run(argv)` resolves with the exit code. */
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
  /** Its line in the usage. */
  summary: string;
  /**
   * The optional peer dependencies its module imports (package.json `peerDependencies`): a
   * gateway that installs switchyard for its client gets `ws` alone, so the command checks first.
   */
  needs?: readonly string[];
}

/** What the monitor and every library entry beyond `switchyard/client` import. */
export const MONITOR_PACKAGES = [
  'hono',
  '@hono/node-server',
  'prom-client',
  'yaml',
  'zod',
] as const;

/** Commands by name, in the order the usage lists them. */
export type CommandTable = Record<string, Command>;

/**
 * The commands src/ offers by itself. The `switchyard` bin adds the simulators' commands to them
 * (simulators/cli/commands.ts): the dependency points from the simulators to src, never back.
 */
export const MONITOR_COMMANDS: CommandTable = {
  monitor: {
    load: () => import('./monitor.ts'),
    summary: 'run the monitor alone (--config FILE, --port, --host)',
    needs: MONITOR_PACKAGES,
  },
};

/** The installed package's version, read through the package's own name (a clone resolves to itself). */
export function version(): string {
  return (createRequire(import.meta.url)('switchyard/package.json') as { version: string }).version;
}

export function usage(commands: CommandTable): string {
  return `usage: switchyard <command> [options]
       switchyard --version

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run "switchyard <command> --help" for a command's options.
`;
}

/**
 * `switchyard <command> …` over `commands`: resolves with the exit code (2 for no or an unknown
 * command, 1 when a package the command needs is not installed).
 */
export async function main(argv: string[], commands: CommandTable): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage(commands));
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = command === undefined ? undefined : commands[command];
  if (!entry) {
    process.stderr.write(
      `${command === undefined ? 'no command given' : `unknown command "${command}"`}\n\n${usage(commands)}`,
    );
    return 2;
  }
  const missing = missingPackages(entry.needs ?? [], import.meta.url);
  if (missing.length > 0) {
    process.stderr.write(
      `switchyard ${command} needs ${missing.join(', ')}, not installed (optional peer dependencies of switchyard): npm install ${missing.join(' ')}\n`,
    );
    return 1;
  }
  const mod = await entry.load();
  return mod.run(rest);
}

/** `main` as the program (bin/switchyard.mjs): the exit code becomes the process's, a crash is printed with exit 1. */
export async function runProgram(
  commands: CommandTable,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  try {
    // Long-running commands (monitor, demo) resolve only when they have shut down.
    process.exitCode = await main(argv, commands);
  } catch (err) {
    process.stderr.write(`switchyard: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
