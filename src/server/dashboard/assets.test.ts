// The page's pure modules are plain browser JavaScript; they are loaded here by URL (typed loosely)
// so Node tests them without a build step or declaration files.
import { describe, expect, it } from 'vitest';

// The assets are plain JS modules: the test reads them untyped.
const load = (name: string): Promise<Record<string, any>> =>
  import(new URL(`./assets/${name}`, import.meta.url).href);
const format = await load('format.js');
const { ATTENTION_ORDER, DashboardState } = await load('DashboardState.js');
const { backoffDelay, streamUrl } = await load('StreamClient.js');
const { channelChart } = await load('channelChart.js');
const { poolsHtml, tileHtml, timelineHtml } = await load('render.js');
const { chartCards } = await load('chartCards.js');

const T = 1_795_300_000_000;
const win = (total: number, errorRate: number, p95Ms = 200) => ({
  total,
  counts: {},
  probes: 0,
  errorRate,
  successRate: total ? 1 - errorRate : 0,
  riskRate: 0,
  p50Ms: 50,
  p95Ms,
  p99Ms: p95Ms,
});
const view = (id: string, pool: string, weight: number) => ({
  id,
  pool,
  flavour: id,
  priority: 1,
  state: 'healthy',
  since: T - 60_000,
  weight,
  reason: null,
  windows: { '10s': win(100, 0.01), '60s': win(600, 0.01) },
  unknownCodes: 0,
  late: 0,
});
const snapshot = (epoch: string, seq = 0) => ({
  type: 'snapshot',
  epoch,
  seq,
  channels: [view('wechat', 'qr', 0.5), view('alipay', 'qr', 0.5)],
  pools: [
    {
      id: 'qr',
      weights: { wechat: 0.5, alipay: 0.5 },
      channels: ['wechat', 'alipay'],
      panic: false,
    },
  ],
});
const down = (seq: number, at: number) => ({
  type: 'decision',
  seq,
  at,
  channel: 'alipay',
  pool: 'qr',
  from: 'healthy',
  to: 'down',
  reason: 'error_rate',
  evidence: { window: '10s', errorRate: 0.38, samples: 412, threshold: 0.05 },
  weights: { wechat: 1, alipay: 0 },
});

describe('format', () => {
  it('keeps small error rates visible and says "–" for no data', () => {
    expect(format.pct(0.0004)).toBe('0.04%');
    expect(format.pct(0.38)).toBe('38.0%');
    expect(format.pct(null)).toBe('–');
    expect(format.ms(1234)).toBe('1.2 s');
    expect(format.duration(185_000)).toBe('3m 05s');
    expect(format.niceCeil(0.38)).toBe(0.5);
    expect(format.niceCeil(1300)).toBe(2000);
    expect(format.esc('<img onerror="x">')).not.toMatch(/[<>"]/);
    expect(format.evidence({ errorRate: 0.38, samples: 412 })).toBe('errorRate=38.0% samples=412');
  });
});

describe('esc', () => {
  it('escapes <, >, &, double and single quotes, and leaves other text alone', () => {
    expect(format.esc(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;Tom &#38; Jerry&#60;/a&#62;',
    );
    expect(format.esc('wechat · 微信 → 38%')).toBe('wechat · 微信 → 38%');
    // Already escaped text is escaped again: the monitor's strings are data, not markup.
    expect(format.esc('&amp;')).toBe('&#38;amp;');
    expect(format.esc(42)).toBe('42');
  });
});

describe('backoffDelay / streamUrl', () => {
  it('doubles from 250 ms with jitter, capped at 10 s', () => {
    expect(backoffDelay(1, 0)).toBe(125);
    expect(backoffDelay(1, 0.999)).toBeLessThanOrEqual(250);
    expect(backoffDelay(3, 0)).toBe(500);
    for (const r of [0, 0.5, 0.999]) expect(backoffDelay(30, r)).toBeLessThanOrEqual(10_000);
    expect(backoffDelay(30, 0)).toBe(5000);
  });
  it('resumes after the last seen seq and follows the page scheme', () => {
    expect(streamUrl({ protocol: 'http:', host: 'h:8080' }, 0)).toBe('ws://h:8080/v1/stream');
    expect(streamUrl({ protocol: 'https:', host: 'h' }, 42)).toBe('wss://h/v1/stream?since=42');
  });
});

describe('DashboardState', () => {
  it('moves a channel on a decision: state, since, weights; duplicates ignored', () => {
    const s = new DashboardState();
    s.applySnapshot(snapshot('e1'), T);
    expect(s.applyDecision(down(1, T + 5))).toBe(true);
    expect(s.applyDecision(down(1, T + 5))).toBe(false);
    const a = s.channels.get('alipay');
    expect([a.state, a.since, a.weight]).toEqual(['down', T + 5, 0]);
    expect(s.channels.get('wechat').weight).toBe(1);
    expect(s.pools[0].weights).toEqual({ wechat: 1, alipay: 0 });
    expect(s.sick().map((x: any) => [x.channel.id, x.decision.reason])).toEqual([
      ['alipay', 'error_rate'],
    ]);
  });

  it('lists sick channels by attention: down, probing, degraded, maintenance; then longest sick', () => {
    const s = new DashboardState();
    const states = {
      a: 'maintenance',
      b: 'degraded',
      c: 'down',
      d: 'probing',
      e: 'down',
      f: 'healthy',
    };
    s.applySnapshot(
      {
        ...snapshot('e1'),
        channels: Object.entries(states).map(([id, state], i) => ({
          ...view(id, 'qr', 0),
          state,
          since: id === 'e' ? T - 1 : T + i,
        })),
      },
      T,
    );
    expect(s.sick().map((x: any) => x.channel.id)).toEqual(['e', 'c', 'd', 'b', 'a']);
    // Every state has a rank: one missing would sort as healthy.
    expect(Object.keys(ATTENTION_ORDER).sort()).toEqual([
      'degraded',
      'down',
      'healthy',
      'maintenance',
      'probing',
    ]);
  });

  it('a new epoch clears the timeline and marks the restart; the same epoch keeps it', () => {
    const s = new DashboardState();
    s.applySnapshot(snapshot('e1'), T);
    s.applyDecision(down(1, T + 5));
    expect(s.applySnapshot(snapshot('e1', 1), T + 10).epochChanged).toBe(false);
    expect(s.decisions).toHaveLength(1);
    expect(s.applySnapshot(snapshot('e2'), T + 20).epochChanged).toBe(true);
    expect(s.decisions).toHaveLength(0);
    expect(s.restarts).toEqual([T + 20]);
    expect(s.channels.get('alipay').state).toBe('healthy');
  });

  it('learns the server clock from stats, leaves gaps for empty windows, trims old points', () => {
    const s = new DashboardState({ historyMs: 10_000 });
    s.applySnapshot(snapshot('e1'), T);
    const stats = (at: number, total: number) => ({
      type: 'stats',
      at,
      channels: [
        {
          id: 'alipay',
          state: 'healthy',
          weight: 0.5,
          windows: { '10s': win(total, 0.02), '60s': win(total, 0.02) },
        },
      ],
    });
    s.applyStats(stats(T + 1000 + 250, 0), T + 1000);
    expect(s.offset).toBe(250);
    expect(s.history.get('alipay').at(-1)).toMatchObject({ success: null, error: null });
    for (let i = 2; i <= 20; i++) s.applyStats(stats(T + i * 1000, 50), T + i * 1000);
    const h = s.history.get('alipay');
    expect(h[0].t).toBeGreaterThanOrEqual(T + 10_000);
    expect(h.at(-1)).toMatchObject({ error: 0.02, total: 50 });
  });
});

describe('channelChart and render', () => {
  it('marks decisions, shades faults, breaks the line over a gap', () => {
    const points = [
      { t: T + 1000, success: 0.99, error: 0.01, p95: 200 },
      { t: T + 2000, success: null, error: null, p95: null },
      { t: T + 3000, success: 0.6, error: 0.4, p95: 300 },
    ];
    const svg: string = channelChart({
      id: 'alipay',
      points,
      decisions: [down(7, T + 2500)],
      faults: [{ channel: 'alipay', kind: 'error', from: T + 2000, to: T + 9000 }],
      maintenance: [],
      restarts: [],
      from: T,
      to: T + 60_000,
    });
    expect(svg.match(/class="mark"/g)).toHaveLength(1);
    expect(svg).toContain('data-kind="error"');
    const successPath = svg.match(/<path class="line" d="([^"]+)" stroke="#2e9d57"/)![1];
    expect(successPath.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('tech errors 40.0%');
  });

  it('puts the state word in a short tile and escapes what the monitor sent', () => {
    const html: string = tileHtml(
      { ...view('alipay', 'qr', 0), state: 'down', since: T, reason: 'error_rate' },
      { now: T + 65_000 },
    );
    expect(html).toMatch(/<span class="st">down<\/span>/);
    expect(html).toContain('for 1m 05s');
    expect(html.replace(/<[^>]+>/g, '').length).toBeLessThan(400);
    const tl: string = timelineHtml([{ ...down(1, T), channel: '<b>x</b>' }]);
    expect(tl).not.toContain('<b>x</b>');
  });

  it('groups tiles by pool in the monitor order, channels in no pool last under "(none)"', () => {
    const s = new DashboardState();
    s.applySnapshot(
      { ...snapshot('e1'), channels: [...snapshot('e1').channels, view('bank_a', 'card', 0)] },
      T,
    );
    const html: string = poolsHtml(s, { now: T, admin: false, selected: 'alipay' });
    expect([...html.matchAll(/data-pool="([^"]+)"/g)].map((m) => m[1])).toEqual(['qr', '(none)']);
    expect([...html.matchAll(/id="tile-(\w+)"/g)].map((m) => m[1])).toEqual([
      'wechat',
      'alipay',
      'bank_a',
    ]);
    expect(html).toMatch(/class="tile state-healthy selected" id="tile-alipay"/);
  });

  it('draws one chart card per channel, or only the filtered one, every value escaped', () => {
    const s = new DashboardState();
    s.applySnapshot(snapshot('e1'), T);
    s.applyDecision(down(1, T + 5));
    const all: string = chartCards(s, { from: T - 60_000, to: T + 1000 });
    expect(
      [...all.matchAll(/<figure class="chartcard state-(\w+)" data-channel="(\w+)"/g)].map((m) => [
        m[2],
        m[1],
      ]),
    ).toEqual([
      ['wechat', 'healthy'],
      ['alipay', 'down'],
    ]);
    expect(all.match(/<svg class="chart"/g)).toHaveLength(2);
    const one: string = chartCards(s, { filter: 'alipay', from: T - 60_000, to: T + 1000 });
    expect(one.match(/<figure/g)).toHaveLength(1);
    expect(one).toContain('class="mark"');
    const odd = 'x"><script>';
    s.channels.set(odd, view(odd, '<img>', 0));
    const html: string = chartCards(s, { filter: odd, from: T - 60_000, to: T + 1000 });
    expect(html).toContain('data-channel="x&#34;&#62;&#60;script&#62;"');
    expect(html).toContain('pool &#60;img&#62;');
    expect(html).not.toMatch(/<script|<img/);
  });
});
