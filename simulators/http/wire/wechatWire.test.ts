import { describe, expect, it } from 'vitest';
import { paidBody, paidObject } from './wechatWire.ts';

describe('wechat paid body', () => {
  it('is JSON.stringify of the paid object, byte for byte, whatever the order number and amount', () => {
    const ids = [
      'o-1',
      'b-123456789',
      '',
      '订单-9',
      'quote"back\\slash',
      'tab\tnl\n',
      '\u2028',
      'emoji-😀',
    ];
    const totals = [0, 1, 100, 99_999_999, 12.5, -3];
    for (const id of ids)
      for (const total of totals)
        expect(paidBody(id, total)).toBe(JSON.stringify(paidObject(id, total)));
  });

  it('serialises a body that is not what it should be as it comes', () => {
    expect(paidBody(undefined as unknown as string, 5)).toBe(
      JSON.stringify(paidObject(undefined as unknown as string, 5)),
    );
    expect(paidBody('o-1', undefined as unknown as number)).toBe(
      JSON.stringify(paidObject('o-1', undefined as unknown as number)),
    );
    expect(paidBody('o-1', '7' as unknown as number)).toBe(
      JSON.stringify(paidObject('o-1', '7' as unknown as number)),
    );
  });
});
