import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from './CallbackDispatcher.ts';
import { httpCallbackSink } from './httpCallbackSink.ts';

const seen: { channel: string; type: string | null; body: string }[] = [];
let answer: () => Response = () => new HttpResponse(null, { status: 204 });
const server = setupServer(
  http.post('http://shop.test/notify/:channel', async ({ request, params }) => {
    seen.push({
      channel: String(params.channel),
      type: request.headers.get('content-type'),
      body: await request.text(),
    });
    return answer();
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const note = (flavour: Notification['flavour'], channel: string): Notification => ({
  channel,
  flavour,
  orderId: 'o-1',
  amount: 1234,
  status: 'SUCCESS',
  paidAt: 1_795_300_000_000,
  delivery: 1,
});

describe('httpCallbackSink', () => {
  const sink = httpCallbackSink({ url: 'http://shop.test/notify/{channel}' });

  it("posts each flavour's notification shape to the notify URL", async () => {
    seen.length = 0;
    for (const [f, ch] of [
      ['wechat', 'wechat'],
      ['alipay', 'alipay'],
      ['unionpay', 'unionpay'],
      ['bank', 'bank_a'],
    ] as const)
      await sink(note(f, ch));
    expect(seen.map((s) => s.channel)).toEqual(['wechat', 'alipay', 'unionpay', 'bank_a']);
    expect(JSON.parse(seen[0].body)).toMatchObject({
      event_type: 'TRANSACTION.SUCCESS',
      resource: { out_trade_no: 'o-1', trade_state: 'SUCCESS', amount: { total: 1234 } },
    });
    expect(Object.fromEntries(new URLSearchParams(seen[1].body))).toMatchObject({
      out_trade_no: 'o-1',
      trade_status: 'TRADE_SUCCESS',
      total_amount: '12.34',
    });
    expect(Object.fromEntries(new URLSearchParams(seen[2].body))).toMatchObject({
      orderId: 'o-1',
      respCode: '00',
      txnAmt: '1234',
    });
    expect(JSON.parse(seen[3].body)).toMatchObject({
      orderNo: 'o-1',
      status: 'SUCCESS',
      amount: 1234,
    });
  });

  it('counts 2xx as acknowledged, and for Alipay only a body of "success"', async () => {
    answer = () => new HttpResponse(null, { status: 204 });
    expect(await sink(note('wechat', 'wechat'))).toBe(true);
    answer = () => new HttpResponse('fail', { status: 200 });
    expect(await sink(note('alipay', 'alipay'))).toBe(false);
    answer = () => new HttpResponse('success', { status: 200 });
    expect(await sink(note('alipay', 'alipay'))).toBe(true);
    answer = () => new HttpResponse('oops', { status: 500 });
    expect(await sink(note('bank', 'bank_a'))).toBe(false);
  });
});
