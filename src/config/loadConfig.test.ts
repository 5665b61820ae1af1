import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTORS, DEFAULT_STATES } from '../core/options.ts';
import { ConfigError } from './ConfigError.ts';
import { demoConfigInput } from './demoConfig.ts';
import { loadConfigFile, parseConfigText, resolveConfig } from './loadConfig.ts';
import { detectorsSchema, statesSchema } from './schema.ts';
import { configJsonSchema, JSON_SCHEMA_PATH } from './writeJsonSchema.ts';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('resolves the demo config with defaults', () => {
    const c = resolveConfig(demoConfigInput());
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.engine.channels.map((x) => x.id)).toEqual([
      'wechat',
      'alipay',
      'unionpay',
      'bank_a',
      'bank_b',
    ]);
    expect(c.engine.pools.map((p) => p.id)).toEqual(['qr', 'card']);
    expect(c.probes).toEqual([]);
    expect(c.engine.detectors.timeouts.k).toBe(2);
  });

  it('loads the shipped example YAML, converting the Shanghai window to instants', () => {
    const c = loadConfigFile(fileURLToPath(new URL('./example.yaml', import.meta.url)));
    expect(c.probes).toHaveLength(1);
    expect(c.probes[0]).toMatchObject({
      channel: 'wechat',
      intervalMs: 5000,
      timeoutMs: 1500,
      method: 'GET',
    });
    expect(c.engine.pools.find((p) => p.id === 'card')!.split).toEqual([0.7, 0.2, 0.1]);
    expect(c.engine.channels.find((x) => x.id === 'bank_a')!.priority).toBe(1);
    expect(c.engine.channels.find((x) => x.id === 'bank_b')!.priority).toBe(2);
    expect(c.engine.detectors.errorRate.minSamples).toBe(20);
    expect(c.engine.detectors.errorRate.downRate).toBe(DEFAULT_DETECTORS.errorRate.downRate);
    expect(c.maintenance.windows).toEqual([
      {
        channel: 'unionpay',
        from: Date.parse('2026-11-22T18:00:00Z'),
        to: Date.parse('2026-11-22T20:00:00Z'),
        leadMs: 300000,
        reason: 'acquirer upgrade',
      },
    ]);
  });

  it('reads JSON as well', () => {
    const c = parseConfigText(
      JSON.stringify({ port: 0, channels: [{ id: 'x', flavour: 'bank', pool: 'p' }] }),
    );
    expect(c.port).toBe(0);
    expect(c.engine.pools).toEqual([{ id: 'p', split: [0.7, 0.2, 0.1] }]);
  });

  it('names the field and the fix for a wrong enum, a misspelt key and a missing field', () => {
    const e = issuesOf(() =>
      parseConfigText(
        'chanels: []\nchannels:\n  - id: w\n    flavour: wexin\n    pool: qr\n  - id: a\n    flavour: alipay\n',
      ),
    );
    expect(e.code).toBe('config_invalid');
    const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i]));
    expect(byPath['channels[0].flavour'].fix).toContain('"wechat"');
    expect(byPath['channels[1].pool'].fix).toContain('add channels[1].pool');
    expect(byPath[''].message).toContain('"chanels"');
    expect(e.message).toContain('channels[0].flavour');
  });

  it('checks references across the file: duplicate ids, unknown pools, split sums, probe timing, windows', () => {
    const e = issuesOf(() =>
      resolveConfig({
        pools: [{ id: 'qr', split: [0.5, 0.2] }],
        channels: [
          {
            id: 'w',
            flavour: 'wechat',
            pool: 'qr',
            probe: { url: 'http://127.0.0.1:1/p', intervalMs: 1000, timeoutMs: 1000 },
          },
          { id: 'w', flavour: 'alipay', pool: 'cards' },
        ],
        maintenance: {
          windows: [
            {
              channel: 'nope',
              start: '2026-11-23 02:00',
              end: '2026-11-23 04:00',
              timeZone: 'Asia/Shanghai',
            },
            { channel: 'w', start: '2026-11-23 02:00', end: '2026-11-23 04:00' },
            {
              channel: 'w',
              start: '2026-11-23 02:00',
              end: '2026-11-23 04:00',
              timeZone: 'Mars/Olympus',
            },
          ],
        },
      }),
    );
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'channels[1].id',
        'channels[1].pool',
        'pools[0].split',
        'channels[0].probe.timeoutMs',
        'maintenance.windows[0].channel',
        'maintenance.windows[1].start',
        'maintenance.windows[2].timeZone',
      ]),
    );
    expect(e.issues.find((i) => i.path === 'maintenance.windows[1].start')!.message).toContain(
      'timeZone',
    );
  });

  it('reports YAML syntax errors with their line, and a missing file', () => {
    const e = issuesOf(() => parseConfigText('channels:\n  - id: [w\n'));
    expect(e.code).toBe('config_syntax');
    expect(e.issues[0].path).toMatch(/^line \d+/);
    expect(issuesOf(() => loadConfigFile('/nonexistent/switchyard.yaml')).code).toBe(
      'config_not_found',
    );
  });

  it('lets the file set every core tunable: the schema has exactly the keys of the core options', () => {
    const shape = detectorsSchema.shape;
    for (const [group, defaults] of Object.entries(DEFAULT_DETECTORS)) {
      const inner = (shape[group as keyof typeof shape].unwrap() as unknown as { shape: object })
        .shape;
      expect(Object.keys(inner).sort(), group).toEqual(Object.keys(defaults).sort());
    }
    expect(Object.keys(shape).sort()).toEqual(Object.keys(DEFAULT_DETECTORS).sort());
    expect(Object.keys(statesSchema.shape).sort()).toEqual(Object.keys(DEFAULT_STATES).sort());
  });

  it('ships a JSON Schema in sync with the zod schema', () => {
    expect(readFileSync(JSON_SCHEMA_PATH, 'utf8')).toBe(configJsonSchema());
    const schema = JSON.parse(configJsonSchema());
    expect(schema.required).toEqual(['channels']);
    expect(schema.properties.channels.items.properties.flavour.enum).toEqual([
      'wechat',
      'alipay',
      'unionpay',
      'bank',
    ]);
  });
});
