import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** promtool comes from Debian's `prometheus` package, which .ci/run installs. */
export const PROMTOOL_HINT = 'promtool not found: install it with `apt-get install prometheus` (Debian; .ci/run does) or set PROMTOOL to its path';

/** The promtool to run: $PROMTOOL, else the first on PATH, else /usr/bin/promtool; undefined when none exists. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PROMTOOL) return existsSync(env.PROMTOOL) ? env.PROMTOOL : undefined;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
  return dirs.map((d) => join(d, 'promtool')).find((p) => existsSync(p));
}

export interface PromtoolRun { code: number; output: string }

/** Runs promtool; resolves with its exit code and stdout+stderr (never rejects on a non-zero exit). */
export function runPromtool(promtool: string, args: string[], cwd?: string): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    execFile(promtool, args, { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? Number(err.code) : 0, output });
    });
  });
}
