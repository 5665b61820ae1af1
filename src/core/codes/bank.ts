import { buildTable } from './CodeTable.ts';

/** Bank quick pay (SMS/OTP): UnionPay's 69/71/79 plus the aggregator codes (Baofoo style 0002–0011). */
export const bankCodes = buildTable('bank', [
  ['0000 00', 'success'],
  ['69 0003', 'timeout', true],
  ['0004 0005', 'pending', true],
  ['71 79', 'decline'],
  ['0002', 'maintenance'],
  ['0009 0011', 'duplicate'],
  ['0007', 'config'],
  ['0001 0006 0099 SYSTEM_BUSY', 'error', true],
  ['0008 INSUFFICIENT_FUNDS CARD_EXPIRED', 'decline'],
  ['RISK_REJECT 0010', 'risk_reject'],
  ['TIMEOUT', 'timeout', true],
]);
