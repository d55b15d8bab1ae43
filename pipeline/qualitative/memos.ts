/**
 * Memos: free text on the project, a transcript, a passage (transcript + code-point span), a code or a matrix cell.
 * Exported to REFI-QDA as Notes with a NoteRef from their target.
 */
import { checkSpan } from './coding.ts';
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export type MemoTarget =
  | { kind: 'project' }
  | { kind: 'transcript'; transcriptId: string }
  | { kind: 'passage'; transcriptId: string; start: number; end: number }
  | { kind: 'code'; codeId: string }
  | { kind: 'cell'; cellId: string };

export interface Memo {
  memo_id: string;
  target_kind: MemoTarget['kind'];
  transcript_id: string | null;
  start_cp: number | null;
  end_cp: number | null;
  code_id: string | null;
  cell_id: string | null;
  title: string | null;
  body: string;
  author: string | null;
  created_at: string;
  updated_at: string;
}

async function exists(connection: Connection, table: string, column: string, id: string, what: string) {
  const [found] = await rows(connection, `SELECT 1 FROM ${table} WHERE ${column} = $id`, { id });
  if (!found) throw new QualitativeError(`No ${what} ${id}`);
}

export async function addMemo(
  connection: Connection,
  input: { target: MemoTarget; body: string; title?: string | null; memoId?: string },
  actor: Actor = {}
): Promise<Memo> {
  const t = input.target;
  const id = input.memoId ?? newId();
  await inTransaction(connection, async () => {
    if (t.kind === 'transcript') await exists(connection, 'transcript', 'transcript_id', t.transcriptId, 'transcript');
    if (t.kind === 'passage') await checkSpan(connection, t.transcriptId, t.start, t.end);
    if (t.kind === 'code') await exists(connection, 'code', 'code_id', t.codeId, 'code');
    if (t.kind === 'cell') await exists(connection, 'matrix_cell', 'cell_id', t.cellId, 'matrix cell');
    const now = nowText(actor);
    await run(
      connection,
      `INSERT INTO memo VALUES ($id, $kind, $t, $s, $e, $code, $cell, $title, $body, $author, CAST($now AS TIMESTAMP), CAST($now AS TIMESTAMP))`,
      {
        id,
        kind: t.kind,
        t: t.kind === 'transcript' || t.kind === 'passage' ? t.transcriptId : null,
        s: t.kind === 'passage' ? t.start : null,
        e: t.kind === 'passage' ? t.end : null,
        code: t.kind === 'code' ? t.codeId : null,
        cell: t.kind === 'cell' ? t.cellId : null,
        title: input.title ?? null,
        body: input.body,
        author: actor.user ?? null,
        now
      }
    );
  });
  return getMemo(connection, id);
}

export async function updateMemo(
  connection: Connection,
  memoId: string,
  change: { body?: string; title?: string | null },
  actor: Actor = {}
): Promise<Memo> {
  const memo = await getMemo(connection, memoId);
  await run(
    connection,
    'UPDATE memo SET body = $body, title = $title, updated_at = CAST($now AS TIMESTAMP) WHERE memo_id = $id',
    {
      id: memoId,
      body: change.body ?? memo.body,
      title: change.title === undefined ? memo.title : change.title,
      now: nowText(actor)
    }
  );
  return getMemo(connection, memoId);
}

export async function deleteMemo(connection: Connection, memoId: string): Promise<void> {
  await run(connection, 'DELETE FROM memo WHERE memo_id = $id', { id: memoId });
}

const MEMO_COLUMNS = `memo_id, target_kind, transcript_id, start_cp, end_cp, code_id, cell_id, title, body, author,
  strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, strftime(updated_at, '%Y-%m-%d %H:%M:%S') AS updated_at`;

export async function getMemo(connection: Connection, memoId: string): Promise<Memo> {
  const [found] = await rows<Memo>(connection, `SELECT ${MEMO_COLUMNS} FROM memo WHERE memo_id = $id`, { id: memoId });
  if (!found) throw new QualitativeError(`No memo ${memoId}`);
  return found;
}

/** Memos, all or those on one kind of target / one target id (a transcript's memos include its passage memos). */
export async function listMemos(
  connection: Connection,
  filter: { kind?: MemoTarget['kind']; transcriptId?: string; codeId?: string; cellId?: string } = {}
): Promise<Memo[]> {
  return rows<Memo>(
    connection,
    `SELECT ${MEMO_COLUMNS} FROM memo
      WHERE ($kind IS NULL OR target_kind = $kind) AND ($t IS NULL OR transcript_id = $t)
        AND ($code IS NULL OR code_id = $code) AND ($cell IS NULL OR cell_id = $cell)
      ORDER BY created_at, memo_id`,
    {
      kind: filter.kind ?? null,
      t: filter.transcriptId ?? null,
      code: filter.codeId ?? null,
      cell: filter.cellId ?? null
    }
  );
}
