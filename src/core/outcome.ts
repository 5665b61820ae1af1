/**
 * The outcome classes of CONTRACT.md. Their order is the numeric class id used on hot paths
 * (typed-array counters), so it must not change.
 */
export const OUTCOME_CLASSES = [
  'success',
  'decline',
  'risk_reject',
  'error',
  'timeout',
  'maintenance',
] as const;
export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];

export const SUCCESS = 0;
export const DECLINE = 1;
export const RISK_REJECT = 2;
export const ERROR = 3;
export const TIMEOUT = 4;
export const MAINTENANCE = 5;
/** Says nothing about health (a pending or duplicate-order code): counted, never judged. */
export const NEUTRAL = 6;
export const CLASS_COUNT = 7;

/** What the engine records: a contract class, or `neutral` for codes that carry no health signal. */
export type RecordedClass = OutcomeClass | 'neutral';
export const RECORDED_CLASSES: readonly RecordedClass[] = [...OUTCOME_CLASSES, 'neutral'];

export const classId: Readonly<Record<OutcomeClass, number>> = {
  success: SUCCESS,
  decline: DECLINE,
  risk_reject: RISK_REJECT,
  error: ERROR,
  timeout: TIMEOUT,
  maintenance: MAINTENANCE,
};

export function recordedClassId(cls: RecordedClass): number {
  return cls === 'neutral' ? NEUTRAL : classId[cls];
}

/** Only these count against a channel's technical health (CONTRACT.md). */
export function isTechFailure(cls: number): boolean {
  return cls === ERROR || cls === TIMEOUT || cls === MAINTENANCE;
}

export type OutcomeSource = 'live' | 'probe';

/** A validated outcome, as the engine records it: `at` is epoch ms, `outcome` always set. */
export interface Outcome {
  channel: string;
  outcome: RecordedClass;
  latencyMs: number;
  at: number;
  source: OutcomeSource;
  code?: string;
  /** Set when `code` was not in the channel's table: counted as such and visible in the windows. */
  unknownCode?: boolean;
  /** Set when `code` is one of the channel's instant codes (see toOutcome). */
  instant?: true;
  amount?: number;
  method?: string;
  store?: string;
  terminal?: string;
  orderId?: string;
}
