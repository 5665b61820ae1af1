import { describe, expect, it } from 'vitest';
import { renderSuccessChart } from '../loadtests/successChart.ts';

describe('renderSuccessChart', () => {
  const svg = renderSuccessChart({
    title: 'flash-sale <test>',
    series: {
      switchyard: [
        { t: 0, successRate: 1 },
        { t: 1000, successRate: 0.99 },
        { t: 2000, successRate: null },
        { t: 3000, successRate: 1 },
      ],
      staticSingle: [
        { t: 0, successRate: 1 },
        { t: 1000, successRate: 0.5 },
        { t: 2000, successRate: 0.6 },
        { t: 3000, successRate: 1 },
      ],
    },
    faults: [{ channel: 'wechat', kind: 'error', from: 800, to: 2500 }],
    durationMs: 4000,
  });

  it('is a standalone SVG with one line per strategy, a legend, and the fault window shaded', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('flash-sale &lt;test&gt;');
    expect(svg).toContain('>switchyard</text>');
    expect(svg).toContain('>staticSingle</text>');
    expect(svg).toMatch(/<rect x="[\d.]+" y="40" width="[\d.]+" height="330" fill="#f4a6a6"/);
    expect(svg).toContain('wechat error');
    // switchyard's line breaks at its empty bucket: two pieces (a polyline and a lone point); staticSingle is one polyline.
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(1);
  });

  it('scales the y axis down to the lowest point (50% here) and the x axis to the run', () => {
    expect(svg).toContain('>50%</text>');
    expect(svg).toContain('>100%</text>');
    expect(svg).toContain('>4s</text>');
    // 0.5 sits at the bottom of the plot (y = 40 + 330).
    expect(svg).toMatch(/,370\.0/);
  });
});
