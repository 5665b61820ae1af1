import { ManualClock } from '../core/clock.ts';
import { HORIZONS_MS } from '../core/ChannelHealth.ts';
import { Engine } from '../core/Engine.ts';
import { EngineError } from '../core/errors.ts';
import {
  type DeepPartial,
  type DetectorOptions,
  type EngineOptions,
  mergeDeep,
} from '../core/options.ts';
import type { ConfigIssue } from './ConfigError.ts';
import type { ParsedConfig } from './schema.ts';

/**
 * The rules across fields that the engine relies on, checked where the operator wrote them: each
 * level of detector settings (file, pool, channel) as the engine will merge it, the pools' splits,
 * the bucket width, the ejection times. {@link engineRefusal} then builds the engine once on the
 * result, so that anything it refuses still ends as an issue with a fix, never as a stack trace.
 */
export function engineIssues(cfg: ParsedConfig, engine: EngineOptions): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const base = engine.detectors;
  detectorIssues(base, 'detectors', issues);
  const poolDetectors = new Map<string, DetectorOptions>();
  (cfg.pools ?? []).forEach((p, i) => {
    const merged = mergeDeep(base, p.detectors as DeepPartial<DetectorOptions> | undefined);
    poolDetectors.set(p.id, merged);
    if (p.detectors) detectorIssues(merged, `pools[${i}].detectors`, issues);
    p.split?.forEach((share, j) => {
      if (!(share > 0))
        issues.push({
          path: `pools[${i}].split[${j}]`,
          message: `share ${share} is not above 0`,
          fix: 'give every rank a share above 0, e.g. [0.7, 0.2, 0.1], or list fewer ranks',
        });
    });
  });
  cfg.channels.forEach((c, i) => {
    if (!c.detectors) return;
    const pool = poolDetectors.get(c.pool) ?? base;
    detectorIssues(
      mergeDeep(pool, c.detectors as DeepPartial<DetectorOptions>),
      `channels[${i}].detectors`,
      issues,
    );
  });
  const bucketMs = engine.bucketMs;
  if (HORIZONS_MS.some((h) => h % bucketMs !== 0) || bucketMs > HORIZONS_MS[0] / 2)
    issues.push({
      path: 'bucketMs',
      message: `${bucketMs} ms does not divide the ${HORIZONS_MS.map((h) => `${h / 1000} s`).join(' and ')} windows into at least two buckets`,
      fix: 'use a divisor of 10000 from 10 to 5000, e.g. 100, 250 (the default) or 500',
    });
  const st = engine.states;
  if (st.maxEjectionMs < st.ejectionMs)
    issues.push({
      path: 'states.maxEjectionMs',
      message: `${st.maxEjectionMs} ms is below states.ejectionMs (${st.ejectionMs} ms)`,
      fix: 'make maxEjectionMs at least ejectionMs: repeated ejections double up to it',
    });
  return issues;
}

/** The rules of one level's merged detector settings; `at` is where that level is written. */
function detectorIssues(d: DetectorOptions, at: string, issues: ConfigIssue[]): void {
  const er = d.errorRate;
  const path = `${at}.errorRate`;
  if (!(er.baseline > 0 && er.baseline < 1))
    issues.push({
      path: `${path}.baseline`,
      message: `${er.baseline} is not strictly between 0 and 1`,
      fix: "give the channel's normal failure rate, strictly between 0 and 1, e.g. 0.005",
    });
  else if (!(er.degradedRate > er.baseline))
    issues.push({
      path: `${path}.degradedRate`,
      message: `${er.degradedRate} is not above baseline (${er.baseline})`,
      fix: 'make degradedRate higher than baseline, e.g. 10 × baseline',
    });
  else if (!(er.downRate > er.degradedRate && er.downRate < 1))
    issues.push({
      path: `${path}.downRate`,
      message: `${er.downRate} is not between degradedRate (${er.degradedRate}) and 1`,
      fix: 'make downRate higher than degradedRate and below 1, e.g. 0.5',
    });
  const t = d.timeouts;
  if (t.k > t.n)
    issues.push({
      path: `${at}.timeouts.k`,
      message: `k = ${t.k} of n = ${t.n} can never happen`,
      fix: 'make k at most n, e.g. k: 2, n: 3',
    });
}

/** What the engine itself refuses of these options, as an issue (its message names the setting). */
export function engineRefusal(options: EngineOptions): ConfigIssue[] {
  try {
    new Engine(options, { clock: new ManualClock(0), epoch: 'config-check' });
    return [];
  } catch (e) {
    if (!(e instanceof EngineError || e instanceof RangeError)) throw e;
    return [
      {
        path: '',
        message: `the engine refuses these settings: ${e.message}`,
        fix: 'correct the setting it names (every key: src/config/config.schema.json)',
      },
    ];
  }
}
