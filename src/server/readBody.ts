import { HttpError } from './HttpError.ts';

/**
 * The request body as text, refused with 413 past `maxBytes`: by Content-Length before reading
 * when the client sent one, by counting while reading when it streams chunked.
 */
export async function readBody(req: Request, maxBytes: number): Promise<string> {
  const declared = req.headers.get('content-length');
  const tooLarge = () =>
    new HttpError(413, 'payload_too_large', `body over ${maxBytes} bytes: send smaller batches`);
  if (declared !== null) {
    const n = Number(declared);
    if (n > maxBytes) throw tooLarge();
    return req.text();
  }
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  // Decoded as req.text() decodes (UTF-8, a leading BOM dropped): one body, one reading, however it came.
  return UTF8.decode(Buffer.concat(chunks));
}

const UTF8 = new TextDecoder();

/** The body parsed as JSON; a syntax error is a 400 `invalid_json`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(
      400,
      'invalid_json',
      `body is not JSON: ${(e as Error).message.slice(0, 200)}`,
      [{ index: 0, path: '', message: 'not JSON' }],
    );
  }
}

/** `readBody` then `parseJson`: for the small operator bodies. */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  return parseJson(await readBody(req, maxBytes));
}
