import type { Hono } from 'hono';
import type { PayRequest, TradeStatus } from '../../channels/ChannelApi.ts';
import {
  callerTimeoutMs,
  json,
  jsonObject,
  readFields,
  text,
  type Wire,
  type WireContext,
} from './Wire.ts';

const GATEWAY_MSG: Record<string, string> = {
  '10000': 'Success',
  '10003': 'order success pay inprocess',
  '20000': 'Service Currently Unavailable',
  '40004': 'Business Failed',
  '40005': 'Call Limited',
};

const TO_ALIPAY: Record<TradeStatus, string> = {
  SUCCESS: 'TRADE_SUCCESS',
  NOTPAY: 'WAIT_BUYER_PAY',
  USERPAYING: 'WAIT_BUYER_PAY',
  CLOSED: 'TRADE_CLOSED',
  PAYERROR: 'TRADE_CLOSED',
  NOT_EXIST: '',
};
const FROM_ALIPAY: Record<string, TradeStatus> = {
  TRADE_SUCCESS: 'SUCCESS',
  TRADE_FINISHED: 'SUCCESS',
  WAIT_BUYER_PAY: 'USERPAYING',
  TRADE_CLOSED: 'CLOSED',
};

/** A gateway answer: codes starting ACQ. travel as sub_code under 40004, as Alipay sends them. */
function gateway(method: string, code: string, extra: Record<string, unknown> = {}): Response {
  const key = `${method.replaceAll('.', '_')}_response`;
  const body = code.startsWith('ACQ.')
    ? { code: '40004', msg: GATEWAY_MSG['40004'], sub_code: code, sub_msg: code, ...extra }
    : code === '20000'
      ? {
          code,
          msg: GATEWAY_MSG[code],
          sub_code: 'isp.unknow-error',
          sub_msg: '系统繁忙',
          ...extra,
        }
      : { code, msg: GATEWAY_MSG[code] ?? code, ...extra };
  return json({ [key]: body, sign: 'c2ltdWxhdGVkLXNpZ25hdHVyZQ==' });
}

/** Alipay openapi gateway (`gateway.do`, method=alipay.trade.*, biz_content JSON). */
export const alipayWire: Wire = {
  flavour: 'alipay',

  mount(app: Hono, ch: string, ctx: WireContext) {
    app.post(`/${ch}/gateway.do`, async (c) => {
      const f = { ...c.req.query(), ...(await readFields(c.req.raw)) };
      const method = f.method ?? '';
      const biz = jsonObject(f.biz_content ?? '{}') as Record<string, string>;
      const signal = c.req.raw;
      switch (method) {
        case 'alipay.trade.pay': {
          text(biz.out_trade_no, 'biz_content.out_trade_no');
          const fate = ctx.sim.pay(ch, {
            orderId: biz.out_trade_no,
            amount: Math.round(Number(biz.total_amount) * 100),
            store: biz.store_id,
            terminal: biz.terminal_id,
            method: biz.body,
            timeoutMs: callerTimeoutMs(c),
          });
          return ctx.deliver(fate, signal, (r) =>
            gateway(method, r.code, {
              out_trade_no: biz.out_trade_no,
              ...(r.code === '10000' && {
                trade_no: `2026${biz.out_trade_no}`,
                total_amount: biz.total_amount,
              }),
            }),
          );
        }
        case 'alipay.trade.query':
          return ctx.deliver(ctx.sim.query(ch, biz.out_trade_no), signal, (r) =>
            r.status === 'NOT_EXIST'
              ? gateway(method, 'ACQ.TRADE_NOT_EXIST')
              : gateway(method, '10000', {
                  out_trade_no: biz.out_trade_no,
                  trade_status: TO_ALIPAY[r.status],
                }),
          );
        case 'alipay.trade.close':
          return ctx.deliver(ctx.sim.close(ch, biz.out_trade_no), signal, (r) =>
            r.closed
              ? gateway(method, '10000', { out_trade_no: biz.out_trade_no })
              : gateway(method, 'ACQ.TRADE_STATUS_ERROR'),
          );
        case 'alipay.trade.refund':
          return ctx.deliver(
            ctx.sim.refund(ch, biz.out_trade_no, Math.round(Number(biz.refund_amount) * 100)),
            signal,
            (r) =>
              r.status === 'SUCCESS'
                ? gateway(method, '10000', {
                    fund_change: 'Y',
                    refund_fee: ((r.refunded ?? 0) / 100).toFixed(2),
                  })
                : gateway(method, 'ACQ.TRADE_NOT_EXIST'),
          );
        default:
          return gateway('error', '40002', {
            sub_code: 'isv.invalid-method',
            sub_msg: `unknown method ${method}`,
          });
      }
    });
  },

  payRequest(req: PayRequest) {
    return call(
      'alipay.trade.pay',
      {
        out_trade_no: req.orderId,
        total_amount: (req.amount / 100).toFixed(2),
        scene: 'bar_code',
        auth_code: '28763443825664394',
        subject: 'switchyard order',
        store_id: req.store,
        terminal_id: req.terminal,
        body: req.method,
      },
      req.timeoutMs,
    );
  },
  async readPay(res) {
    const r = await response(res);
    return r.code === '40004' && r.sub_code ? r.sub_code : r.code;
  },
  queryRequest(orderId) {
    return call('alipay.trade.query', { out_trade_no: orderId });
  },
  async readQuery(res) {
    const r = await response(res);
    if (r.code !== '10000') return 'NOT_EXIST';
    return FROM_ALIPAY[r.trade_status ?? ''] ?? 'NOTPAY';
  },
  closeRequest(orderId) {
    return call('alipay.trade.close', { out_trade_no: orderId });
  },
  async readClose(res) {
    const r = await response(res);
    return r.code === '10000'
      ? { closed: true, status: 'CLOSED' }
      : { closed: false, status: 'SUCCESS' };
  },
};

function call(method: string, biz: Record<string, unknown>, timeoutMs?: number) {
  const body = new URLSearchParams({
    app_id: '2021000000000000',
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    version: '1.0',
    biz_content: JSON.stringify(biz),
  });
  return {
    path: '/gateway.do',
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

async function response(
  res: Response,
): Promise<{ code: string; sub_code?: string; trade_status?: string }> {
  const b = (await res.json()) as Record<
    string,
    { code: string; sub_code?: string; trade_status?: string }
  >;
  const key = Object.keys(b).find((k) => k.endsWith('_response'));
  return key ? b[key] : { code: `HTTP_${res.status}` };
}
