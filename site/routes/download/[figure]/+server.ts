/**
 * CSV download of any figure: /download/<figure id>.csv with the page's own URL parameters. It re-runs the same
 * pipeline function the page ran, so the CSV holds exactly the table shown (every row, not one page of it), then
 * passes it through disclosure control for `?audience=` (committee when absent: exact figures; funder or public:
 * controlled, ordered by the controlled values, with the footnote naming the profile under the table). A funder
 * cannot ask for the committee's CSV: the policy forces `audience=funder`.
 *
 * The body is streamed (pipeline/dashboard/download.ts): the services table of a national programme is read from
 * DuckDB chunk by chunk, on a connection that stays open until the last block is sent (or the client goes away).
 */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { warehouse } from '$lib/server/warehouse.ts';
import { readFilters } from '$lib/server/filters.ts';
import { UnknownFigureError } from '$pipeline/dashboard/figures.ts';
import { TableQueryError } from '$pipeline/dashboard/table.ts';
import { UsageLevelError } from '$pipeline/dashboard/usage.ts';
import { AUDIENCES, isAudience } from '$pipeline/disclosure/index.ts';
import { figureCsvBlocks } from '$pipeline/dashboard/download.ts';

export const GET: RequestHandler = async ({ params, url }) => {
  const id = params.figure.replace(/\.csv$/, '');
  const asked = url.searchParams.get('audience') ?? 'committee';
  if (!isAudience(asked)) error(400, `audience must be one of ${AUDIENCES.join(', ')}.`);
  const audience = asked;
  const { instance } = await warehouse();
  const connection = await instance.connect();
  let blocks: AsyncGenerator<string>;
  let first: IteratorResult<string>;
  try {
    const filters = await readFilters(connection, url);
    blocks = figureCsvBlocks(connection, id, filters, url.searchParams, audience);
    // The first block runs the queries: an unknown figure or a bad sort is a 404 or 400 before any byte is sent.
    first = await blocks.next();
  } catch (e) {
    connection.closeSync();
    if (e instanceof UnknownFigureError) error(404, e.message);
    if (e instanceof TableQueryError || e instanceof UsageLevelError) error(400, e.message);
    throw e;
  }
  const encoder = new TextEncoder();
  let closed = false;
  const close = () => {
    if (!closed) connection.closeSync();
    closed = true;
  };
  // The BOM makes Excel read the file as UTF-8 (service names may hold en dashes and accents).
  let pending: string | null = '\ufeff' + (first.done ? '' : first.value);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (pending !== null) {
          controller.enqueue(encoder.encode(pending));
          pending = null;
          if (first.done) {
            close();
            controller.close();
          }
          return;
        }
        const next = await blocks.next();
        if (next.done) {
          close();
          controller.close();
        } else controller.enqueue(encoder.encode(next.value));
      } catch (e) {
        close();
        controller.error(e);
      }
    },
    async cancel() {
      await blocks.return(undefined);
      close();
    }
  });
  const stamp = url.searchParams.get('asOf') ?? 'latest';
  const suffix = audience === 'committee' ? '' : `-${audience}`;
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${id}-${stamp.replace(/[^0-9a-z-]/gi, '')}${suffix}.csv"`
    }
  });
};
