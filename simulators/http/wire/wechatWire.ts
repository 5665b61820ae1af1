import type { Hono } from 'hono';
import type { PayRequest, TradeStatus } from '../../channels/ChannelApi.ts';
import {
  amount,
  callerTimeoutMs,
  json,
  jsonText,
  readJson,
  text,
  type Wire,
  type WireContext,
} from './Wire.ts';

const MESSAGES: Record<string, string> = {
  SYSTEM_ERROR: '系统繁忙，请稍后重试',
  SERVICE_UNAVAILABLE: '服务不可用',
  USERPAYING: '需要用户输入支付密码',
  FREQUENCY_LIMITED: '频率超限',
  ACCOUNT_ERROR: '账号异常，请更换付款码',
  NOT_ENOUGH: '余额不足',
  RULE_LIMIT: '交易金额或次数超出限制',
  ORDERPAID: '订单已支付',
};

/**
 * The body of a paid codepay: the fields of `JSON.stringify` of the object, written out, since a
 * load test asks for it tens of thousands of times a second (a test holds the two equal).
 */
export function paidBody(orderId: string, total: number): string {
  // a body that is not what it should be (the route does not validate) is serialised as it comes
  if (typeof orderId !== 'string' || typeof total !== 'number')
    return JSON.stringify(paidObject(orderId, total));
  const id = JSON.stringify(orderId);
  const amount = JSON.stringify(total);
  return `{"mchid":"1900000109","out_trade_no":${id},"transaction_id":"42000${id.slice(1)},"trade_type":"MICROPAY","trade_state":"SUCCESS","trade_state_desc":"支付成功","amount":{"total":${amount},"payer_total":${amount},"currency":"CNY"}}`;
}

export function paidObject(orderId: string, total: number) {
  return {
    mchid: '1900000109',
    out_trade_no: orderId,
    transaction_id: `42000${orderId}`,
    trade_type: 'MICROPAY',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    amount: { total, payer_total: total, currency: 'CNY' },
  };
}

/** Error bodies by code: a handful of codes, each body built once. */
const errorBodies = new Map<string, string>();

function errorBody(code: string): string {
  let body = errorBodies.get(code);
  if (body === undefined)
    errorBodies.set(code, (body = JSON.stringify({ code, message: MESSAGES[code] ?? code })));
  return body;
}

/** WeChat Pay v3 (付款码 codepay): JSON, codes in `{code, message}` with the HTTP status. */
export const wechatWire: Wire = {
  flavour: 'wechat',

  mount(app: Hono, ch: string, ctx: WireContext) {
    app.post(`/${ch}/v3/pay/transactions/codepay`, async (c) => {
      const b = (await readJson(c.req.raw)) as {
        out_trade_no: string;
        amount: { total: number };
        attach?: string;
        scene_info?: { store_info?: { id?: string }; device_id?: string };
      };
      text(b.out_trade_no, 'out_trade_no');
      amount(b.amount?.total, 'amount.total');
      const fate = ctx.sim.pay(ch, {
        orderId: b.out_trade_no,
        amount: b.amount.total,
        store: b.scene_info?.store_info?.id,
        terminal: b.scene_info?.device_id,
        method: b.attach,
        timeoutMs: callerTimeoutMs(c),
      });
      return ctx.deliver(fate, c.req.raw, (f) =>
        f.code === 'SUCCESS'
          ? jsonText(paidBody(b.out_trade_no, b.amount.total))
          : jsonText(errorBody(f.code), f.httpStatus),
      );
    });
    app.get(`/${ch}/v3/pay/transactions/out-trade-no/:id`, (c) => {
      const id = c.req.param('id');
      return ctx.deliver(ctx.sim.query(ch, id), c.req.raw, (f) =>
        f.status === 'NOT_EXIST'
          ? json({ code: 'ORDER_NOT_EXIST', message: '订单不存在' }, 404)
          : json({ out_trade_no: id, trade_state: f.status, trade_state_desc: f.status }),
      );
    });
    app.post(`/${ch}/v3/pay/transactions/out-trade-no/:id/close`, (c) =>
      ctx.deliver(ctx.sim.close(ch, c.req.param('id')), c.req.raw, (f) =>
        f.closed
          ? new Response(null, { status: 204 })
          : json({ code: 'ORDERPAID', message: MESSAGES.ORDERPAID }, 400),
      ),
    );
    app.post(`/${ch}/v3/refund/domestic/refunds`, async (c) => {
      const b = (await readJson(c.req.raw)) as {
        out_trade_no: string;
        out_refund_no: string;
        amount: { refund: number };
      };
      text(b.out_trade_no, 'out_trade_no');
      amount(b.amount?.refund, 'amount.refund');
      return ctx.deliver(ctx.sim.refund(ch, b.out_trade_no, b.amount.refund), c.req.raw, (f) =>
        f.status === 'SUCCESS'
          ? json({
              out_refund_no: b.out_refund_no,
              out_trade_no: b.out_trade_no,
              status: 'SUCCESS',
              amount: { refund: f.refunded },
            })
          : json({ code: 'RESOURCE_NOT_EXISTS', message: '订单不存在' }, 404),
      );
    });
  },

  payRequest(req: PayRequest) {
    return {
      path: '/v3/pay/transactions/codepay',
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-timeout-ms': String(req.timeoutMs) },
        body: JSON.stringify({
          appid: 'wxd678efh567hg6787',
          mchid: '1900000109',
          description: 'switchyard order',
          out_trade_no: req.orderId,
          attach: req.method,
          amount: { total: req.amount, currency: 'CNY' },
          scene_info: { store_info: { id: req.store }, device_id: req.terminal },
          payer: { auth_code: '134567890123456789' },
        }),
      },
    };
  },
  async readPay(res) {
    if (res.status === 200) return 'SUCCESS';
    const b = (await res.json()) as { code?: string };
    return b.code ?? `HTTP_${res.status}`;
  },
  queryRequest(orderId) {
    return {
      path: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderId)}?mchid=1900000109`,
      init: { method: 'GET' },
    };
  },
  async readQuery(res) {
    if (res.status === 404) return 'NOT_EXIST';
    return ((await res.json()) as { trade_state: TradeStatus }).trade_state;
  },
  closeRequest(orderId) {
    return {
      path: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(orderId)}/close`,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"mchid":"1900000109"}',
      },
    };
  },
  async readClose(res) {
    if (res.status === 204) return { closed: true, status: 'CLOSED' };
    await res.text();
    return { closed: false, status: 'SUCCESS' };
  },
};
