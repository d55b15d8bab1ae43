/**
 * Rendering a notebook for an audience and an as-of date: run its queries, control its figures, and write HTML.
 *
 *   committee        exact figures (disclosure profile `none`, which still goes through the same functions)
 *   funder, public   every figure through disclosure control, nhs-digital unless the notebook names another profile
 *
 * The result is an HTML fragment (an <article>, for the site's layout) and a complete standalone document (document.ts,
 * for the HTML download and the PDF). Both carry the profile's name and its footnote explaining `*` and rounding.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  checkAudience,
  audienceLabel,
  getProfile,
  profileForAudience,
  type Audience,
  type ControlledValue
} from '../disclosure/index.ts';
import { formatDate, listNames } from '../format/format.ts';

import { chartUsage, renderChart } from './chart.ts';
import { addChange, addDeclarations, addRate, displayText, emptyUsage, ResultFigures, type Usage } from './figures.ts';
import { escapeHtml } from './html.ts';
import { INLINE_VALUE, renderInline, renderMarkdown } from './markdown.ts';
import { NotebookError, type Keep, type Notebook, type SqlBlock } from './parse.ts';
import { firstCountOrder, rowsChosenBy, rowsOrderedBy } from './row-choice.ts';
import { MEASURES } from '../warehouse/schema.ts';
import { resolveAsOf, runNotebookQueries, type AsOf, type QueryResult } from './query.ts';
import { renderTable } from './table.ts';
import { reportDocument } from './document.ts';

/** The most names `{result.column|list}` writes out before "and N others". */
export const LIST_NAMES = 20;
const PATIENT_MEASURES: readonly string[] = MEASURES.filter((m) => m.patient_count).map((m) => m.measure);

export interface RenderOptions {
  /** An as-of date that is loaded (YYYY-MM-DD); default the latest. */
  asOf?: string | null;
  /** Default: the notebook's own audience. */
  audience?: string | null;
}

export interface RenderedReport {
  notebook: string;
  title: string;
  description: string;
  audience: Audience;
  /** The disclosure profile applied: `none` for the committee. */
  profile: string;
  profileTitle: string;
  footnote: string;
  asOf: string;
  previousAsOf: string | null;
  availableAsOf: string[];
  /** The report as an <article>, to place inside a page. */
  fragment: string;
  /** A complete HTML document with print CSS, for the download and for printing to PDF. */
  document: string;
}

/** `{result.path|fn}` split up; `path` may be `a/b` (a rate) or `a-b` (a change). */
function parseExpression(expression: string): { result: string; path: string | null; fn: string | null } {
  const [ref, fn] = expression.split('|');
  const [result, path] = ref.split('.');
  return { result, path: path ?? null, fn: fn ?? null };
}

/** Everything each result is used for: columns, rates, changes, totals and declared kinds. */
function collectUsage(notebook: Notebook, results: Map<string, QueryResult>): Map<string, Usage> {
  const usages = new Map<string, Usage>();
  const usage = (name: string) => usages.get(name) ?? usages.set(name, emptyUsage()).get(name)!;
  const inlineUse = (text: string | null, where: string) => {
    for (const m of (text ?? '').replace(/`[^`]+`/g, '').matchAll(INLINE_VALUE)) {
      const { result, path, fn } = parseExpression(m[1]);
      if (!results.has(result) || path === null) continue;
      const u = usage(result);
      if (path.includes('/')) {
        const [numerator, denominator] = path.split('/');
        addRate(u, { key: path, numerator, denominator }, where);
      } else if (path.includes('-')) {
        const [from, minus] = path.split('-');
        addChange(u, { key: path, from, minus });
      } else if (fn !== 'count') u.columns.add(path);
      if (fn === 'sum') u.total = true;
    }
  };
  for (const block of notebook.blocks) {
    const where = `${notebook.name}.md:${block.line}`;
    if (block.type === 'sql') {
      addDeclarations(usage(block.name), block.declarations, where);
      if (block.keep) {
        usage(block.name).columns.add(block.keep.left);
        if (typeof block.keep.right === 'string') usage(block.name).columns.add(block.keep.right);
      }
    } else if (block.type === 'text') inlineUse(block.markdown, where);
    else if (block.type === 'table' || block.type === 'chart') {
      const u = usage(block.result);
      addDeclarations(u, block.declarations, where);
      for (const text of [block.caption, block.note, block.empty]) inlineUse(text, where);
      if (block.type === 'chart') {
        chartUsage(block, results.get(block.result)!.columns, u, where);
        continue;
      }
      block.rates.forEach((rate) => addRate(u, rate, where));
      block.changes.forEach((change) => addChange(u, change));
      const derived = new Set([...block.rates.map((r) => r.key), ...block.changes.map((c) => c.key)]);
      for (const key of block.columns?.map((c) => c.key) ?? results.get(block.result)!.columns)
        if (!derived.has(key)) u.columns.add(key);
      if (block.total) {
        u.total = true;
        u.totalLabel ??= block.total;
      }
    }
  }
  return usages;
}

function valueHtml(value: ControlledValue, kind: string): string {
  if (value.suppressed)
    return `<span class="report-value" data-kind="${kind}"><span aria-hidden="true">*</span><span class="report-visually-hidden">hidden (small number)</span></span>`;
  return `<span class="report-value" data-kind="${kind}">${escapeHtml(displayText(value) || '—')}</span>`;
}

/** Renders `{…}` inline values from the controlled figures. */
function inlineValues(
  figures: Map<string, ResultFigures>,
  asOf: AsOf,
  where: () => string,
  rankedBy: Map<string, string> = new Map()
) {
  return (expression: string): string | null => {
    if (expression === 'as_of') return escapeHtml(formatDate(asOf.asOf));
    if (expression === 'previous_as_of')
      return escapeHtml(asOf.previousAsOf ? formatDate(asOf.previousAsOf) : 'no earlier snapshot');
    const { result, path, fn } = parseExpression(expression);
    const f = figures.get(result);
    if (!f || path === null) return null;
    if (fn === 'count') return `<span class="report-value" data-kind="row-count">${f.rowCount}</span>`;
    if (f.skipped || f.rowCount === 0) return '<span class="report-value" data-kind="none">none</span>';
    const kind = f.kind(path);
    if (fn === 'sum') return valueHtml(f.total(path), kind);
    if (fn === 'list') {
      if (kind !== 'label')
        throw new NotebookError(`${where()}: {${expression}}: |list joins text, and "${path}" is a ${kind}`);
      const names = [...Array(f.rowCount).keys()].map((i) => displayText(f.value(i, path)));
      // A national programme can have thousands: name the first LIST_NAMES, then "and N others".
      return `<span class="report-value" data-kind="label">${escapeHtml(listNames(names, LIST_NAMES))}</span>`;
    }
    if (fn !== null) throw new NotebookError(`${where()}: {${expression}}: unknown |${fn} (use |sum, |count or |list)`);
    const ranking = rankedBy.get(result);
    if (kind === 'label' && ranking) {
      // Naming the first row ranks the rows by the exact figures (row-choice.ts says why that is refused).
      throw new NotebookError(
        `${where()}: {${expression}} names the first row of "${result}", which is ordered by "${ranking}", a count of patients: ` +
          'the sentence would rank by exact figures that a funder sees rounded or hidden. Name rows by what the audience sees (a table, or |list).'
      );
    }
    return valueHtml(f.value(0, path), kind);
  };
}

/** Patient counts: the catalogue's patient measures, and whatever the notebook declares as counts for this result. */
function patientColumns(usage: Usage): Set<string> {
  const columns = new Set(PATIENT_MEASURES);
  for (const [key, declaration] of usage.declarations) {
    if (declaration.kind === 'patient-count') columns.add(key);
    else columns.delete(key);
  }
  return columns;
}

/** Refuses a query that chooses its rows by a patient count (row-choice.ts says why), naming keep= instead. */
async function refuseRowsChosenByCounts(
  connection: DuckDBConnection,
  block: SqlBlock,
  usage: Usage,
  where: string
): Promise<void> {
  if (block.type !== 'sql') return;
  const [column] = await rowsChosenBy(connection, block.sql, patientColumns(usage));
  if (!column) return;
  throw new NotebookError(
    `${where}: sql ${block.name}: "${column}" is a count of patients, and this query chooses its rows by it (WHERE, HAVING, QUALIFY or a join), so the rows listed would reveal exact figures to a funder. ` +
      'Select every row and choose them with keep= on the sql block, which compares the figures as the audience sees them (keep=registered<=registered_previous).'
  );
}

const COMPARE: Record<Keep['op'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b
};

/**
 * The rows `keep=` keeps, decided on the controlled figures: a row is kept only when both sides are shown and the
 * comparison holds as shown (a hidden `*` cannot be compared, so its row is left out: nothing may be said about it).
 * The kept rows are then controlled afresh (with their own total), so every figure the report shows of this result,
 * in tables, charts and sentences alike, is of exactly the rows a reader of that audience could pick out.
 */
function kept(figures: ResultFigures, keep: Keep): QueryResult {
  const { result } = figures;
  const rows = result.rows.filter((_, index) => {
    const left = figures.value(index, keep.left);
    const right =
      typeof keep.right === 'number' ? { suppressed: false, value: keep.right } : figures.value(index, keep.right);
    if (left.suppressed || right.suppressed || left.value === null || right.value === null) return false;
    return COMPARE[keep.op](left.value, right.value);
  });
  return { ...result, rows };
}

/**
 * The rows re-ordered by the controlled value of `column` (a hidden count sorts just above 0, a missing one last), ties
 * by the rows' text cells in order: the same order whichever exact figures lie behind what is shown.
 */
function orderedByShown(figures: ResultFigures, order: { column: string; descending: boolean }): QueryResult {
  const { result } = figures;
  // A count the report does not show at all gives every row the same key: they come by their labels alone.
  const shown = figures.specs.has(order.column);
  const key = (index: number): number => {
    if (!shown) return 0;
    const cell = figures.value(index, order.column);
    if (cell.suppressed) return 0.5;
    return cell.value === null ? Number.NaN : cell.value;
  };
  const label = (index: number) =>
    Object.values(result.rows[index])
      .filter((v) => typeof v === 'string')
      .join('\u0000');
  const indices = result.rows.map((_, index) => index);
  indices.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    if (!Number.isNaN(x) && x !== y) return order.descending ? y - x : x - y;
    return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
  });
  return { ...result, rows: indices.map((index) => result.rows[index]) };
}

/** Renders a parsed notebook against the warehouse. Throws UnknownAsOfError, UnknownAudienceError or NotebookError. */
export async function renderNotebook(
  connection: DuckDBConnection,
  notebook: Notebook,
  options: RenderOptions = {}
): Promise<RenderedReport> {
  const audience = checkAudience(options.audience ?? notebook.audience);
  const profile = getProfile(profileForAudience(audience, notebook.profile));
  const asOf = await resolveAsOf(connection, options.asOf ?? null);
  const results = await runNotebookQueries(connection, notebook, asOf);
  const usages = collectUsage(notebook, results);
  const figures = new Map<string, ResultFigures>();
  const rankedBy = new Map<string, string>();
  for (const [name, result] of results) {
    const block = notebook.blocks.find((b): b is SqlBlock => b.type === 'sql' && b.name === name)!;
    const usage = usages.get(name) ?? emptyUsage();
    const where = `${notebook.name}.md:${block.line}`;
    await refuseRowsChosenByCounts(connection, block, usage, where);
    const [ranking] = await rowsOrderedBy(connection, block.sql, patientColumns(usage));
    if (ranking) rankedBy.set(name, ranking);
    let all = new ResultFigures(result, usage, profile.name, where);
    // Rows ordered by an exact patient count would let a reader of controlled figures rank services that show the same
    // rounded or hidden figure: for controlled audiences the rows are ordered by what is shown, ties by their labels.
    const countOrder =
      profile.name === 'none' ? null : await firstCountOrder(connection, block.sql, patientColumns(usage));
    if (countOrder) all = new ResultFigures(orderedByShown(all, countOrder), usage, profile.name, where);
    figures.set(name, block.keep ? new ResultFigures(kept(all, block.keep), usage, profile.name, where) : all);
  }

  let line = 0;
  const inline = inlineValues(figures, asOf, () => `${notebook.name}.md:${line}`, rankedBy);
  const inlineText = (text: string) => renderInline(text, inline);
  const body: string[] = [];
  for (const block of notebook.blocks) {
    line = block.line;
    if (block.type === 'text') body.push(renderMarkdown(block.markdown, inline));
    else if (block.type === 'table') body.push(renderTable(block, figures.get(block.result)!, inlineText));
    else if (block.type === 'chart') body.push(renderChart(block, figures.get(block.result)!, asOf.asOf, inlineText));
    else if (block.type === 'code') body.push(`<pre><code>${escapeHtml(block.code)}</code></pre>`);
  }

  const controlled = profile.name !== 'none';
  const about =
    `<aside class="report-about" aria-labelledby="report-about-${notebook.name}">` +
    `<h2 id="report-about-${notebook.name}">About these figures</h2>` +
    `<p>${controlled ? `Disclosure control: <strong>${escapeHtml(profile.name)}</strong> (${escapeHtml(profile.title)}).` : 'Exact figures, for the steering committee.'}</p>` +
    `<p class="report-footnote">${escapeHtml(profile.footnote)}</p></aside>`;
  const header =
    `<header class="report-header"><p class="report-kicker">${escapeHtml(audienceLabel(audience))} report · as of ${escapeHtml(formatDate(asOf.asOf))}</p>` +
    `<h1>${escapeHtml(notebook.title)}</h1>` +
    (notebook.description ? `<p class="report-lede">${escapeHtml(notebook.description)}</p>` : '') +
    '</header>';
  const fragment =
    `<article class="uptake-report" data-notebook="${escapeHtml(notebook.name)}" data-audience="${audience}" data-profile="${profile.name}" data-as-of="${asOf.asOf}">` +
    `${header}${about}\n${body.join('\n')}</article>`;

  const report: Omit<RenderedReport, 'document'> = {
    notebook: notebook.name,
    title: notebook.title,
    description: notebook.description,
    audience,
    profile: profile.name,
    profileTitle: profile.title,
    footnote: profile.footnote,
    asOf: asOf.asOf,
    previousAsOf: asOf.previousAsOf,
    availableAsOf: asOf.available,
    fragment
  };
  return { ...report, document: reportDocument(report) };
}
