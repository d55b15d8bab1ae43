/**
 * The interpretation views as the Interviews pages show them: the theme-prevalence heatmap as a
 * Figure (chart, summary, data table, CSV), and the co-occurrence and agreement tables as DataTables. The same rows
 * feed the chart, its table and the CSV, so they cannot disagree (pipeline/dashboard/table.ts).
 */
import { themePrevalenceChart } from '../dashboard/charts.ts';
import type { DataTable, Figure } from '../dashboard/table.ts';
import { codebookCategory, codesInOrder, type CodebookCategory, type CodeNode } from './codebook.ts';
import { codeCoOccurrence, themePrevalence, type AttributeFilter } from './interpretation.ts';
import type { AgreementReport } from './agreement.ts';
import type { Connection } from './store.ts';

/** Every code of a category in codebook order, child codes after their parent, labelled "4.2.1 Scaling up". */
export function categoryCodes(category: CodebookCategory): { code_id: string; label: string; depth: number }[] {
  return codesInOrder(category.codes).map(({ code, depth }) => ({
    code_id: code.code_id,
    label: `${code.number} ${code.name}`,
    depth
  }));
}

/** The category with the most codings (the one a researcher is most likely charting), or the first. */
export function busiestCategory(codebook: CodebookCategory[]): CodebookCategory | undefined {
  const count = (codes: CodeNode[]): number => codes.reduce((n, c) => n + c.codings + count(c.children), 0);
  return [...codebook].sort((a, b) => count(b.codes) - count(a.codes) || a.sort_order - b.sort_order)[0];
}

export async function themePrevalenceFigure(
  connection: Connection,
  categoryId: string,
  options: { attribute?: AttributeFilter } = {}
): Promise<Figure> {
  const category = await codebookCategory(connection, categoryId);
  const codes = category ? categoryCodes(category) : [];
  const found = category ? await themePrevalence(connection, { categoryId, attribute: options.attribute }) : [];
  const labelOf = new Map(codes.map((c) => [c.code_id, c.label]));
  const order = new Map(codes.map((c, i) => [c.code_id, i]));
  const rows = found
    .filter((r) => labelOf.has(r.code_id))
    .sort(
      (a, b) =>
        order.get(a.code_id)! - order.get(b.code_id)! || a.stakeholder_group.localeCompare(b.stakeholder_group, 'en')
    )
    .map((r) => ({ ...r, code: labelOf.get(r.code_id)! }));
  const chart = themePrevalenceChart(rows, { labelledBy: 'figure-theme-prevalence-summary' });
  const groups = [...new Map(rows.map((r) => [r.stakeholder_group, r.participants_in_group])).entries()];
  const table: DataTable = {
    caption: `Participants who raised each code, by stakeholder group${category ? `: ${category.name}` : ''}`,
    columns: [
      { key: 'code', label: 'Code', kind: 'text', rowHeader: true },
      ...groups.map(([group, n], i) => ({ key: `g${i}`, label: `${group} (${n})`, kind: 'text' as const }))
    ],
    rows: codes.map((c) => {
      const row: Record<string, string> = { code: c.label };
      groups.forEach(([group], i) => {
        const r = rows.find((x) => x.code_id === c.code_id && x.stakeholder_group === group);
        row[`g${i}`] = r ? `${r.participants_with_code} of ${r.participants_in_group}` : '';
      });
      return row;
    })
  };
  const participants = groups.reduce((n, [, size]) => n + size, 0);
  return {
    id: 'theme-prevalence',
    title: category ? `${category.name}: who raised each theme` : 'Theme prevalence',
    subtitle: `Participants with at least one coding of each code, out of the interviewed participants in their stakeholder group (${participants} in all); presence, not counts of codings`,
    svg: chart.svg,
    summary: chart.summary,
    table
  };
}

export async function coOccurrenceTable(connection: Connection, categoryId?: string): Promise<DataTable> {
  const pairs = await codeCoOccurrence(connection, { categoryId });
  return {
    caption: 'Codes applied to overlapping passages',
    columns: [
      { key: 'pair', label: 'Codes', kind: 'text', rowHeader: true },
      { key: 'overlaps', label: 'Overlapping codings', kind: 'integer' },
      { key: 'transcripts', label: 'Transcripts', kind: 'integer' },
      { key: 'participants', label: 'Participants', kind: 'integer' }
    ],
    rows: pairs.map((p) => ({
      pair: `${p.code_a_name} + ${p.code_b_name}`,
      overlaps: p.overlaps,
      transcripts: p.transcripts,
      participants: p.participants
    }))
  };
}

export function agreementTable(report: AgreementReport): DataTable {
  const units = report.unit === 'turn' ? 'turns' : 'characters';
  return {
    caption: `Agreement between ${report.coderA} and ${report.coderB} on ${report.transcriptIds.length} ${report.transcriptIds.length === 1 ? 'transcript' : 'transcripts'} (unit: ${report.unit === 'turn' ? 'speaker turn' : 'character'})`,
    columns: [
      { key: 'code', label: 'Code', kind: 'text', rowHeader: true },
      { key: 'both', label: `Both coded (${units})`, kind: 'integer' },
      { key: 'only_a', label: `${report.coderA} only (${units})`, kind: 'integer' },
      { key: 'only_b', label: `${report.coderB} only (${units})`, kind: 'integer' },
      { key: 'agreement', label: 'Agreement', kind: 'percent' },
      { key: 'kappa', label: "Cohen's kappa", kind: 'text' }
    ],
    rows: report.codes.map((c) => ({
      code: c.code_name,
      both: c.both,
      only_a: c.only_a,
      only_b: c.only_b,
      agreement: c.agreement,
      kappa: c.kappa.toFixed(2)
    }))
  };
}
