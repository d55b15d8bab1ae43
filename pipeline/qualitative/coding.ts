/**
 * Coding: a span of a transcript [start_cp, end_cp) in code points, a code and the coder who applied it. Codings may
 * overlap and nest; the same span may carry several codes, and two coders may code the same span (agreement.ts
 * compares them). The browser sends UTF-16 offsets: convert them with offsets.ts before calling addCoding.
 */
import { codePointLength, OffsetIndex } from './offsets.ts';
import { getCode } from './codebook.ts';
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface Coding {
  coding_id: string;
  transcript_id: string;
  start_cp: number;
  end_cp: number;
  code_id: string;
  coder: string;
  created_at: string;
}

export interface CodingWithText extends Coding {
  code_name: string;
  text: string;
}

export interface NewCoding {
  transcriptId: string;
  start: number;
  end: number;
  codeId: string;
  /** Defaults to the actor's user. */
  coder?: string;
  /** Keep a GUID from elsewhere (REFI-QDA import). */
  codingId?: string;
}

async function transcriptLength(connection: Connection, transcriptId: string): Promise<number> {
  const [found] = await rows<{ length_cp: number }>(
    connection,
    'SELECT length_cp FROM transcript WHERE transcript_id = $id',
    { id: transcriptId }
  );
  if (!found) throw new QualitativeError(`No transcript ${transcriptId}`);
  return found.length_cp;
}

export async function checkSpan(
  connection: Connection,
  transcriptId: string,
  start: number,
  end: number
): Promise<void> {
  const length = await transcriptLength(connection, transcriptId);
  // A transcript imported without its text keeps the positions its project gave; they are checked when the text comes.
  const waiting =
    (await rows(connection, 'SELECT 1 FROM transcript_missing_text WHERE transcript_id = $id', { id: transcriptId }))
      .length > 0;
  const limit = waiting ? Number.POSITIVE_INFINITY : length;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > limit || start >= end) {
    throw new QualitativeError(
      `The span ${start}–${end} is not a passage of this transcript (0–${length} code points)`
    );
  }
}

/** Applies one code to a passage. The same coder applying the same code to the same span twice is one coding. */
export async function addCoding(connection: Connection, input: NewCoding, actor: Actor = {}): Promise<Coding> {
  const coder = input.coder ?? actor.user;
  if (!coder) throw new QualitativeError('A coding records its coder');
  return inTransaction(connection, async () => {
    await checkSpan(connection, input.transcriptId, input.start, input.end);
    const code = await getCode(connection, input.codeId);
    const [same] = await rows<Coding>(
      connection,
      `SELECT coding_id FROM coding WHERE transcript_id = $t AND start_cp = $s AND end_cp = $e AND code_id = $c AND coder = $coder`,
      { t: input.transcriptId, s: input.start, e: input.end, c: code.code_id, coder }
    );
    const id = same?.coding_id ?? input.codingId ?? newId();
    if (!same) {
      await run(connection, 'INSERT INTO coding VALUES ($id, $t, $s, $e, $c, $coder, CAST($now AS TIMESTAMP))', {
        id,
        t: input.transcriptId,
        s: input.start,
        e: input.end,
        c: code.code_id,
        coder,
        now: nowText(actor)
      });
    }
    return getCoding(connection, id);
  });
}

/** Applies several codes to one passage (the coding view's multi-select). */
export async function addCodings(
  connection: Connection,
  input: Omit<NewCoding, 'codeId' | 'codingId'> & { codeIds: string[] },
  actor: Actor = {}
): Promise<Coding[]> {
  return inTransaction(connection, async () => {
    const added: Coding[] = [];
    for (const codeId of input.codeIds) added.push(await addCoding(connection, { ...input, codeId }, actor));
    return added;
  });
}

const CODING_COLUMNS = `coding_id, transcript_id, start_cp, end_cp, code_id, coder,
  strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at`;

export async function getCoding(connection: Connection, id: string): Promise<Coding> {
  const [found] = await rows<Coding>(connection, `SELECT ${CODING_COLUMNS} FROM coding WHERE coding_id = $id`, { id });
  if (!found) throw new QualitativeError(`No coding ${id}`);
  return found;
}

/** Every coding of the project, transcript by transcript in reading order (what a whole-project export carries). */
export async function allCodings(connection: Connection): Promise<Coding[]> {
  return rows<Coding>(
    connection,
    `SELECT ${CODING_COLUMNS} FROM coding ORDER BY transcript_id, start_cp, end_cp, created_at, coding_id`
  );
}

/**
 * Removes a coding. A quote that cited it keeps its transcript span (matrix.ts), so the summary's evidence survives.
 */
export async function removeCoding(connection: Connection, codingId: string): Promise<void> {
  await inTransaction(connection, async () => {
    await getCoding(connection, codingId);
    await run(connection, 'UPDATE cell_quote SET coding_id = NULL WHERE coding_id = $id', { id: codingId });
    await run(connection, 'DELETE FROM coding WHERE coding_id = $id', { id: codingId });
  });
}

/** A transcript's codings with their text, in reading order; optionally one coder's only. */
export async function listCodings(
  connection: Connection,
  transcriptId: string,
  options: { coder?: string } = {}
): Promise<CodingWithText[]> {
  const found = await rows<Coding & { code_name: string; text: string }>(
    connection,
    `SELECT g.coding_id, g.transcript_id, g.start_cp, g.end_cp, g.code_id, g.coder, strftime(g.created_at, '%Y-%m-%d %H:%M:%S') AS created_at,
            c.name AS code_name, substring(t.text, g.start_cp + 1, g.end_cp - g.start_cp) AS text
       FROM coding g JOIN code c USING (code_id) JOIN transcript t USING (transcript_id)
      WHERE g.transcript_id = $t AND ($coder IS NULL OR g.coder = $coder)
      ORDER BY g.start_cp, g.end_cp, c.name, g.coder`,
    { t: transcriptId, coder: options.coder ?? null }
  );
  return found;
}

export interface Span {
  start: number;
  end: number;
}

/** Merges spans into disjoint, sorted intervals. */
export function unionOfSpans(spans: Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

export interface UncodedSpan extends Span {
  text: string;
}

/**
 * The uncoded text of a transcript: the spans no coding covers (by anyone, or by one coder), for the coverage check.
 * Spans of only whitespace are left out: a line break between two coded turns is not "uncoded text".
 */
export async function uncodedSpans(
  connection: Connection,
  transcriptId: string,
  options: { coder?: string } = {}
): Promise<UncodedSpan[]> {
  const [found] = await rows<{ text: string }>(connection, 'SELECT text FROM transcript WHERE transcript_id = $id', {
    id: transcriptId
  });
  if (!found) throw new QualitativeError(`No transcript ${transcriptId}`);
  const covered = unionOfSpans(
    (await listCodings(connection, transcriptId, options)).map((c) => ({ start: c.start_cp, end: c.end_cp }))
  );
  const index = new OffsetIndex(found.text);
  const gaps: UncodedSpan[] = [];
  let at = 0;
  for (const span of [...covered, { start: codePointLength(found.text), end: codePointLength(found.text) }]) {
    if (span.start > at) {
      const text = index.slice(at, span.start);
      if (text.trim()) gaps.push({ start: at, end: span.start, text });
    }
    at = Math.max(at, span.end);
  }
  return gaps;
}

// ——— Summaries the pages show (named here so the pages hold no SQL) ———

/** Per transcript: how many codings and by whom (names joined with ", ", in order). */
export async function codingTotalsByTranscript(
  connection: Connection
): Promise<Map<string, { codings: number; coders: string }>> {
  const found = await rows<{ transcript_id: string; codings: number; coders: string }>(
    connection,
    `SELECT transcript_id, CAST(count(*) AS INTEGER) AS codings, string_agg(DISTINCT coder, ', ' ORDER BY coder) AS coders
       FROM coding GROUP BY transcript_id`
  );
  return new Map(found.map((c) => [c.transcript_id, { codings: c.codings, coders: c.coders }]));
}

/** Per code: how many codings. */
export async function codingCountsByCode(connection: Connection): Promise<Map<string, number>> {
  const found = await rows<{ code_id: string; n: number }>(
    connection,
    'SELECT code_id, CAST(count(*) AS INTEGER) AS n FROM coding GROUP BY code_id'
  );
  return new Map(found.map((r) => [r.code_id, r.n]));
}

/** Everyone who has coded, by name. */
export async function listCoders(connection: Connection): Promise<string[]> {
  return (await rows<{ coder: string }>(connection, 'SELECT DISTINCT coder FROM coding ORDER BY coder')).map(
    (r) => r.coder
  );
}

/** Pairs of coders who coded the same transcripts, most shared first: the pair a team would compare. */
export async function coderPairs(connection: Connection): Promise<{ a: string; b: string; shared: number }[]> {
  return rows<{ a: string; b: string; shared: number }>(
    connection,
    `SELECT x.coder AS a, y.coder AS b, CAST(count(DISTINCT x.transcript_id) AS INTEGER) AS shared
       FROM (SELECT DISTINCT coder, transcript_id FROM coding) x JOIN (SELECT DISTINCT coder, transcript_id FROM coding) y
         ON x.transcript_id = y.transcript_id AND x.coder < y.coder
      GROUP BY ALL ORDER BY shared DESC, a, b`
  );
}

/** A code's codings with their passage and the whole transcript text (for line numbers), for splitting the code. */
export async function codingsOfCode(
  connection: Connection,
  codeId: string
): Promise<
  {
    coding_id: string;
    coder: string;
    transcript_id: string;
    title: string;
    start_cp: number;
    passage: string;
    body: string;
  }[]
> {
  return rows(
    connection,
    `SELECT g.coding_id, g.coder, g.transcript_id, t.title, g.start_cp, substring(t.text, g.start_cp + 1, g.end_cp - g.start_cp) AS passage, t.text AS body
       FROM coding g JOIN transcript t USING (transcript_id) WHERE g.code_id = $code ORDER BY t.title, g.start_cp`,
    { code: codeId }
  );
}
