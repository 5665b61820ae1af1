import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpError } from './HttpError.ts';
import { streamQuery } from './streamRequest.ts';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function query(path: string, headers: Record<string, string> = {}, method = 'GET') {
  const req = {
    method,
    headers: {
      upgrade: 'websocket',
      'sec-websocket-key': KEY,
      'sec-websocket-version': '13',
      ...headers,
    },
  } as unknown as IncomingMessage;
  return streamQuery(req, new URL(path, 'http://x'));
}

describe('streamQuery', () => {
  it('reads since and stats', () => {
    expect(query('/v1/stream')).toEqual({ since: undefined, stats: true });
    expect(query('/v1/stream?since=7&stats=0')).toEqual({ since: 7, stats: false });
  });

  it('refuses with a 400 naming each bad header and parameter, as the JSON every other refusal is', () => {
    const e = query(
      '/v1/stream?since=-1',
      { 'sec-websocket-key': 'short', 'sec-websocket-version': '99' },
      'POST',
    );
    expect(e).toBeInstanceOf(HttpError);
    const body = (e as HttpError).body();
    expect(body.error).toBe('invalid_request');
    expect((body.details as { path: string }[]).map((d) => d.path)).toEqual([
      'method',
      'sec-websocket-key',
      'sec-websocket-version',
      'since',
    ]);
  });
});
