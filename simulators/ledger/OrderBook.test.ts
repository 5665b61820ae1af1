import { describe, expect, it } from 'vitest';
import { OrderBook } from './OrderBook.ts';

describe('OrderBook', () => {
  it('counts an order charged on two channels as a double charge, once', () => {
    const book = new OrderBook();
    const a = book.open('wechat', 'o-1', 100, 0);
    expect(book.charge(a)).toBe(true);
    expect(book.charge(a)).toBe(false);
    book.charge(book.open('alipay', 'o-1', 100, 3));
    book.charge(book.open('alipay', 'o-2', 100, 3));
    expect(book.chargedOn('o-1')).toEqual(['wechat', 'alipay']);
    expect(book.summary()).toEqual({ paidOrders: 2, doubleCharges: 1, droppedOrders: 0 });
  });

  it('counts dropped orders: charged, answer and callback both lost', () => {
    const book = new OrderBook();
    const t = book.open('wechat', 'o-1', 100, 0);
    t.answerLost = true;
    t.callbackLost = true;
    expect(book.summary().droppedOrders).toBe(0);
    book.charge(t);
    expect(book.summary().droppedOrders).toBe(1);
    expect(book.status('wechat', 'o-1')).toBe('SUCCESS');
    expect(book.status('wechat', 'o-9')).toBe('NOT_EXIST');
  });

  it('lists charges in charge order, not in the order channels first saw the order', () => {
    const book = new OrderBook();
    const w = book.open('wechat', 'o-1', 100, 0);
    const a = book.open('alipay', 'o-1', 100, 1);
    const b = book.open('bank_a', 'o-1', 100, 2);
    book.charge(b);
    book.charge(w);
    expect(book.chargedOn('o-1')).toEqual(['bank_a', 'wechat']);
    book.charge(a);
    expect(book.chargedOn('o-1')).toEqual(['bank_a', 'wechat', 'alipay']);
    expect(book.get('alipay', 'o-1')).toBe(a);
    expect(book.summary()).toEqual({ paidOrders: 1, doubleCharges: 1, droppedOrders: 0 });
    expect([...book.all()]).toHaveLength(3);
  });

  it('never charges a closed trade', () => {
    const book = new OrderBook();
    const t = book.open('bank_a', 'o-1', 100, 0);
    t.status = 'CLOSED';
    expect(book.charge(t)).toBe(false);
    expect(book.summary().paidOrders).toBe(0);
  });
});

describe('OrderBook retention', () => {
  it('forgets trades and charges older than retainMs, keeping the young ones', () => {
    const book = new OrderBook(1000);
    for (let i = 0; i < 5000; i++) book.charge(book.open('wechat', `o-${i}`, 1, i));
    // the sweep ran at the 4096th trade (t = 4095): everything before 3095 is gone
    expect(book.get('wechat', 'o-3000')).toBeUndefined();
    expect(book.get('wechat', 'o-3200')?.status).toBe('SUCCESS');
    expect(book.chargedOn('o-3000')).toEqual([]);
    expect(book.summary().paidOrders).toBe(5000 - 3095);
  });

  it('forgets a double charge with its order', () => {
    const book = new OrderBook(1000);
    book.charge(book.open('wechat', 'o-x', 1, 0));
    book.charge(book.open('alipay', 'o-x', 1, 0));
    expect(book.summary().doubleCharges).toBe(1);
    for (let i = 1; i < 4096; i++) book.charge(book.open('wechat', `o-${i}`, 1, i));
    // the sweep at the 4096th order (t = 4095) forgets o-x
    expect(book.chargedOn('o-x')).toEqual([]);
    expect(book.summary()).toEqual({ paidOrders: 4096 - 3095, doubleCharges: 0, droppedOrders: 0 }); // o-3095 … o-4095 kept
  });
});

describe('OrderBook with a clock that steps back', () => {
  it('still counts the charges of an order seen after the step, against the sweep horizon', () => {
    const book = new OrderBook(1000);
    for (let i = 0; i < 4096; i++) book.record('wechat', `o-${i}`, 5000 + i); // the sweep at the 4096th forgets t < 8095
    book.charge(book.open('wechat', 'x', 100, 3000));
    book.charge(book.open('alipay', 'x', 100, 3000));
    expect(book.chargedOn('x')).toEqual(['wechat', 'alipay']);
    expect(book.summary()).toMatchObject({ paidOrders: 1, doubleCharges: 1 });
  });
});

describe('OrderBook keys', () => {
  it('finds an order by any string of its number, whichever string it was first seen with', () => {
    const book = new OrderBook();
    const parsed = (JSON.parse('{"id":"o-77"}') as { id: string }).id;
    const t = book.open('wechat', parsed, 100, 0);
    expect(t.orderId).toBe('o-77');
    expect(book.get('wechat', `o-${77}`)).toBe(t);
    expect(book.record('wechat', 'o-77', 1)).toBe(t);
    expect(book.chargedOn('o-77')).toEqual([]);
  });
});
