import { describe, expect, it } from 'vitest';
import { readBody } from './readBody.ts';

const BOM_JSON = '\uFEFF{"channel":"wechat"}';

function streamed(text: string): Request {
  const bytes = new TextEncoder().encode(text);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes.slice(0, 3));
      c.enqueue(bytes.slice(3));
      c.close();
    },
  });
  return new Request('http://x/', { method: 'POST', body, duplex: 'half' } as RequestInit);
}

describe('readBody', () => {
  it('reads a body the same with Content-Length and chunked, BOM and all', async () => {
    const declared = new Request('http://x/', {
      method: 'POST',
      body: BOM_JSON,
      headers: { 'content-length': String(new TextEncoder().encode(BOM_JSON).length) },
    });
    const a = await readBody(declared, 1024);
    const b = await readBody(streamed(BOM_JSON), 1024);
    expect(a).toBe(b);
    expect(JSON.parse(b)).toEqual({ channel: 'wechat' });
    expect(await readBody(streamed('{"é":"€"}'), 1024)).toBe('{"é":"€"}');
  });

  it('refuses a streamed body past the limit with 413', async () => {
    await expect(readBody(streamed('x'.repeat(2000)), 1024)).rejects.toMatchObject({ status: 413 });
  });
});
