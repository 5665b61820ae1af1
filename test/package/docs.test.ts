import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeTables, FLAVOURS, type Flavour } from '../../src/core/codes/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CODES_DOC = readFileSync(join(ROOT, 'docs', 'CHANNEL-CODES.md'), 'utf8');

/** `60`–`68` in a doc cell stands for every code from 60 to 68, two digits each. */
function expand(cell: string): string[] {
  const codes: string[] = [];
  for (const m of cell.matchAll(/`([^`]+)`(?:–`([^`]+)`)?/g)) {
    if (m[2] === undefined) codes.push(m[1]!);
    else for (let n = Number(m[1]); n <= Number(m[2]); n++) codes.push(String(n).padStart(2, '0'));
  }
  return codes;
}

/** The rows of a flavour's table in docs/CHANNEL-CODES.md, as "CODE class query-first" lines. */
function documented(flavour: Flavour): string[] {
  const start = CODES_DOC.indexOf(`(\`${flavour}\`)\n`);
  expect(start, `a section for ${flavour}`).toBeGreaterThan(0);
  const section = CODES_DOC.slice(start, CODES_DOC.indexOf('\n## ', start));
  const table = codeTables[flavour];
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const [codes, cls, query] = line
        .split('|')
        .slice(1, 4)
        .map((c) => c.trim());
      return expand(codes!).map((code) => `${table.normalize(code)} ${cls} ${query === 'yes'}`);
    });
}

describe('docs', () => {
  it('CHANNEL-CODES.md holds every code table exactly: codes, classes, query-first', () => {
    for (const flavour of FLAVOURS) {
      const inCode = [...codeTables[flavour].entries].map(
        ([code, info]) => `${code} ${info.cls} ${info.unknownResult}`,
      );
      expect(documented(flavour).sort(), flavour).toEqual(inCode.sort());
    }
  });

  it('every Markdown link between the docs points at a file in the repo', () => {
    const pages = ['README.md', 'DEVELOPERS.md', 'CHANGELOG.md', 'simulators/README.md'].concat(
      readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    );
    const broken = pages.flatMap((page) =>
      [...readFileSync(join(ROOT, page), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(ROOT, page, '..', target)))
        .map((target) => `${page} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
