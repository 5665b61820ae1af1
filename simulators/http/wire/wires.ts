import type { Flavour } from '../../../src/core/codes/index.ts';
import { alipayWire } from './alipayWire.ts';
import { bankWire } from './bankWire.ts';
import { unionpayWire } from './unionpayWire.ts';
import type { Wire } from './Wire.ts';
import { wechatWire } from './wechatWire.ts';

export const wires: Readonly<Record<Flavour, Wire>> = {
  wechat: wechatWire,
  alipay: alipayWire,
  unionpay: unionpayWire,
  bank: bankWire,
};
