/**
 * A matrix cell's history (every saved version of its summary, who and when) and its memos. Apart from matrix.ts so
 * that memos (which check passages through coding.ts) do not join the codebook/matrix/coding circle.
 */
import {
  checkParticipantAndCode,
  ensureCell,
  findCell,
  listCellVersions,
  type Cell,
  type CellVersion
} from './matrix.ts';
import { addMemo, listMemos, type Memo } from './memos.ts';
import { inTransaction, QualitativeError, type Actor, type Connection } from './store.ts';

/** A memo on a cell, creating the cell empty first when it was never written (a thought can come before a summary). */
export async function addCellMemo(
  connection: Connection,
  input: { participantId: string; codeId: string; body: string; title?: string | null },
  actor: Actor = {}
): Promise<Memo> {
  if (!input.body.trim()) throw new QualitativeError('A memo needs some text');
  return inTransaction(connection, async () => {
    const cell = await ensureCell(connection, input.participantId, input.codeId, actor);
    return addMemo(
      connection,
      { target: { kind: 'cell', cellId: cell.cell_id }, body: input.body, title: input.title ?? null },
      actor
    );
  });
}

export interface CellHistory {
  cell: Cell | null;
  /** Latest first. */
  versions: CellVersion[];
  memos: Memo[];
}

export async function cellHistory(connection: Connection, participantId: string, codeId: string): Promise<CellHistory> {
  await checkParticipantAndCode(connection, participantId, codeId);
  const cell = await findCell(connection, participantId, codeId);
  if (!cell) return { cell: null, versions: [], memos: [] };
  return {
    cell,
    versions: (await listCellVersions(connection, cell.cell_id)).reverse(),
    memos: await listMemos(connection, { kind: 'cell', cellId: cell.cell_id })
  };
}
