import type { CallbackSink, Notification } from './CallbackDispatcher.ts';

export interface HttpCallbackSinkOptions {
  /** The merchant's notify URL; `{channel}` in it is replaced by the channel id. */
  url: string;
  fetch?: typeof fetch;
  /** A delivery slower than this counts as failed (WeChat: 5 s). */
  timeoutMs?: number;
}

/**
 * Payment notifications POSTed to the merchant's notify URL, in each flavour's shape. A delivery
 * counts as acknowledged on a 2xx answer (Alipay: and a body of `success`, as Alipay requires);
 * anything else, or no answer within the timeout, and the dispatcher retries on the flavour's schedule.
 */
export function httpCallbackSink({
  url,
  fetch: given,
  timeoutMs = 5000,
}: HttpCallbackSinkOptions): CallbackSink {
  return async (n) => {
    // looked up per call, so that a fetch patched later (msw) is the one used
    const f = given ?? globalThis.fetch;
    const { body, type } = render(n);
    const res = await f(url.replaceAll('{channel}', encodeURIComponent(n.channel)), {
      method: 'POST',
      headers: {
        'content-type': type,
        'x-switchyard-channel': n.channel,
        'x-notify-delivery': String(n.delivery),
      },
      body,
      // edge code: the notify call is real I/O, so its timeout is the runtime's
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return res.ok && (n.flavour !== 'alipay' || text.trim() === 'success');
  };
}

function render(n: Notification): { body: string; type: string } {
  const time = new Date(n.paidAt).toISOString();
  switch (n.flavour) {
    case 'wechat':
      // v3 sends the transaction encrypted in `resource`; the simulator sends it in the clear
      return {
        type: 'application/json',
        body: JSON.stringify({
          id: `EV-${n.channel}-${n.orderId}-${n.delivery}`,
          create_time: time,
          event_type: 'TRANSACTION.SUCCESS',
          resource_type: 'plain-resource',
          summary: '支付成功',
          resource: {
            out_trade_no: n.orderId,
            transaction_id: `42000${n.orderId}`,
            trade_state: 'SUCCESS',
            success_time: time,
            amount: { total: n.amount, currency: 'CNY' },
          },
        }),
      };
    case 'alipay':
      return {
        type: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({
          notify_type: 'trade_status_sync',
          notify_time: time,
          out_trade_no: n.orderId,
          trade_no: `2026${n.orderId}`,
          trade_status: 'TRADE_SUCCESS',
          total_amount: (n.amount / 100).toFixed(2),
          gmt_payment: time,
        }).toString(),
      };
    case 'unionpay':
      return {
        type: 'application/x-www-form-urlencoded',
        body: new URLSearchParams({
          version: '5.1.0',
          txnType: '01',
          respCode: '00',
          respMsg: '成功',
          orderId: n.orderId,
          txnAmt: String(n.amount),
          queryId: `7${n.orderId}`,
        }).toString(),
      };
    case 'bank':
      return {
        type: 'application/json',
        body: JSON.stringify({
          orderNo: n.orderId,
          status: 'SUCCESS',
          amount: n.amount,
          paidAt: time,
        }),
      };
  }
}
