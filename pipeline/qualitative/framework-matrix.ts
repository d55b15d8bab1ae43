/**
 * The framework matrix for one category (Gale et al. chart one category at a time): the columns are its codes in
 * codebook order (child codes included, the Other code last), the rows are participants grouped by stakeholder group
 * (participants without a group come last, under "No group"). Each cell carries that participant's coded passages for
 * the code and the summary, status, version and quotes — a cell with a summary and no passages is rapid analysis.
 */
import { codebookCategory, codesInOrder, type CodeNode } from './codebook.ts';
import { listCellQuotes, type Cell, type CellQuote, type CellStatus } from './matrix.ts';
import { rows, QualitativeError, type Connection } from './store.ts';
import { listParticipants, type Participant } from './participants.ts';
import { attributeOf } from './attributes.ts';

export const NO_GROUP = 'No group';

export interface MatrixColumn {
  code_id: string;
  number: string;
  name: string;
  definition: string | null;
  is_other: boolean;
  depth: number;
}

export interface Passage {
  coding_id: string;
  transcript_id: string;
  start_cp: number;
  end_cp: number;
  coder: string;
  text: string;
}

export interface MatrixCell {
  code_id: string;
  cell_id: string | null;
  summary: string;
  status: CellStatus;
  version: number;
  /** Memos on the cell. */
  memos: number;
  passages: Passage[];
  quotes: CellQuote[];
}

export interface MatrixRow {
  participant: Participant;
  cells: MatrixCell[];
}

export interface FrameworkMatrix {
  category: { category_id: string; name: string; number: string };
  columns: MatrixColumn[];
  groups: { group: string; rows: MatrixRow[] }[];
}

function matrixColumns(codes: CodeNode[]): MatrixColumn[] {
  return codesInOrder(codes).map(({ code: c, depth }) => ({
    code_id: c.code_id,
    number: c.number,
    name: c.name,
    definition: c.definition,
    is_other: c.is_other,
    depth
  }));
}

/**
 * `groupBy`: a case attribute name (participant_attribute) to group rows by its value instead of by stakeholder
 * group; participants without it come last, under "No <name>".
 */
export async function frameworkMatrix(
  connection: Connection,
  categoryId: string,
  options: { groupBy?: string } = {}
): Promise<FrameworkMatrix> {
  const category = await codebookCategory(connection, categoryId);
  if (!category) throw new QualitativeError(`No code category ${categoryId}`);
  const columns = matrixColumns(category.codes);
  const participants = await listParticipants(connection);
  const passages = await rows<Passage & { participant_id: string; code_id: string }>(
    connection,
    `SELECT t.participant_id, g.code_id, g.coding_id, g.transcript_id, g.start_cp, g.end_cp, g.coder,
            substring(t.text, g.start_cp + 1, g.end_cp - g.start_cp) AS text
       FROM coding g JOIN transcript t USING (transcript_id) JOIN code c USING (code_id)
      WHERE c.category_id = $category AND t.participant_id IS NOT NULL
      ORDER BY t.participant_id, g.transcript_id, g.start_cp, g.end_cp`,
    { category: categoryId }
  );
  const cells = await rows<Omit<Cell, 'updated_at' | 'updated_by'>>(
    connection,
    `SELECT m.cell_id, m.participant_id, m.code_id, m.summary, m.status, m.version
       FROM matrix_cell m JOIN code c USING (code_id) WHERE c.category_id = $category`,
    { category: categoryId }
  );
  const memoCounts = new Map(
    (
      await rows<{ cell_id: string; n: number }>(
        connection,
        `SELECT cell_id, CAST(count(*) AS INTEGER) AS n FROM memo WHERE target_kind = 'cell' GROUP BY cell_id`
      )
    ).map((m) => [m.cell_id, m.n])
  );
  const key = (p: string, c: string) => `${p}\u0000${c}`;
  const cellAt = new Map(cells.map((c) => [key(c.participant_id, c.code_id), c]));
  const quotesAt = new Map<string, CellQuote[]>();
  for (const c of cells) quotesAt.set(c.cell_id, await listCellQuotes(connection, c.cell_id));
  const passagesAt = new Map<string, Passage[]>();
  for (const { participant_id, code_id, ...p } of passages) {
    const k = key(participant_id, code_id);
    passagesAt.set(k, [...(passagesAt.get(k) ?? []), p]);
  }
  const byAttribute = options.groupBy ? await attributeOf(connection, options.groupBy) : null;
  const groups: FrameworkMatrix['groups'] = [];
  for (const participant of participants) {
    const group = byAttribute
      ? (byAttribute.get(participant.participant_id) ?? `No ${options.groupBy}`)
      : (participant.stakeholder_group ?? NO_GROUP);
    let entry = groups.find((g) => g.group === group);
    if (!entry) groups.push((entry = { group, rows: [] }));
    entry.rows.push({
      participant,
      cells: columns.map((column) => {
        const cell = cellAt.get(key(participant.participant_id, column.code_id));
        return {
          code_id: column.code_id,
          cell_id: cell?.cell_id ?? null,
          summary: cell?.summary ?? '',
          status: cell?.status ?? 'empty',
          version: cell?.version ?? 0,
          memos: cell ? (memoCounts.get(cell.cell_id) ?? 0) : 0,
          passages: passagesAt.get(key(participant.participant_id, column.code_id)) ?? [],
          quotes: cell ? (quotesAt.get(cell.cell_id) ?? []) : []
        };
      })
    });
  }
  if (options.groupBy) {
    const none = `No ${options.groupBy}`;
    groups.sort((a, b) => Number(a.group === none) - Number(b.group === none) || a.group.localeCompare(b.group, 'en'));
    // Within an attribute's group, participants in id order (the stakeholder-group order means nothing there).
    for (const g of groups)
      g.rows.sort((a, b) => a.participant.participant_id.localeCompare(b.participant.participant_id, 'en'));
  }
  return {
    category: { category_id: category.category_id, name: category.name, number: category.number },
    columns,
    groups
  };
}
