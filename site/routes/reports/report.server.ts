/**
 * Rendering a notebook for the /reports pages and downloads, on the dashboard's own warehouse connection (the server
 * holds the one DuckDB instance; opening a second on the same file is not possible). The URL says which audience and
 * as-of date (`?audience=funder&as_of=2017-02-06`); a wrong value is a 400 page naming the choices, an unknown
 * notebook a 404.
 */
import { error } from '@sveltejs/kit';
import { cachedRead } from '$lib/server/warehouse.ts';
import {
  loadNotebook,
  NotebookError,
  renderNotebook,
  UnknownAsOfError,
  UnknownAudienceError,
  UnknownNotebookError,
  type Notebook,
  type RenderedReport
} from '$pipeline/notebooks/index.ts';

/** `as_of` is the reports' parameter; the dashboard's `asOf` is accepted too, so its links carry over. */
export function reportParameters(url: URL): { asOf: string | null; audience: string | null } {
  return {
    asOf: url.searchParams.get('as_of') || url.searchParams.get('asOf') || null,
    audience: url.searchParams.get('audience') || null
  };
}

export function notebookOr404(name: string): Notebook {
  try {
    return loadNotebook(name);
  } catch (e) {
    if (e instanceof UnknownNotebookError) error(404, `There is no report called "${name.slice(0, 60)}".`);
    throw e;
  }
}

/** The rendered report, or null when no snapshot is loaded yet (the page says so instead of failing). */
export async function renderForRequest(name: string, url: URL): Promise<RenderedReport | null> {
  const notebook = notebookOr404(name);
  const { asOf, audience } = reportParameters(url);
  try {
    return await cachedRead(`report ${JSON.stringify([notebook, asOf, audience])}`, (connection) =>
      renderNotebook(connection, notebook, { asOf, audience })
    );
  } catch (e) {
    if (e instanceof UnknownAsOfError && e.available.length === 0) return null;
    if (e instanceof UnknownAsOfError || e instanceof UnknownAudienceError) error(400, e.message);
    if (e instanceof NotebookError) error(500, `The report "${name}" could not be rendered: ${e.message}`);
    throw e;
  }
}

/** A file name for a download: notebook, as-of date and audience, so several downloads do not overwrite each other. */
export function downloadName(report: RenderedReport, extension: string): string {
  return `${report.notebook}-${report.asOf}-${report.audience}.${extension}`;
}
