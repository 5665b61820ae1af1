import { describe, expect, it } from 'vitest';
import { familyOf, parseExposition } from './exposition.ts';
import { literalValues, metricNames, selectors } from './promql.ts';
import { withGrafanaVariables } from './queries.ts';

describe('metricNames', () => {
  it('finds switchyard metrics, not recording rules, label values or other metrics', () => {
    const expr =
      'sum(rate(switchyard_outcomes_total{outcome="switchyard_fake"}[5m])) / switchyard:checkout_attempts:rate5m and up{job="switchyard"} or histogram_quantile(0.95, switchyard_latency_seconds_bucket)';
    expect(metricNames(expr)).toEqual([
      'switchyard_outcomes_total',
      'switchyard_latency_seconds_bucket',
    ]);
  });
});

describe('selectors', () => {
  it('reads label matchers of each selector', () => {
    const s = selectors(
      'rate(switchyard_outcomes_total{source="live", outcome=~"error|timeout"}[1m]) unless switchyard_decisions_total{reason!="ramp"} offset 1m',
    );
    expect(s).toEqual([
      {
        metric: 'switchyard_outcomes_total',
        matchers: [
          { label: 'source', op: '=', value: 'live' },
          { label: 'outcome', op: '=~', value: 'error|timeout' },
        ],
      },
      {
        metric: 'switchyard_decisions_total',
        matchers: [{ label: 'reason', op: '!=', value: 'ramp' }],
      },
    ]);
  });

  it('gives literal values only where they are certain', () => {
    expect(literalValues({ label: 'state', op: '=', value: 'down' })).toEqual(['down']);
    expect(literalValues({ label: 'outcome', op: '=~', value: 'error|timeout' })).toEqual([
      'error',
      'timeout',
    ]);
    expect(literalValues({ label: 'pool', op: '=~', value: '$pool' })).toBeUndefined();
    expect(literalValues({ label: 'reason', op: '!=', value: 'ramp' })).toBeUndefined();
    expect(literalValues({ label: 'channel', op: '=~', value: 'we.*' })).toBeUndefined();
  });
});

describe('withGrafanaVariables', () => {
  it('fills intervals with durations and the other variables with a value', () => {
    expect(
      withGrafanaVariables(
        'rate(x{pool=~"$pool", c="${channel}"}[$__rate_interval]) + increase(y[$__range])',
      ),
    ).toBe('rate(x{pool=~"x", c="x"}[5m]) + increase(y[5m])');
  });
});

describe('parseExposition and familyOf', () => {
  const text = [
    '# HELP switchyard_latency_seconds Outcome latency.',
    '# TYPE switchyard_latency_seconds histogram',
    'switchyard_latency_seconds_bucket{channel="wechat",le="0.1"} 3',
    'switchyard_latency_seconds_sum{channel="wechat"} 0.2',
    '# TYPE switchyard_decision_seq gauge',
    'switchyard_decision_seq 4',
    '# TYPE switchyard_decisions_total counter',
  ].join('\n');
  const families = parseExposition(text);

  it('groups samples under their family with their labels', () => {
    expect(families.get('switchyard_latency_seconds')?.samples).toEqual([
      { name: 'switchyard_latency_seconds_bucket', labels: { channel: 'wechat', le: '0.1' } },
      { name: 'switchyard_latency_seconds_sum', labels: { channel: 'wechat' } },
    ]);
    expect(families.get('switchyard_decisions_total')).toEqual({ type: 'counter', samples: [] });
  });

  it('maps histogram suffixes to the histogram, and nothing else', () => {
    expect(familyOf('switchyard_latency_seconds_bucket', families)).toBe(
      'switchyard_latency_seconds',
    );
    expect(familyOf('switchyard_latency_seconds_count', families)).toBe(
      'switchyard_latency_seconds',
    );
    expect(familyOf('switchyard_decision_seq', families)).toBe('switchyard_decision_seq');
    expect(familyOf('switchyard_decision_seq_count', families)).toBeUndefined();
    expect(familyOf('switchyard_nope', families)).toBeUndefined();
  });
});
