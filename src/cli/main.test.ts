import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CommandTable, main } from './main.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out, err };
}

describe('main', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints the package version for --version, -v and version, exit 0', async () => {
    const { out } = capture();
    for (const flag of ['--version', '-v', 'version']) expect(await main([flag], {})).toBe(0);
    expect(out).toEqual([`${VERSION}\n`, `${VERSION}\n`, `${VERSION}\n`]);
  });

  it('names the missing packages and how to install them, exit 1, without loading the command', async () => {
    const { err } = capture();
    const load = vi.fn();
    const commands: CommandTable = {
      fly: { load, summary: 'fly', needs: ['hono', 'switchyard-no-such-package'] },
    };
    expect(await main(['fly'], commands)).toBe(1);
    expect(load).not.toHaveBeenCalled();
    expect(err.join('')).toBe(
      'switchyard fly needs switchyard-no-such-package, not installed (optional peer dependencies of switchyard): npm install switchyard-no-such-package\n',
    );
  });
});
