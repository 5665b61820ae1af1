import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeServer, listen } from './listen.ts';

describe('listen / closeServer', () => {
  it('resolves with the bound port, rejects when it is taken, and closes despite keep-alive sockets', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const port = await listen(server, 0, '127.0.0.1');
    expect(port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'keep-alive' } });
    expect(await res.text()).toBe('ok');

    const second = createServer();
    await expect(listen(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });

    await closeServer(server);
    expect(server.listening).toBe(false);
  });
});
