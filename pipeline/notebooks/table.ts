/**
 * A `table` directive as HTML: a captioned table of controlled figures. Numbers are right-aligned, `*` and blanks
 * carry a text alternative for screen readers, and each cell says what it holds (data-kind), so tests and styles can
 * find the patient counts.
 */
import type { ControlledValue } from '../disclosure/index.ts';
import { displayText, type ResultFigures } from './figures.ts';
import { escapeHtml } from './html.ts';
import type { TableBlock } from './parse.ts';

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
  const body = [...Array(figures.rowCount).keys()].map((i) => row((key) => figures.value(i, key), false));
  const foot = block.total ? `<tfoot>${row((key) => figures.total(key), true)}</tfoot>` : '';
  return `<figure class="report-table"><div class="report-table-scroll"><table>${caption}${head}<tbody>${body.join('')}</tbody>${foot}</table></div>${note}</figure>`;
}
