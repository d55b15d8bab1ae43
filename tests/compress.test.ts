import { describe, expect, test } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { chooseEncoding, compressResponse } from '../site/lib/server/compress.ts';

const page = '<!doctype html><p>' + 'Services live: 8 of 13. '.repeat(200) + '</p>';
const run = async (accept: string | null, body = page, type = 'text/html; charset=utf-8') => {
  const headers = new Headers(accept === null ? {} : { 'accept-encoding': accept });
  const event = { request: new Request('http://localhost/', { headers }) } as never;
  const resolve = async () =>
    new Response(body, {
      status: 200,
      headers: { 'content-type': type, 'set-cookie': 'a=1', 'x-frame-options': 'DENY' }
    });
  return compressResponse({ event, resolve } as never);
};

describe('compressing the server responses', () => {
  test('picks brotli, then gzip, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip, deflate')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('identity')).toBeNull();
    expect(chooseEncoding(null)).toBeNull();
  });

  test('a page is sent with brotli and decompresses to the same bytes, other headers kept', async () => {
    const response = await run('gzip, br');
    expect(response.headers.get('content-encoding')).toBe('br');
    expect(response.headers.get('vary')).toContain('accept-encoding');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('set-cookie')).toBe('a=1');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBeLessThan(page.length / 10);
    expect(brotliDecompressSync(bytes).toString()).toBe(page);
  });

  test('gzip when brotli is not accepted', async () => {
    const response = await run('gzip');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(page);
  });

  test('left alone: no accepted encoding, a small body, or a type that is already compressed', async () => {
    expect((await run(null)).headers.get('content-encoding')).toBeNull();
    expect((await run('br', '<p>small</p>')).headers.get('content-encoding')).toBeNull();
    const pdf = await run('br', page, 'application/pdf');
    expect(pdf.headers.get('content-encoding')).toBeNull();
    expect(await pdf.text()).toBe(page);
  });
});
