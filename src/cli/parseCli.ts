import { type ParseArgsConfig, parseArgs } from 'node:util';

export interface CliArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * `parseArgs` with the commands' shared conventions: a bad flag prints its message and the usage
 * (exit code 2), `--help` prints the usage (exit code 0); either way the caller returns the number.
 */
export function parseCli(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  allowPositionals = false,
): CliArgs | number {
  let parsed: CliArgs;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }) as CliArgs;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  return parsed;
}
