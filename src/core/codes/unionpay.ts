import { buildTable } from './CodeTable.ts';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0')).join(' ');

/** UnionPay online (ACP) `respCode`s. 03 and 04/05/74 leave the money's fate unknown until a query. */
export const unionpayCodes = buildTable('unionpay', [
  ['00 A6', 'success'],
  ['03', 'timeout', true],
  ['04 05 74 34', 'pending', true],
  ['70 83', 'pending'],
  ['02 39', 'maintenance'],
  ['06 99', 'error'],
  ['10 11 13 14 31 32 43', 'config'],
  ['12 36 45 46', 'duplicate'],
  ['37', 'rate_limited'],
  ['38 78', 'risk_reject'],
  [`01 30 33 35 40 44 ${range(60, 68)} 72 73 76 77 ${range(79, 81)}`, 'decline'],
  ['TIMEOUT', 'timeout', true],
]);
