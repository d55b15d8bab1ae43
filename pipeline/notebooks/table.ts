/**
 * A `table` directive as HTML: a captioned table of controlled figures. Numbers are right-aligned, `*` and blanks
 * carry a text alternative for screen readers, and each cell says what it holds (data-kind), so tests and styles can
 * find the patient counts.
 */
import type { ControlledValue } from '../disclosure/index.ts';
import { displayText, type ResultFigures } from './figures.ts';
import { escapeHtml } from './html.ts';
import type { TableBlock } from './parse.ts';

/**
 * A report must stay readable and small for a national programme (7,000 practices): a table with more than
 * CAPPED_ABOVE rows shows its first and last TABLE_ENDS rows, in the query's order (so a table sorted by a measure
 * shows its top and bottom), and one row between them saying how many are not listed. The total row, when the
 * table has one, still covers every row.
 */
export const TABLE_ENDS = 10;
export const CAPPED_ABOVE = 25;

/** Turns caption and note text (which may hold inline values) into HTML. */
export type InlineText = (text: string) => string;

function headingFor(key: string): string {
  return key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function cell(value: ControlledValue, kind: string, tag: 'td' | 'th'): string {
  const numeric = kind !== 'label';
  const date = !numeric && displayText(value) !== value.shown; // an ISO date shown as "6 Feb 2017": keep it on one line
  const attributes = [
    `data-kind="${kind}"`,
    numeric ? 'class="report-number"' : date ? 'class="report-date"' : '',
    tag === 'th' ? 'scope="row"' : ''
  ].filter(Boolean);
  if (value.suppressed) {
    // "*" alone is read out as "star"; say what it means.
    return `<${tag} ${attributes.join(' ')}><span aria-hidden="true">*</span><span class="report-visually-hidden">hidden (small number)</span></${tag}>`;
  }
  return `<${tag} ${attributes.join(' ')}>${escapeHtml(displayText(value))}</${tag}>`;
}

export function renderTable(block: TableBlock, figures: ResultFigures, inline: InlineText): string {
  const caption = block.caption ? `<caption>${inline(block.caption)}</caption>` : '';
  const note = block.note ? `<p class="report-note">${inline(block.note)}</p>` : '';
  if (figures.skipped || figures.rowCount === 0) {
    const message = block.empty ?? 'No rows for this as-of date.';
    return `<figure class="report-table report-empty">${block.caption ? `<figcaption>${inline(block.caption)}</figcaption>` : ''}<p class="report-empty-message">${inline(message)}</p>${note}</figure>`;
  }
  const columns = block.columns ?? [
    ...figures.result.columns.map((key) => ({ key, label: headingFor(key) })),
    ...block.rates.map((r) => ({ key: r.key, label: headingFor(r.key) })),
    ...block.changes.map((c) => ({ key: c.key, label: headingFor(c.key) }))
  ];
  const head = `<thead><tr>${columns
    .map(
      (c) => `<th scope="col"${figures.kind(c.key) === 'label' ? '' : ' class="report-number"'}>${inline(c.label)}</th>`
    )
    .join('')}</tr></thead>`;
  const firstLabel = columns.find((c) => figures.kind(c.key) === 'label')?.key;
  const row = (value: (key: string) => ControlledValue, isTotal: boolean) =>
    `<tr${isTotal ? ' class="report-total"' : ''}>${columns
      .map((c) => {
        let v = value(c.key);
        // The table's own label for its total row (one result may feed tables with different wording).
        if (isTotal && c.key === firstLabel && block.total) v = { ...v, shown: block.total };
        return cell(v, figures.kind(c.key), c.key === firstLabel ? 'th' : 'td');
      })
      .join('')}</tr>`;
  const n = figures.rowCount;
  const capped = n > CAPPED_ABOVE;
  const shown = capped
    ? [...[...Array(TABLE_ENDS).keys()], -1, ...[...Array(TABLE_ENDS).keys()].map((i) => n - TABLE_ENDS + i)]
    : [...Array(n).keys()];
  const rest = n - 2 * TABLE_ENDS;
  const body = shown.map((i) =>
    i === -1
      ? `<tr class="report-rows-omitted"><td colspan="${columns.length}">${rest.toLocaleString('en-GB')} more rows, not listed: this table shows the first ${TABLE_ENDS} and the last ${TABLE_ENDS} of ${n.toLocaleString('en-GB')} in the order above${block.total ? '; the total covers all of them' : ''}.</td></tr>`
      : row((key) => figures.value(i, key), false)
  );
  const foot = block.total ? `<tfoot>${row((key) => figures.total(key), true)}</tfoot>` : '';
  return `<figure class="report-table"><div class="report-table-scroll"><table>${caption}${head}<tbody>${body.join('')}</tbody>${foot}</table></div>${note}</figure>`;
}
