import { alipayCodes } from './alipay.ts';
import { bankCodes } from './bank.ts';
import {
  type CodeClass,
  type CodeInfo,
  type CodeTable,
  type Flavour,
  healthClass,
} from './CodeTable.ts';
import { unionpayCodes } from './unionpay.ts';
import { wechatCodes } from './wechat.ts';

export * from './CodeTable.ts';

export const codeTables: Readonly<Record<Flavour, CodeTable>> = {
  wechat: wechatCodes,
  alipay: alipayCodes,
  unionpay: unionpayCodes,
  bank: bankCodes,
};

export interface Classified extends CodeInfo {
  /** False when the code is in no table: it is then judged a technical error and counted as unknown. */
  known: boolean;
  /** One of the channel's instant codes ("system busy"): a few of them switch at once. */
  instant: boolean;
}

/**
 * A channel's classifier: its flavour's table with the channel's own overrides on top
 * (overrides win, matched with the flavour's normalisation), and its instant codes marked.
 */
export class CodeClassifier {
  // Table, overrides and instant codes merged once, each entry already in the shape classify()
  // returns: one normalisation and one lookup per code, no allocation.
  private readonly entries = new Map<string, Classified>();

  constructor(
    private readonly table: CodeTable,
    overrides: Readonly<Record<string, CodeClass>> = {},
    instantCodes: readonly string[] = [],
  ) {
    for (const [code, info] of table.entries)
      this.entries.set(code, Object.freeze({ ...info, known: true, instant: false }));
    for (const [code, cls] of Object.entries(overrides)) {
      this.entries.set(
        table.normalize(code),
        Object.freeze({ cls, unknownResult: cls === 'pending', known: true, instant: false }),
      );
    }
    for (const code of instantCodes) {
      const key = table.normalize(code);
      this.entries.set(
        key,
        Object.freeze({ ...(this.entries.get(key) ?? UNKNOWN), instant: true }),
      );
    }
  }

  /** The flavour's spelling-insensitive key for a code. */
  normalize(code: string): string {
    return this.table.normalize(code);
  }

  classify(code: string): Classified {
    return this.entries.get(this.table.normalize(code)) ?? UNKNOWN;
  }

  healthClass(code: string) {
    return healthClass(this.classify(code).cls);
  }
}

const UNKNOWN: Classified = Object.freeze({
  cls: 'error',
  unknownResult: true,
  known: false,
  instant: false,
});

/** Each flavour's table without channel overrides: for callers that know only the flavour (simulators, gateways). */
export const flavourClassifiers: Readonly<Record<Flavour, CodeClassifier>> = {
  wechat: new CodeClassifier(wechatCodes),
  alipay: new CodeClassifier(alipayCodes),
  unionpay: new CodeClassifier(unionpayCodes),
  bank: new CodeClassifier(bankCodes),
};
