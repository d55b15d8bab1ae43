/**
 * Compresses the server's own responses (pages, CSV, JSON). adapter-node serves static assets precompressed but sends
 * rendered pages as they are; a 500-service overview is ~430 KB of HTML and ~16 KB with brotli (bench/README.md).
 * Brotli at quality 5 compresses that in a few milliseconds; the default (11) would cost more than it saves on
 * loopback.
 */
import type { Handle } from '@sveltejs/kit';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/;
/** Below this, compression saves less than a packet. */
const MIN_BYTES = 1024;

export function chooseEncoding(acceptEncoding: string | null): 'br' | 'gzip' | null {
  const accept = acceptEncoding ?? '';
  if (/(^|[\s,])br($|[\s,;])/.test(accept) && !/br;\s*q=0(\.0*)?($|[\s,])/.test(accept)) return 'br';
  if (/(^|[\s,])gzip($|[\s,;])/.test(accept) && !/gzip;\s*q=0(\.0*)?($|[\s,])/.test(accept)) return 'gzip';
  return null;
}

export const compressResponse: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const type = response.headers.get('content-type') ?? '';
  const encoding = chooseEncoding(event.request.headers.get('accept-encoding'));
  if (
    !encoding ||
    !response.body ||
    !COMPRESSIBLE.test(type) ||
    response.headers.has('content-encoding') ||
    event.request.method === 'HEAD'
  ) {
    return response;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.append('vary', 'accept-encoding');
  if (body.length < MIN_BYTES)
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  const compressed =
    encoding === 'br'
      ? await brotli(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length }
        })
      : await gzipAsync(body, { level: 6 });
  headers.set('content-encoding', encoding);
  headers.delete('content-length');
  return new Response(compressed, { status: response.status, statusText: response.statusText, headers });
};
