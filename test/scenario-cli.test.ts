import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../simulators/cli/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-scenario-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const BASE = `
name: tiny
duration: 2m
channels:
  - { id: wechat, flavour: wechat, pool: qr }
  - { id: alipay, flavour: alipay, pool: qr }
traffic: { rate: 2, timeout: 3s }
faults:
  - { id: down, channel: wechat, kind: maintenance, at: 30s, for: 30s }
`;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('switchyard scenario run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 0 when every expectation holds, writes the report and prints a summary', async () => {
    const io = capture();
    const report = join(dir, 'ok.json');
    const code = await run([
      'run',
      file(
        'ok.yaml',
        `${BASE}expect:\n  - { channel: wechat, reaches: [maintenance, down], within: 5s, of: down }\n`,
      ),
      '--virtual',
      '--seed',
      '5',
      '--report',
      report,
    ]);
    expect(code).toBe(0);
    expect(io.out()).toContain('scenario tiny (seed 5, virtual time, 2m): PASS');
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(json).toMatchObject({
      scenario: 'tiny',
      seed: 5,
      virtual: true,
      verdict: 'pass',
      falseSwitches: 0,
    });
  });

  it('exits 1 when one fails', async () => {
    const io = capture();
    const code = await run([
      'run',
      file(
        'bad.yaml',
        `${BASE}expect:\n  - { channel: alipay, reaches: down, within: 5s, of: down }\n`,
      ),
      '--virtual',
    ]);
    expect(code).toBe(1);
    expect(io.out()).toContain('FAIL  alipay down within 5s of down');
  });

  it('exits 2 on bad input, naming the field', async () => {
    const io = capture();
    expect(
      await run([
        'run',
        file('broken.yaml', `${BASE}expect:\n  - { channel: nope, noSwitch: true }\n`),
        '--virtual',
      ]),
    ).toBe(2);
    expect(io.err()).toContain('expect[0].channel: no channel "nope"');
    expect(
      await run([
        'run',
        file('kind.yaml', BASE.replace('kind: maintenance', 'kind: outage')),
        '--virtual',
      ]),
    ).toBe(2);
    expect(io.err()).toContain('faults[0].kind');
    expect(await run(['run', join(dir, 'missing.yaml'), '--virtual'])).toBe(2);
    expect(await run(['run', '--virtual'])).toBe(2);
    expect(await run(['walk'])).toBe(2);
  });
});
