import type { Hono } from 'hono';
import type { PayRequest, TradeStatus } from '../../channels/ChannelApi.ts';
import { callerTimeoutMs, form, readFields, text, type Wire, type WireContext } from './Wire.ts';

/**
 * The original transaction's state as a query answers it (`origRespCode`). ACP has no "closed"
 * state: a cancelled (txnType 31) order shows 46, reversed.
 */
const ORIG_CODE: Record<Exclude<TradeStatus, 'NOT_EXIST'>, string> = {
  SUCCESS: '00',
  USERPAYING: '05',
  NOTPAY: '05',
  PAYERROR: '01',
  CLOSED: '46',
};
const FROM_ORIG: Record<string, TradeStatus> = {
  '00': 'SUCCESS',
  A6: 'SUCCESS',
  '05': 'USERPAYING',
  '04': 'USERPAYING',
  '01': 'PAYERROR',
  '46': 'CLOSED',
};

/** UnionPay online (ACP 5.1): form-encoded requests and answers, `respCode`. */
export const unionpayWire: Wire = {
  flavour: 'unionpay',

  mount(app: Hono, ch: string, ctx: WireContext) {
    app.post(`/${ch}/gateway/api/backTransReq.do`, async (c) => {
      const f = await readFields(c.req.raw);
      const base = {
        version: '5.1.0',
        encoding: 'UTF-8',
        merId: f.merId ?? '777290058110048',
        orderId: f.orderId,
        txnType: f.txnType,
        txnTime: f.txnTime ?? '',
      };
      const signal = c.req.raw;
      switch (f.txnType) {
        case '01': {
          text(f.orderId, 'orderId');
          const fate = ctx.sim.pay(ch, {
            orderId: f.orderId,
            amount: Number(f.txnAmt),
            store: f.storeId,
            terminal: f.termId,
            method: f.payMethod,
            timeoutMs: callerTimeoutMs(c),
          });
          return ctx.deliver(fate, signal, (r) =>
            form({
              ...base,
              respCode: r.code,
              respMsg: r.code === '00' ? '成功[0000000]' : `失败[${r.code}]`,
              queryId: `7${f.orderId}`,
            }),
          );
        }
        case '31':
          return ctx.deliver(ctx.sim.close(ch, f.orderId), signal, (r) =>
            form({
              ...base,
              respCode: r.closed ? '00' : '12',
              respMsg: r.closed ? '成功' : '重复交易',
            }),
          );
        case '04':
          return ctx.deliver(ctx.sim.refund(ch, f.orderId, Number(f.txnAmt)), signal, (r) =>
            form({ ...base, respCode: r.status === 'SUCCESS' ? '00' : '34', respMsg: r.status }),
          );
        default:
          return form({ ...base, respCode: '10', respMsg: `报文格式错误: txnType ${f.txnType}` });
      }
    });
    app.post(`/${ch}/gateway/api/queryTrans.do`, async (c) => {
      const f = await readFields(c.req.raw);
      return ctx.deliver(ctx.sim.query(ch, f.orderId), c.req.raw, (r) =>
        r.status === 'NOT_EXIST'
          ? form({ orderId: f.orderId, respCode: '34', respMsg: '查无此交易' })
          : form({
              orderId: f.orderId,
              respCode: '00',
              respMsg: '成功',
              origRespCode: ORIG_CODE[r.status],
              origRespMsg: r.status,
            }),
      );
    });
  },

  payRequest(req: PayRequest) {
    return txn(
      '/gateway/api/backTransReq.do',
      {
        txnType: '01',
        txnSubType: '01',
        bizType: '000201',
        orderId: req.orderId,
        txnAmt: String(req.amount),
        currencyCode: '156',
        termId: req.terminal ?? '',
        storeId: req.store ?? '',
        payMethod: req.method ?? '',
      },
      req.timeoutMs,
    );
  },
  async readPay(res) {
    return new URLSearchParams(await res.text()).get('respCode') ?? `HTTP_${res.status}`;
  },
  queryRequest(orderId) {
    return txn('/gateway/api/queryTrans.do', { txnType: '00', txnSubType: '00', orderId });
  },
  async readQuery(res) {
    const p = new URLSearchParams(await res.text());
    if (p.get('respCode') !== '00') return 'NOT_EXIST';
    return FROM_ORIG[p.get('origRespCode') ?? ''] ?? 'PAYERROR';
  },
  closeRequest(orderId) {
    return txn('/gateway/api/backTransReq.do', { txnType: '31', txnSubType: '00', orderId });
  },
  async readClose(res) {
    const p = new URLSearchParams(await res.text());
    return p.get('respCode') === '00'
      ? { closed: true, status: 'CLOSED' }
      : { closed: false, status: 'SUCCESS' };
  },
};

function txn(path: string, fields: Record<string, string>, timeoutMs?: number) {
  const body = new URLSearchParams({
    version: '5.1.0',
    encoding: 'UTF-8',
    signMethod: '01',
    accessType: '0',
    merId: '777290058110048',
    txnTime: '20261122000000',
    ...fields,
  });
  return {
    path,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(timeoutMs && { 'x-timeout-ms': String(timeoutMs) }),
      },
      body: body.toString(),
    },
  };
}
