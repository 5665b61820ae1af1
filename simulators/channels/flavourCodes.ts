import type { Flavour } from '../../src/core/codes/index.ts';

/** The raw codes a flavour answers with for each fate, as its real API spells them (see docs/CHANNEL-CODES.md). */
export interface FlavourCodes {
  success: string;
  pending: string;
  maintenance: string;
  error: string;
  risk: string;
  /** Payer-side declines; one is picked per request. */
  decline: readonly string[];
  rateLimited: string;
  /** Amount over the channel's limit. */
  amountLimit: string;
  /** The order is paid already (a retry of a paid order on the same channel). */
  orderPaid: string;
  /** The order was closed (a pay after a close on the same channel). */
  orderClosed: string;
}

export const flavourCodes: Readonly<Record<Flavour, FlavourCodes>> = {
  // WeChat Pay v3: JSON {code, message} with an HTTP status
  wechat: {
    success: 'SUCCESS',
    pending: 'USERPAYING',
    maintenance: 'SERVICE_UNAVAILABLE',
    error: 'SYSTEM_ERROR',
    risk: 'ACCOUNT_ERROR',
    decline: ['NOT_ENOUGH', 'AUTHCODEEXPIRE', 'NOTSUPORTCARD'],
    rateLimited: 'FREQUENCY_LIMITED',
    amountLimit: 'RULE_LIMIT',
    orderPaid: 'ORDERPAID',
    orderClosed: 'ORDER_CLOSED',
  },
  // Alipay gateway: `code`, with `sub_code` under 40004; the simulator answers the sub_code where there is one
  alipay: {
    success: '10000',
    pending: '10003',
    maintenance: '20000',
    error: 'ACQ.SYSTEM_ERROR',
    risk: 'ACQ.PAYMENT_REQUEST_HAS_RISK',
    decline: [
      'ACQ.BUYER_BALANCE_NOT_ENOUGH',
      'ACQ.PAYMENT_AUTH_CODE_INVALID',
      'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH',
    ],
    rateLimited: '40005',
    amountLimit: 'ACQ.TOTAL_FEE_EXCEED',
    orderPaid: 'ACQ.TRADE_HAS_SUCCESS',
    orderClosed: 'ACQ.TRADE_HAS_CLOSE',
  },
  // UnionPay online (ACP) respCode
  unionpay: {
    success: '00',
    pending: '05',
    maintenance: '02',
    error: '99',
    risk: '38',
    decline: ['64', '61', '65'],
    rateLimited: '37',
    amountLimit: '33',
    orderPaid: '12',
    orderClosed: '46',
  },
  // Bank quick pay (aggregator style retCode)
  bank: {
    success: '0000',
    pending: '0004',
    maintenance: '0002',
    error: '0001',
    risk: '0010',
    decline: ['0008', '71'],
    rateLimited: '0006',
    amountLimit: '0008',
    orderPaid: '0009',
    orderClosed: '0011',
  },
};

const WECHAT_STATUS: Record<string, number> = {
  SUCCESS: 200,
  USERPAYING: 202,
  SERVICE_UNAVAILABLE: 503,
  SYSTEM_ERROR: 500,
  SYSTEMERROR: 500,
  BANK_ERROR: 500,
  FREQUENCY_LIMITED: 429,
  RATELIMIT_EXCEEDED: 429,
  ORDER_NOT_EXIST: 404,
  ORDERNOTEXIST: 404,
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  ORDERPAID: 400,
  ORDER_CLOSED: 400,
  SIGN_ERROR: 401,
};

/** The HTTP status the flavour's API answers a code with: only WeChat v3 uses statuses; the others answer 200 with a code. */
export function httpStatusFor(flavour: Flavour, code: string): number {
  if (flavour !== 'wechat') return 200;
  return WECHAT_STATUS[code] ?? 403;
}
