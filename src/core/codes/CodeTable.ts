import type { RecordedClass } from '../outcome.ts';

/** The classes of CHANNEL-CODES.md: finer than the contract's outcomes, mapped onto them by {@link healthClass}. */
export const CODE_CLASSES = [
  'success',
  'pending',
  'decline',
  'risk_reject',
  'error',
  'timeout',
  'maintenance',
  'rate_limited',
  'duplicate',
  'config',
] as const;
export type CodeClass = (typeof CODE_CLASSES)[number];

export const FLAVOURS = ['wechat', 'alipay', 'unionpay', 'bank'] as const;
export type Flavour = (typeof FLAVOURS)[number];

export interface CodeInfo {
  cls: CodeClass;
  /** The result is unknown: query the same order before retrying anywhere else, or risk a double charge. */
  unknownResult: boolean;
}

/** A channel flavour's table; lookups go through {@link CodeTable.normalize} so spellings like NOT_ENOUGH / NOTENOUGH meet. */
export interface CodeTable {
  flavour: Flavour;
  normalize(code: string): string;
  entries: ReadonlyMap<string, CodeInfo>;
}

/**
 * Onto the contract's classes, for health: rate limits and merchant-config faults make the
 * channel unusable, so they count as errors; pending and duplicate codes say nothing.
 */
export function healthClass(cls: CodeClass): RecordedClass {
  switch (cls) {
    case 'success':
    case 'decline':
    case 'risk_reject':
    case 'error':
    case 'timeout':
    case 'maintenance':
      return cls;
    case 'rate_limited':
    case 'config':
      return 'error';
    case 'pending':
    case 'duplicate':
      return 'neutral';
  }
}

export function buildTable(
  flavour: Flavour,
  rows: ReadonlyArray<readonly [codes: string, cls: CodeClass, unknownResult?: boolean]>,
  normalize: (code: string) => string = (c) => c.toUpperCase(),
): CodeTable {
  const entries = new Map<string, CodeInfo>();
  for (const [codes, cls, unknownResult = false] of rows) {
    for (const code of codes.split(/\s+/))
      if (code) entries.set(normalize(code), { cls, unknownResult });
  }
  return { flavour, normalize, entries };
}
