import { alipayCodes } from './alipay.ts';
import { bankCodes } from './bank.ts';
import { type CodeClass, type CodeInfo, type CodeTable, type Flavour, healthClass } from './CodeTable.ts';
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
  private readonly overrides = new Map<string, CodeInfo>();

  constructor(
    private readonly table: CodeTable,
    overrides: Readonly<Record<string, CodeClass>> = {},
  ) {
    for (const [code, cls] of Object.entries(overrides)) {
      this.overrides.set(table.normalize(code), { cls, unknownResult: cls === 'pending' });
    }
  }

  /** The flavour's spelling-insensitive key for a code. */
  normalize(code: string): string {
    return this.table.normalize(code);
  }

  classify(code: string): Classified {
    const key = this.table.normalize(code);
    const hit = this.overrides.get(key) ?? this.table.entries.get(key);
    return hit ? { ...hit, known: true } : { cls: 'error', unknownResult: true, known: false };
  }

  healthClass(code: string) {
    return healthClass(this.classify(code).cls);
  }
}
