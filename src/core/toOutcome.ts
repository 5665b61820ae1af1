import { type CodeClassifier, healthClass } from './codes/index.ts';
import {
  isTechFailure,
  type Outcome,
  type OutcomeSource,
  type RecordedClass,
  recordedClassId,
} from './outcome.ts';

/** An outcome event as every producer has it (CONTRACT.md "Outcome event"), its fields already checked. */
export interface OutcomeEvent {
  channel: string;
  /** May be left out when `code` is given: the channel's table classifies it. */
  outcome?: RecordedClass | undefined;
  code?: string | undefined;
  latencyMs: number;
  source?: OutcomeSource | undefined;
  amount?: number | undefined;
  method?: string | undefined;
  store?: string | undefined;
  terminal?: string | undefined;
  orderId?: string | undefined;
}

/**
 * The one way an event becomes what the Engine records, whoever produced it: ingest, live
 * probes, the in-process client, virtual runs. The raw code is classified here, once, by the
 * channel's own table (its overrides and instant codes included), so the Engine sees the same
 * input live and in `scenario run --virtual`.
 *
 * A given `outcome` wins over the code's class, with one exception: a probe that failed with a
 * code takes the code's failure class (a maintenance code is maintenance, not just an error),
 * while a code the table calls anything but a failure leaves the probe's error standing.
 *
 * `at` is the resolved event time (epoch ms). Builds one object shape for every producer, so the
 * record path stays monomorphic.
 */
export function toOutcome(e: OutcomeEvent, at: number, classifier: CodeClassifier): Outcome {
  const code = e.code;
  const source = e.source === 'probe' ? 'probe' : 'live';
  let outcome: RecordedClass | undefined = e.outcome;
  let unknownCode: boolean | undefined;
  let instant: true | undefined;
  if (code !== undefined) {
    const c = classifier.classify(code);
    if (!c.known) unknownCode = true;
    if (c.instant) instant = true;
    const cls = healthClass(c.cls);
    if (outcome === undefined) outcome = cls;
    else if (source === 'probe' && outcome === 'error' && isTechFailure(recordedClassId(cls)))
      outcome = cls;
  }
  return {
    channel: e.channel,
    outcome: outcome ?? 'error',
    latencyMs: e.latencyMs,
    at,
    source,
    code,
    unknownCode,
    instant,
    amount: e.amount,
    method: e.method,
    store: e.store,
    terminal: e.terminal,
    orderId: e.orderId,
  };
}
