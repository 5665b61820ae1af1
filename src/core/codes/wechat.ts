import { buildTable } from './CodeTable.ts';

/**
 * WeChat Pay, v2 (`err_code`) and v3 (`code`) in one table. v3 spells codes with underscores and
 * v2 without (NOT_ENOUGH / NOTENOUGH), so codes are matched with `_` removed.
 */
export const wechatCodes = buildTable(
  'wechat',
  [
    ['SUCCESS OK', 'success'],
    ['USERPAYING', 'pending', true],
    ['SYSTEMERROR BANKERROR', 'error', true],
    [
      'NOTENOUGH NOTSUPORTCARD AUTHCODEEXPIRE AUTHCODEERROR AUTHCODEINVALID TRADEERROR RULELIMIT',
      'decline',
    ],
    ['ACCOUNTERROR', 'risk_reject'],
    ['ORDERPAID ORDERCLOSED ORDERREVERSED OUTTRADENOUSED BUYERMISMATCH', 'duplicate'],
    ['ORDERNOTEXIST', 'pending', true],
    [
      'FAIL NOAUTH APPIDNOTEXIST MCHIDNOTEXIST APPIDMCHIDNOTMATCH SIGNERROR LACKPARAMS PARAMERROR XMLFORMATERROR INVALIDREQUEST',
      'config',
    ],
    ['FREQUENCYLIMITED RATELIMITEXCEEDED', 'rate_limited'],
    ['SERVICEUNAVAILABLE', 'maintenance'],
    ['TIMEOUT', 'timeout', true],
  ],
  (code) => code.toUpperCase().replaceAll('_', ''),
);
