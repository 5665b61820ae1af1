import type { Hono } from 'hono';
import type { PayRequest, TradeStatus } from '../../channels/ChannelApi.ts';
import {
  amount,
  callerTimeoutMs,
  json,
  readJson,
  text,
  type Wire,
  type WireContext,
} from './Wire.ts';

const MSG: Record<string, string> = {
  '0000': '交易成功',
  '0001': '系统异常',
  '0002': '系统关闭',
  '0004': '交易已受理',
  '0006': '交易频繁',
  '0008': '余额不足',
  '0009': '重复交易',
  '0010': '风控拒绝',
  '71': '短信验证码错误',
};
const TO_BANK: Record<TradeStatus, string> = {
  SUCCESS: 'SUCCESS',
  USERPAYING: 'PROCESSING',
  NOTPAY: 'PROCESSING',
  PAYERROR: 'FAILED',
  CLOSED: 'CLOSED',
  NOT_EXIST: 'NOT_EXIST',
};
const FROM_BANK: Record<string, TradeStatus> = {
  SUCCESS: 'SUCCESS',
  PROCESSING: 'USERPAYING',
  FAILED: 'PAYERROR',
  CLOSED: 'CLOSED',
  NOT_EXIST: 'NOT_EXIST',
};

/** Bank quick pay through an aggregator (Baofoo style): JSON, `retCode`. */
export const bankWire: Wire = {
  flavour: 'bank',

  mount(app: Hono, ch: string, ctx: WireContext) {
    app.post(`/${ch}/quickpay/pay`, async (c) => {
      const b = (await readJson(c.req.raw)) as {
        orderNo: string;
        amount: number;
        storeId?: string;
        terminalId?: string;
        method?: string;
      };
      text(b.orderNo, 'orderNo');
      amount(b.amount, 'amount');
      const fate = ctx.sim.pay(ch, {
        orderId: b.orderNo,
        amount: b.amount,
        store: b.storeId,
        terminal: b.terminalId,
        method: b.method,
        timeoutMs: callerTimeoutMs(c),
      });
      return ctx.deliver(fate, c.req.raw, (r) =>
        json({ retCode: r.code, retMsg: MSG[r.code] ?? r.code, orderNo: b.orderNo }),
      );
    });
    app.post(`/${ch}/quickpay/query`, async (c) => {
      const b = (await readJson(c.req.raw)) as { orderNo: string };
      text(b.orderNo, 'orderNo');
      return ctx.deliver(ctx.sim.query(ch, b.orderNo), c.req.raw, (r) =>
        json({
          retCode: '0000',
          retMsg: MSG['0000'],
          orderNo: b.orderNo,
          status: TO_BANK[r.status],
        }),
      );
    });
    app.post(`/${ch}/quickpay/close`, async (c) => {
      const b = (await readJson(c.req.raw)) as { orderNo: string };
      text(b.orderNo, 'orderNo');
      return ctx.deliver(ctx.sim.close(ch, b.orderNo), c.req.raw, (r) =>
        json({
          retCode: r.closed ? '0000' : '0009',
          retMsg: r.closed ? '关闭成功' : MSG['0009'],
          orderNo: b.orderNo,
          status: TO_BANK[r.status],
        }),
      );
    });
    app.post(`/${ch}/quickpay/refund`, async (c) => {
      const b = (await readJson(c.req.raw)) as { orderNo: string; amount: number };
      text(b.orderNo, 'orderNo');
      amount(b.amount, 'amount');
      return ctx.deliver(ctx.sim.refund(ch, b.orderNo, b.amount), c.req.raw, (r) =>
        json({
          retCode: r.status === 'SUCCESS' ? '0000' : '0005',
          orderNo: b.orderNo,
          refunded: r.refunded ?? 0,
        }),
      );
    });
  },

  payRequest(req: PayRequest) {
    return post(
      '/quickpay/pay',
      {
        orderNo: req.orderId,
        amount: req.amount,
        storeId: req.store,
        terminalId: req.terminal,
        method: req.method,
        cardToken: 'tok_6222',
        smsCode: '123456',
      },
      req.timeoutMs,
    );
  },
  async readPay(res) {
    return ((await res.json()) as { retCode?: string }).retCode ?? `HTTP_${res.status}`;
  },
  queryRequest(orderId) {
    return post('/quickpay/query', { orderNo: orderId });
  },
  async readQuery(res) {
    return FROM_BANK[((await res.json()) as { status?: string }).status ?? ''] ?? 'NOT_EXIST';
  },
  closeRequest(orderId) {
    return post('/quickpay/close', { orderNo: orderId });
  },
  async readClose(res) {
    const b = (await res.json()) as { retCode: string; status: string };
    return { closed: b.retCode === '0000', status: FROM_BANK[b.status] ?? 'NOT_EXIST' };
  },
};

function post(path: string, body: unknown, timeoutMs?: number) {
  return {
    path,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(timeoutMs && { 'x-timeout-ms': String(timeoutMs) }),
      },
      body: JSON.stringify(body),
    },
  };
}
