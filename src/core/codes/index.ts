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
}

/**
 * A channel's classifier: its flavour's table with the channel's own overrides on top
 * (overrides win, matched with the flavour's normalisation).
 */
export class CodeClassifier {
  // Table and overrides merged once, each entry already in the shape classify() returns: no allocation per lookup.
  private readonly entries = new Map<string, Classified>();

  constructor(
    private readonly table: CodeTable,
    overrides: Readonly<Record<string, CodeClass>> = {},
  ) {
    for (const [code, info] of table.entries)
      this.entries.set(code, Object.freeze({ ...info, known: true }));
    for (const [code, cls] of Object.entries(overrides)) {
      this.entries.set(
        table.normalize(code),
        Object.freeze({ cls, unknownResult: cls === 'pending', known: true }),
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

const UNKNOWN: Classified = Object.freeze({ cls: 'error', unknownResult: true, known: false });

/** Each flavour's table without channel overrides: for callers that know only the flavour (simulators, gateways). */
export const flavourClassifiers: Readonly<Record<Flavour, CodeClassifier>> = {
  wechat: new CodeClassifier(wechatCodes),
  alipay: new CodeClassifier(alipayCodes),
  unionpay: new CodeClassifier(unionpayCodes),
  bank: new CodeClassifier(bankCodes),
};
