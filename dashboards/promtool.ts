import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** promtool and prometheus come from Debian's `prometheus` package, which .ci/run installs. */
export const PROMTOOL_HINT =
  'promtool not found: install it with `apt-get install prometheus` (Debian; .ci/run does) or set PROMTOOL to its path';
export const PROMETHEUS_HINT =
  'prometheus not found: install it with `apt-get install prometheus` (Debian; .ci/run does) or set PROMETHEUS to its path';

/** A program of the prometheus package: $<ENV_VAR>, else the first on PATH, else /usr/bin; undefined when none exists. */
export function findTool(
  name: 'promtool' | 'prometheus',
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const given = env[name.toUpperCase()];
  if (given) return existsSync(given) ? given : undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findTool('promtool', env);
}

export interface PromtoolRun {
  code: number;
  output: string;
}

/** Runs promtool; resolves with its exit code and stdout+stderr (never rejects on a non-zero exit). */
export function runPromtool(promtool: string, args: string[], cwd?: string): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    execFile(
      promtool,
      args,
      { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? Number(err.code) : 0, output });
      },
    );
  });
}
