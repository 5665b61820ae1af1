import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { CloseStack } from './CloseStack.ts';
import { waitForSignal } from './waitForSignal.ts';

describe('CloseStack', () => {
  it('closes newest first, each once, and goes on past a failure', async () => {
    const order: string[] = [];
    const stack = new CloseStack();
    stack.push(() => void order.push('server'));
    stack.push(async () => {
      order.push('client');
      throw new Error('client stuck');
    });
    stack.push(() => {
      order.push('timer');
      throw new Error('timer gone');
    });
    const failures = await stack.close();
    expect(order).toEqual(['timer', 'client', 'server']);
    expect(failures.map((e) => (e as Error).message)).toEqual(['timer gone', 'client stuck']);
    expect(await stack.close()).toEqual([]);
    expect(order).toHaveLength(3);
  });
});

describe('waitForSignal', () => {
  it('resolves with the first SIGINT or SIGTERM and stops listening for both', async () => {
    const signals = new EventEmitter();
    const got = waitForSignal(signals);
    expect(signals.listenerCount('SIGINT')).toBe(1);
    expect(signals.listenerCount('SIGTERM')).toBe(1);
    signals.emit('SIGTERM');
    expect(await got).toBe('SIGTERM');
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
