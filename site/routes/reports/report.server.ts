/**
 * Rendering a notebook for the /reports pages and downloads, on the dashboard's own warehouse connection (the server
 * holds the one DuckDB instance; opening a second on the same file is not possible). The URL says which audience and
 * as-of date (`?audience=funder&as_of=2017-02-06`); a wrong value is a 400 page naming the choices, an unknown
 * notebook a 404.
 *
 * The name in the URL is only ever looked up among the notebooks in notebooks/ (`loadNotebook` takes names, never
 * paths). Anything else gets one and the same 404, which repeats nothing of what was asked, so the answer never
 * depends on what exists on the server's disk; the refusal is audited, since probing for files is worth knowing about.
 */
import { error, type RequestEvent } from '@sveltejs/kit';
import { cachedRead } from '$lib/server/warehouse.ts';
import { auditRequest } from '$lib/server/access/guard.ts';
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

export const NO_SUCH_REPORT = 'There is no report with that name. The Reports page lists the reports you can open.';

/** The notebook the URL names, or a 404 (audited as a refused report render). */
export async function notebookOr404(event: RequestEvent): Promise<Notebook> {
  const name = event.params.name ?? '';
  try {
    return loadNotebook(name);
  } catch (e) {
    if (!(e instanceof UnknownNotebookError)) throw e;
    await auditRequest(event, event.locals.viewer, {
      action: 'report-render',
      target: event.url.pathname + event.url.search,
      outcome: 'refused',
      detail: 'no notebook of that name in the notebooks folder'
    });
    error(404, NO_SUCH_REPORT);
  }
}

/** The rendered report, or null when no snapshot is loaded yet (the page says so instead of failing). */
export async function renderForRequest(event: RequestEvent): Promise<RenderedReport | null> {
  const notebook = await notebookOr404(event);
  const name = notebook.name;
  const url = event.url;
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
