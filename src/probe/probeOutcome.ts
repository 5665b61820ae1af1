import type { CodeClassifier } from '../core/codes/index.ts';
import type { Outcome } from '../core/outcome.ts';
import { toOutcome } from '../core/toOutcome.ts';
import type { ProbeResult } from './Prober.ts';

/**
 * A probe result as an outcome, through the one path every event takes (toOutcome), for live
 * probes and virtual ones alike: a failure that carried the channel's code is classified by the
 * channel's table, so a maintenance code takes the channel to maintenance-down at once and a
 * "system busy" code counts as one.
 */
export function probeOutcome(
  engine: { classifier(id: string): CodeClassifier },
  r: ProbeResult,
): Outcome {
  const event = {
    channel: r.channel,
    outcome: r.outcome,
    code: r.code,
    latencyMs: r.latencyMs,
    source: 'probe' as const,
  };
  return toOutcome(event, r.at, engine.classifier(r.channel));
}
