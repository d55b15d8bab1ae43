/**
 * The framework matrix (Gale et al. 2013, stage 6): rows are participants grouped by stakeholder group, columns are
 * the codes of one category, and each cell holds that participant's coded passages for the code beside the
 * researcher's summary. Rapid qualitative analysis (Hamilton) fills the same cells without coding first, so a summary
 * never requires a coding.
 *
 * Versions: every save that changes the summary or status is a new matrix_cell_version. Autosaves by the same person
 * within AUTOSAVE_COALESCE_MS of the last autosave update that version instead, so typing does not leave one version
 * per keystroke; an explicit save always adds one. `expectedVersion` refuses a save based on an older version
 * (two people on one cell) rather than silently overwriting.
 *
 * Quotes: a summary cites quotes as [Q1], [Q2] …; each cell_quote holds the exact transcript span, and the coding it
 * came from when there was one.
 */
import { sliceCodePoints, lineStarts, lineAt } from './offsets.ts';
import { checkSpan, getCoding } from './coding.ts';
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export const CELL_STATUSES = ['empty', 'drafted', 'reviewed'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

export const AUTOSAVE_COALESCE_MS = 2 * 60 * 1000;

export interface Cell {
  cell_id: string;
  participant_id: string;
  code_id: string;
  summary: string;
  status: CellStatus;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface CellVersion {
  version: number;
  summary: string;
  status: CellStatus;
  saved_at: string;
  saved_by: string | null;
  autosave: boolean;
}

export class CellConflictError extends QualitativeError {
  constructor(readonly current: Cell) {
    super(
      `This cell was saved by ${current.updated_by ?? 'someone'} at ${current.updated_at} (version ${current.version}); reload it before saving`
    );
    this.name = 'CellConflictError';
  }
}

const CELL_COLUMNS = `cell_id, participant_id, code_id, summary, status, version, strftime(updated_at, '%Y-%m-%d %H:%M:%S.%g') AS updated_at, updated_by`;

export async function findCell(connection: Connection, participantId: string, codeId: string): Promise<Cell | null> {
  const [found] = await rows<Cell>(
    connection,
    `SELECT ${CELL_COLUMNS} FROM matrix_cell WHERE participant_id = $p AND code_id = $c`,
    { p: participantId, c: codeId }
  );
  return found ?? null;
}

async function cellById(connection: Connection, cellId: string): Promise<Cell> {
  const [found] = await rows<Cell>(connection, `SELECT ${CELL_COLUMNS} FROM matrix_cell WHERE cell_id = $id`, {
    id: cellId
  });
  if (!found) throw new QualitativeError(`No matrix cell ${cellId}`);
  return found;
}

export async function checkParticipantAndCode(connection: Connection, participantId: string, codeId: string) {
  const [p] = await rows(connection, 'SELECT 1 FROM participant WHERE participant_id = $id', { id: participantId });
  if (!p) throw new QualitativeError(`No participant ${participantId}`);
  const [c] = await rows(connection, 'SELECT 1 FROM code WHERE code_id = $id', { id: codeId });
  if (!c) throw new QualitativeError(`No code ${codeId}`);
}

/** The cell, created empty (version 0, no version row) if it was never written: quotes can be collected first. */
export async function ensureCell(
  connection: Connection,
  participantId: string,
  codeId: string,
  actor: Actor
): Promise<Cell> {
  const existing = await findCell(connection, participantId, codeId);
  if (existing) return existing;
  await checkParticipantAndCode(connection, participantId, codeId);
  await run(
    connection,
    `INSERT INTO matrix_cell VALUES ($id, $p, $c, '', 'empty', 0, CAST($now AS TIMESTAMP), $user)`,
    {
      id: newId(),
      p: participantId,
      c: codeId,
      now: nowText(actor),
      user: actor.user ?? null
    }
  );
  return (await findCell(connection, participantId, codeId))!;
}

export interface SaveSummary {
  participantId: string;
  codeId: string;
  summary: string;
  /**
   * Set explicitly; otherwise empty text → empty, and any change to the text → drafted (a reviewed cell needs review
   * again).
   */
  status?: CellStatus;
  autosave?: boolean;
  /** The version the editor started from; a save against an older one is refused with CellConflictError. */
  expectedVersion?: number;
}

function nextStatus(current: Cell, summary: string, requested?: CellStatus): CellStatus {
  if (requested) {
    if (!CELL_STATUSES.includes(requested))
      throw new QualitativeError(`A cell's status is one of ${CELL_STATUSES.join(', ')}`);
    return requested;
  }
  if (summary.trim() === '') return 'empty';
  return summary === current.summary ? current.status : 'drafted';
}

export async function saveCellSummary(connection: Connection, input: SaveSummary, actor: Actor = {}): Promise<Cell> {
  return inTransaction(connection, async () => {
    const cell = await ensureCell(connection, input.participantId, input.codeId, actor);
    if (input.expectedVersion !== undefined && input.expectedVersion !== cell.version)
      throw new CellConflictError(cell);
    const status = nextStatus(cell, input.summary, input.status);
    if (input.summary === cell.summary && status === cell.status) return cell; // nothing changed (autosave of unchanged text)
    const now = nowText(actor);
    const params = {
      id: cell.cell_id,
      summary: input.summary,
      status,
      now,
      user: actor.user ?? null,
      autosave: input.autosave ?? false
    };
    const [last] = await rows<{ autosave: boolean; saved_by: string | null; age_ms: number }>(
      connection,
      `SELECT autosave, saved_by, CAST(epoch_ms(CAST($now AS TIMESTAMP)) - epoch_ms(saved_at) AS DOUBLE) AS age_ms
         FROM matrix_cell_version WHERE cell_id = $id AND version = $version`,
      { id: cell.cell_id, version: cell.version, now }
    );
    const coalesce =
      input.autosave && last?.autosave && last.saved_by === (actor.user ?? null) && last.age_ms < AUTOSAVE_COALESCE_MS;
    const version = coalesce ? cell.version : cell.version + 1;
    if (coalesce) {
      await run(
        connection,
        `UPDATE matrix_cell_version SET summary = $summary, status = $status, saved_at = CAST($now AS TIMESTAMP) WHERE cell_id = $id AND version = $version`,
        { ...params, version }
      );
    } else {
      await run(
        connection,
        `INSERT INTO matrix_cell_version VALUES ($id, $version, $summary, $status, CAST($now AS TIMESTAMP), $user, $autosave)`,
        { ...params, version }
      );
    }
    await run(
      connection,
      `UPDATE matrix_cell SET summary = $summary, status = $status, version = $version, updated_at = CAST($now AS TIMESTAMP), updated_by = $user WHERE cell_id = $id`,
      { ...params, version }
    );
    return cellById(connection, cell.cell_id);
  });
}

/** Marks a cell drafted or reviewed without changing its text (a version records who reviewed it, and when). */
export async function setCellStatus(
  connection: Connection,
  participantId: string,
  codeId: string,
  status: CellStatus,
  actor: Actor = {}
): Promise<Cell> {
  const cell = await findCell(connection, participantId, codeId);
  return saveCellSummary(connection, { participantId, codeId, summary: cell?.summary ?? '', status }, actor);
}

export async function listCellVersions(connection: Connection, cellId: string): Promise<CellVersion[]> {
  return rows<CellVersion>(
    connection,
    `SELECT version, summary, status, strftime(saved_at, '%Y-%m-%d %H:%M:%S') AS saved_at, saved_by, autosave
       FROM matrix_cell_version WHERE cell_id = $id ORDER BY version`,
    { id: cellId }
  );
}

// ——— Quotes ———

export interface CellQuote {
  quote_id: string;
  cell_id: string;
  ordinal: number;
  coding_id: string | null;
  transcript_id: string;
  start_cp: number;
  end_cp: number;
  /** The exact quoted text. */
  text: string;
  /** "Pseudonym, transcript title, lines 12–14": where a reader finds it. */
  reference: string;
}

export type QuoteSource = { codingId: string } | { transcriptId: string; start: number; end: number };

/** Links a passage to a cell's summary as the next [Qn]; returns the quote with its text and reference. */
export async function addCellQuote(
  connection: Connection,
  participantId: string,
  codeId: string,
  source: QuoteSource,
  actor: Actor = {}
): Promise<CellQuote> {
  return inTransaction(connection, async () => {
    const cell = await ensureCell(connection, participantId, codeId, actor);
    let span: { transcriptId: string; start: number; end: number; codingId: string | null };
    if ('codingId' in source) {
      const coding = await getCoding(connection, source.codingId);
      span = {
        transcriptId: coding.transcript_id,
        start: coding.start_cp,
        end: coding.end_cp,
        codingId: coding.coding_id
      };
    } else {
      await checkSpan(connection, source.transcriptId, source.start, source.end);
      span = { ...source, codingId: null };
    }
    const [owner] = await rows<{ participant_id: string | null }>(
      connection,
      'SELECT participant_id FROM transcript WHERE transcript_id = $id',
      { id: span.transcriptId }
    );
    if (owner.participant_id !== participantId)
      throw new QualitativeError("A cell's quotes come from that participant's transcripts");
    const [{ next }] = await rows<{ next: number }>(
      connection,
      'SELECT CAST(coalesce(max(ordinal), 0) + 1 AS INTEGER) AS next FROM cell_quote WHERE cell_id = $id',
      { id: cell.cell_id }
    );
    const id = newId();
    await run(
      connection,
      'INSERT INTO cell_quote VALUES ($id, $cell, $ordinal, $coding, $t, $s, $e, CAST($now AS TIMESTAMP), $user)',
      {
        id,
        cell: cell.cell_id,
        ordinal: next,
        coding: span.codingId,
        t: span.transcriptId,
        s: span.start,
        e: span.end,
        now: nowText(actor),
        user: actor.user ?? null
      }
    );
    return (await listCellQuotes(connection, cell.cell_id)).find((q) => q.quote_id === id)!;
  });
}

export async function removeCellQuote(connection: Connection, quoteId: string): Promise<void> {
  await run(connection, 'DELETE FROM cell_quote WHERE quote_id = $id', { id: quoteId });
}

export async function listCellQuotes(connection: Connection, cellId: string): Promise<CellQuote[]> {
  const found = await rows<
    Omit<CellQuote, 'text' | 'reference'> & { body: string; title: string; pseudonym: string | null }
  >(
    connection,
    `SELECT q.quote_id, q.cell_id, q.ordinal, q.coding_id, q.transcript_id, q.start_cp, q.end_cp, t.text AS body, t.title, p.pseudonym
       FROM cell_quote q JOIN transcript t USING (transcript_id) LEFT JOIN participant p ON p.participant_id = t.participant_id
      WHERE q.cell_id = $id ORDER BY q.ordinal`,
    { id: cellId }
  );
  return found.map(({ body, title, pseudonym, ...q }) => {
    const starts = lineStarts(body);
    const [from, to] = [lineAt(starts, q.start_cp), lineAt(starts, Math.max(q.start_cp, q.end_cp - 1))];
    const lines = from === to ? `line ${from}` : `lines ${from}–${to}`;
    return {
      ...q,
      text: sliceCodePoints(body, q.start_cp, q.end_cp),
      reference: `${pseudonym ?? 'Unlinked'}, ${title}, ${lines}`
    };
  });
}

/** The quote ordinals a summary cites, in order of first mention: "[Q2] … [Q1] … [Q2]" → [2, 1]. */
export function citedQuotes(summary: string): number[] {
  const seen: number[] = [];
  for (const m of summary.matchAll(/\[Q(\d+)\]/g)) if (!seen.includes(Number(m[1]))) seen.push(Number(m[1]));
  return seen;
}

// ——— Codebook merges (called by codebook.ts inside its transaction) ———

/**
 * When a code merges into another, each participant's cell moves to the target code; where the participant already
 * has a target cell, the source summary is appended (as a new version, marked drafted), its quotes renumbered after
 * the target's and the [Qn] in the appended text rewritten to match. The source cell's versions stay in the table.
 */
export async function mergeCellsForCodes(
  connection: Connection,
  source: { code_id: string; name: string },
  target: { code_id: string },
  actor: Actor
) {
  const moved: { participant_id: string; cell_id: string; into: string | null }[] = [];
  const cells = await rows<Cell>(connection, `SELECT ${CELL_COLUMNS} FROM matrix_cell WHERE code_id = $c`, {
    c: source.code_id
  });
  for (const cell of cells) {
    const existing = await findCell(connection, cell.participant_id, target.code_id);
    if (!existing) {
      await run(connection, 'UPDATE matrix_cell SET code_id = $t WHERE cell_id = $id', {
        id: cell.cell_id,
        t: target.code_id
      });
      moved.push({ participant_id: cell.participant_id, cell_id: cell.cell_id, into: null });
      continue;
    }
    const [{ offset }] = await rows<{ offset: number }>(
      connection,
      'SELECT CAST(coalesce(max(ordinal), 0) AS INTEGER) AS offset FROM cell_quote WHERE cell_id = $id',
      { id: existing.cell_id }
    );
    await run(connection, 'UPDATE cell_quote SET cell_id = $into, ordinal = ordinal + $offset WHERE cell_id = $id', {
      id: cell.cell_id,
      into: existing.cell_id,
      offset
    });
    await run(connection, "UPDATE memo SET cell_id = $into WHERE target_kind = 'cell' AND cell_id = $id", {
      id: cell.cell_id,
      into: existing.cell_id
    });
    const appended = cell.summary.replace(/\[Q(\d+)\]/g, (_, n: string) => `[Q${Number(n) + offset}]`);
    const summary = [existing.summary, appended && `Merged from "${source.name}": ${appended}`]
      .filter((s) => s.trim())
      .join('\n\n');
    await saveCellSummary(
      connection,
      {
        participantId: existing.participant_id,
        codeId: target.code_id,
        summary,
        status: summary.trim() ? 'drafted' : 'empty'
      },
      actor
    );
    await run(connection, 'DELETE FROM matrix_cell WHERE cell_id = $id', { id: cell.cell_id });
    moved.push({ participant_id: cell.participant_id, cell_id: cell.cell_id, into: existing.cell_id });
  }
  return moved;
}

/** Where quotes start in a transcript (code points), so its page can mark quoted passages. */
export async function quotedStarts(connection: Connection, transcriptId: string): Promise<number[]> {
  return (
    await rows<{ start_cp: number }>(connection, 'SELECT DISTINCT start_cp FROM cell_quote WHERE transcript_id = $id', {
      id: transcriptId
    })
  ).map((q) => q.start_cp);
}
