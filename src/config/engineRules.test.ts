import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../cli/monitor.ts';
import { ManualClock } from '../core/clock.ts';
import { Engine } from '../core/Engine.ts';
import { ConfigError } from './ConfigError.ts';
import { demoConfigInput } from './demoConfig.ts';
import { parseConfigText, resolveConfig } from './loadConfig.ts';

const demo = demoConfigInput() as Record<string, unknown> & { channels: object[] };

function issue(input: unknown): { path: string; message: string; fix: string }[] {
  try {
    resolveConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('cross-field rules of the engine, in the config', () => {
  it.each([
    [
      'split with a 0 share',
      { pools: [{ id: 'qr', split: [1, 0] }, { id: 'card' }] },
      'pools[0].split[1]',
    ],
    ['bucketMs 30', { bucketMs: 30 }, 'bucketMs'],
    ['bucketMs 10000', { bucketMs: 10_000 }, 'bucketMs'],
    ['baseline 0', { detectors: { errorRate: { baseline: 0 } } }, 'detectors.errorRate.baseline'],
    ['baseline 1', { detectors: { errorRate: { baseline: 1 } } }, 'detectors.errorRate.baseline'],
    [
      'degradedRate below baseline',
      { detectors: { errorRate: { baseline: 0.1, degradedRate: 0.05 } } },
      'detectors.errorRate.degradedRate',
    ],
    ['downRate 0', { detectors: { errorRate: { downRate: 0 } } }, 'detectors.errorRate.downRate'],
    ['downRate 1', { detectors: { errorRate: { downRate: 1 } } }, 'detectors.errorRate.downRate'],
    [
      'maxEjectionMs < ejectionMs',
      { states: { ejectionMs: 60_000, maxEjectionMs: 10_000 } },
      'states.maxEjectionMs',
    ],
    ['k above n', { detectors: { timeouts: { k: 5, n: 3 } } }, 'detectors.timeouts.k'],
    [
      'a pool override',
      { pools: [{ id: 'qr', detectors: { errorRate: { downRate: 0.01 } } }, { id: 'card' }] },
      'pools[0].detectors.errorRate.downRate',
    ],
    [
      'a probe token shared with ingest',
      { tokens: { ingest: 'same-token-1', probe: 'same-token-1' } },
      'tokens.probe',
    ],
  ])('%s is refused at %s, with a fix', (_name, extra, path) => {
    const issues = issue({ ...demo, ...extra });
    expect(issues.map((i) => i.path)).toContain(path);
    for (const i of issues) expect(i.fix.length).toBeGreaterThan(10);
  });

  it('names the rule of a channel id, not "a valid regex"', () => {
    const [i] = issue({ ...demo, channels: [{ id: 'we chat', flavour: 'wechat', pool: 'qr' }] });
    expect(i.path).toBe('channels[0].id');
    expect(i.fix).toMatch(/letters, digits/);
  });

  it('refuses an alias bomb as a syntax problem', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]']
      .concat(
        ['b', 'c', 'd', 'e'].map(
          (k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcd'[i]}`).join(', ')}]`,
        ),
      )
      .join('\n');
    const t = performance.now();
    expect(() => parseConfigText(bomb)).toThrow(/aliases/);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('whatever numbers a config holds: a ConfigError, or an engine that runs', () => {
    const num = fc.oneof(
      fc.double({ min: -2, max: 2, noNaN: true }),
      fc.integer({ min: -10, max: 400_000 }),
      fc.constantFrom(0, 1, 30, 250, 10_000),
    );
    const mutation = fc.record(
      {
        bucketMs: num,
        detectors: fc.record(
          {
            errorRate: fc.record(
              {
                baseline: num,
                degradedRate: num,
                downRate: num,
                threshold: num,
                minSamples: num,
                exitRate: num,
              },
              { requiredKeys: [] },
            ),
            timeouts: fc.record({ k: num, n: num }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        states: fc.record(
          {
            ejectionMs: num,
            maxEjectionMs: num,
            minDwellMs: num,
            rampSteps: num,
            probingShare: num,
          },
          { requiredKeys: [] },
        ),
        pools: fc.constantFrom(
          undefined,
          [{ id: 'qr', split: [1, 0] }, { id: 'card' }],
          [{ id: 'qr', split: [0.5, 0.5] }, { id: 'card' }],
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(mutation, (m) => {
        let config: ReturnType<typeof resolveConfig>;
        try {
          config = resolveConfig({ ...demo, ...m });
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          return;
        }
        const clock = new ManualClock(1_000_000);
        const engine = new Engine(config.engine, { clock });
        for (let i = 0; i < 50; i++) {
          engine.record({
            channel: 'wechat',
            outcome: i % 3 ? 'success' : 'error',
            latencyMs: 20,
            at: clock.now(),
          });
          clock.advance(100);
          engine.tick();
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('switchyard monitor with a bad config', () => {
  let err: string[];
  beforeEach(() => {
    err = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('exits 2 with the field and a fix, never a stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-rules-'));
    const files = {
      'split.yaml':
        'channels: [{ id: wechat, flavour: wechat, pool: qr }]\npools: [{ id: qr, split: [1, 0] }]\n',
      'bucket.yaml': 'bucketMs: 30\nchannels: [{ id: wechat, flavour: wechat, pool: qr }]\n',
      'bomb.yaml': `a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n`,
    };
    for (const [name, text] of Object.entries(files)) {
      err.length = 0;
      const file = join(dir, name);
      writeFileSync(file, text);
      expect(await run(['--config', file]), name).toBe(2);
      const out = err.join('');
      expect(out).toContain('fix: ');
      expect(out).not.toMatch(/\n\s+at /);
    }
  });
});
