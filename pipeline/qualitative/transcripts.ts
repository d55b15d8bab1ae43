/**
 * Transcripts: stored once, never edited. A corrected transcript is a new row whose `supersedes` names the one it
 * replaces; codings stay on the text they were made against, so no offset ever points into changed text.
 *
 * importTranscriptFiles is the whole import path: read (readers/) → propose anonymisation → the researcher confirms
 * (a callback; the command line confirms all, or lists them with --dry-run) → apply → parse speaker turns → store.
 */
import { readTranscriptFile, type LineTiming, type TranscriptFile, type TranscriptFormat } from './readers/index.ts';
import {
  applyAnonymisation,
  proposeAnonymisation,
  PseudonymBook,
  type NameEntry,
  type Proposal,
  type IdentifierKind
} from './anonymise.ts';
import { codePointLength, lineStarts, sliceCodePoints } from './offsets.ts';
import { parseTurns, type Turn } from './turns.ts';
import { participantForFile } from './participants.ts';
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface Transcript {
  transcript_id: string;
  participant_id: string | null;
  title: string;
  source_file: string | null;
  source_format: string;
  source_sha256: string | null;
  length_cp: number;
  line_count: number;
  supersedes: string | null;
  anonymised: boolean;
  imported_at: string;
  imported_by: string | null;
}

export interface TranscriptWithText extends Transcript {
  text: string;
  turns: Turn[];
}

export interface NewTranscript {
  text: string;
  title: string;
  format: TranscriptFormat | 'refi';
  participantId?: string | null;
  sourceFile?: string | null;
  sha256?: string | null;
  lineTimings?: (LineTiming | null)[];
  supersedes?: string | null;
  anonymised?: boolean;
  /** Keep a GUID from elsewhere (REFI-QDA import); a new one otherwise. */
  transcriptId?: string;
}

const TRANSCRIPT_COLUMNS = `transcript_id, participant_id, title, source_file, source_format, source_sha256, length_cp, line_count,
  supersedes, anonymised, strftime(imported_at, '%Y-%m-%d %H:%M:%S') AS imported_at, imported_by`;

async function insertTurns(connection: Connection, id: string, turns: ReturnType<typeof parseTurns>) {
  for (const t of turns) {
    await run(
      connection,
      `INSERT INTO transcript_turn VALUES ($id, $i, $speaker, $start, $end, $l1, $l2, $ms1, $ms2)`,
      {
        id,
        i: t.turnIndex,
        speaker: t.speaker,
        start: t.startCp,
        end: t.endCp,
        l1: t.lineStart,
        l2: t.lineEnd,
        ms1: t.startMs,
        ms2: t.endMs
      }
    );
  }
}

/** Stores a transcript and its speaker turns. The text is stored exactly as given. */
export async function storeTranscript(
  connection: Connection,
  input: NewTranscript,
  actor: Actor = {}
): Promise<Transcript> {
  const id = input.transcriptId ?? newId();
  const turns = parseTurns(input.text, input.lineTimings);
  await inTransaction(connection, async () => {
    if (input.supersedes) await getTranscriptRecord(connection, input.supersedes);
    await run(
      connection,
      `INSERT INTO transcript VALUES ($id, $participant, $title, $file, $format, $sha, $text, $length, $lines, $supersedes, $anonymised,
                                      CAST($now AS TIMESTAMP), $user)`,
      {
        id,
        participant: input.participantId ?? null,
        title: input.title,
        file: input.sourceFile ?? null,
        format: input.format,
        sha: input.sha256 ?? null,
        text: input.text,
        length: codePointLength(input.text),
        lines: lineStarts(input.text).length,
        supersedes: input.supersedes ?? null,
        anonymised: input.anonymised ?? false,
        now: nowText(actor),
        user: actor.user ?? null
      }
    );
    await insertTurns(connection, id, turns);
  });
  return getTranscriptRecord(connection, id);
}

async function getTranscriptRecord(connection: Connection, id: string): Promise<Transcript> {
  const [found] = await rows<Transcript>(
    connection,
    `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE transcript_id = $id`,
    { id }
  );
  if (!found) throw new QualitativeError(`No transcript ${id}`);
  return found;
}

export async function getTranscript(connection: Connection, id: string): Promise<TranscriptWithText> {
  const record = await getTranscriptRecord(connection, id);
  const [{ text }] = await rows<{ text: string }>(connection, 'SELECT text FROM transcript WHERE transcript_id = $id', {
    id
  });
  const turns = await rows<Turn>(
    connection,
    `SELECT turn_index AS "turnIndex", speaker, start_cp AS "startCp", end_cp AS "endCp", line_start AS "lineStart",
            line_end AS "lineEnd", start_ms AS "startMs", end_ms AS "endMs"
       FROM transcript_turn WHERE transcript_id = $id ORDER BY turn_index`,
    { id }
  );
  return { ...record, text, turns };
}

/** Current transcripts (those no later version supersedes), or every version with `{ allVersions: true }`. */
export async function listTranscripts(
  connection: Connection,
  options: { allVersions?: boolean } = {}
): Promise<Transcript[]> {
  return rows<Transcript>(
    connection,
    `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript t
      WHERE $all OR NOT EXISTS (SELECT 1 FROM transcript later WHERE later.supersedes = t.transcript_id)
      ORDER BY participant_id NULLS LAST, imported_at, title`,
    { all: options.allVersions ?? false }
  );
}

/**
 * Links a transcript to its participant (or unlinks it, with null). Only the link changes: the text never does.
 * The import leaves a transcript unlinked when no participant id appeared in its file name.
 */
export async function setTranscriptParticipant(
  connection: Connection,
  transcriptId: string,
  participantId: string | null
): Promise<Transcript> {
  await getTranscriptRecord(connection, transcriptId);
  if (participantId !== null) {
    const [found] = await rows(connection, 'SELECT 1 FROM participant WHERE participant_id = $id', {
      id: participantId
    });
    if (!found) throw new QualitativeError(`No participant ${participantId}`);
  }
  await run(connection, 'UPDATE transcript SET participant_id = $p WHERE transcript_id = $id', {
    id: transcriptId,
    p: participantId
  });
  return getTranscriptRecord(connection, transcriptId);
}

/** The exact text of a passage, [start, end) in code points. */
export async function passageText(
  connection: Connection,
  transcriptId: string,
  start: number,
  end: number
): Promise<string> {
  const [found] = await rows<{ text: string }>(connection, 'SELECT text FROM transcript WHERE transcript_id = $id', {
    id: transcriptId
  });
  if (!found) throw new QualitativeError(`No transcript ${transcriptId}`);
  return sliceCodePoints(found.text, start, end);
}

// ——— Importing files ———

export interface ImportOptions {
  names?: NameEntry[];
  book?: PseudonymBook;
  detectors?: Exclude<IdentifierKind, 'name'>[];
  /** The researcher's confirmation: which proposals to apply. Default: all of them. */
  confirm?: (file: TranscriptFile, proposals: Proposal[]) => Proposal[] | Promise<Proposal[]>;
  /** A participant for every file (one-file imports); otherwise matched from the file name. */
  participantId?: string;
  /** Propose only; store nothing. */
  dryRun?: boolean;
}

export interface FileImportResult {
  file: string;
  outcome: 'imported' | 'new-version' | 'already-imported' | 'dry-run';
  transcriptId: string | null;
  participantId: string | null;
  supersedes: string | null;
  proposals: Proposal[];
  applied: number;
  turns: number;
  notes: string[];
}

export async function importTranscriptFiles(
  connection: Connection,
  paths: string[],
  options: ImportOptions = {},
  actor: Actor = {}
): Promise<FileImportResult[]> {
  const book = options.book ?? new PseudonymBook();
  const participantIds = (await rows<{ id: string }>(connection, 'SELECT participant_id AS id FROM participant')).map(
    (r) => r.id
  );
  const results: FileImportResult[] = [];
  for (const path of paths) {
    const file = await readTranscriptFile(path);
    const notes = [...file.notes];
    const participantId = options.participantId ?? participantForFile(file.fileName, participantIds);
    if (options.participantId && !participantIds.includes(options.participantId))
      throw new QualitativeError(`No participant ${options.participantId}`);
    if (!participantId) notes.push('No participant matched the file name; link it to a participant later.');
    const proposals = proposeAnonymisation(file.text, { names: options.names, book, detectors: options.detectors });
    const base = { file: file.fileName, participantId, proposals, notes };
    if (options.dryRun) {
      results.push({
        ...base,
        outcome: 'dry-run',
        transcriptId: null,
        supersedes: null,
        applied: 0,
        turns: parseTurns(file.text).length
      });
      continue;
    }
    const confirmed = options.confirm ? await options.confirm(file, proposals) : proposals;
    const text = applyAnonymisation(file.text, confirmed);
    // The same file again (same bytes, same resulting text) changes nothing; a changed file is a new version.
    const previous = await rows<{ transcript_id: string; source_sha256: string | null; text: string }>(
      connection,
      `SELECT transcript_id, source_sha256, text FROM transcript t
        WHERE source_file = $file AND participant_id IS NOT DISTINCT FROM $participant
          AND NOT EXISTS (SELECT 1 FROM transcript later WHERE later.supersedes = t.transcript_id)`,
      { file: file.fileName, participant: participantId }
    );
    const same = previous.find((p) => p.source_sha256 === file.sha256 && p.text === text);
    if (same) {
      results.push({
        ...base,
        outcome: 'already-imported',
        transcriptId: same.transcript_id,
        supersedes: null,
        applied: 0,
        turns: 0
      });
      continue;
    }
    const supersedes = previous[0]?.transcript_id ?? null;
    const stored = await storeTranscript(
      connection,
      {
        text,
        title: file.fileName.replace(/\.[^.]+$/, ''),
        format: file.format,
        participantId,
        sourceFile: file.fileName,
        sha256: file.sha256,
        lineTimings: file.lineTimings,
        supersedes,
        anonymised: confirmed.length > 0
      },
      actor
    );
    const turns = await rows<{ n: number }>(
      connection,
      'SELECT CAST(count(*) AS INTEGER) AS n FROM transcript_turn WHERE transcript_id = $id',
      { id: stored.transcript_id }
    );
    results.push({
      ...base,
      outcome: supersedes ? 'new-version' : 'imported',
      transcriptId: stored.transcript_id,
      supersedes,
      applied: confirmed.length,
      turns: turns[0].n
    });
  }
  return results;
}

// ——— Transcripts whose text is missing ———

export interface MissingText {
  transcript_id: string;
  title: string;
  participant_id: string | null;
  source_path: string | null;
  codings: number;
}

/**
 * Stores a transcript whose text is absent (a project imported without its source files): the row holds '' and the
 * transcript is listed as waiting for its text; codings may be added at the positions the project gave.
 */
export async function storeTranscriptWithoutText(
  connection: Connection,
  input: Omit<NewTranscript, 'text' | 'lineTimings'> & { sourcePath: string | null },
  actor: Actor = {}
): Promise<Transcript> {
  return inTransaction(connection, async () => {
    const stored = await storeTranscript(connection, { ...input, text: '' }, actor);
    await run(connection, 'INSERT INTO transcript_missing_text VALUES ($id, $path, CAST($now AS TIMESTAMP))', {
      id: stored.transcript_id,
      path: input.sourcePath,
      now: nowText(actor)
    });
    return stored;
  });
}

export async function listTranscriptsMissingText(connection: Connection): Promise<MissingText[]> {
  return rows<MissingText>(
    connection,
    `SELECT t.transcript_id, t.title, t.participant_id, m.source_path,
            CAST((SELECT count(*) FROM coding c WHERE c.transcript_id = t.transcript_id) AS INTEGER) AS codings
       FROM transcript_missing_text m JOIN transcript t USING (transcript_id) ORDER BY t.title`
  );
}

export async function isTextMissing(connection: Connection, transcriptId: string): Promise<boolean> {
  return (
    (await rows(connection, 'SELECT 1 FROM transcript_missing_text WHERE transcript_id = $id', { id: transcriptId }))
      .length > 0
  );
}

/**
 * Gives a transcript imported without text its text (the one time a transcript's text is written after it was
 * stored: there was none). Codings, memos and quotes kept from the import are checked against it; those that fall
 * outside the text are returned (they stay, and are listed, so nothing is lost silently).
 */
export async function supplyMissingText(
  connection: Connection,
  transcriptId: string,
  text: string
): Promise<{ outside: { coding_id: string; start_cp: number; end_cp: number }[] }> {
  return inTransaction(connection, async () => {
    if (!(await isTextMissing(connection, transcriptId)))
      throw new QualitativeError(`Transcript ${transcriptId} already has its text`);
    const length = codePointLength(text);
    await run(
      connection,
      'UPDATE transcript SET text = $text, length_cp = $length, line_count = $lines WHERE transcript_id = $id',
      { id: transcriptId, text, length, lines: lineStarts(text).length }
    );
    await run(connection, 'DELETE FROM transcript_turn WHERE transcript_id = $id', { id: transcriptId });
    await insertTurns(connection, transcriptId, parseTurns(text));
    await run(connection, 'DELETE FROM transcript_missing_text WHERE transcript_id = $id', { id: transcriptId });
    const outside = await rows<{ coding_id: string; start_cp: number; end_cp: number }>(
      connection,
      'SELECT coding_id, start_cp, end_cp FROM coding WHERE transcript_id = $id AND end_cp > $length ORDER BY start_cp',
      { id: transcriptId, length }
    );
    return { outside };
  });
}

/** Where each line starts in every transcript linked to a participant, so passages can show their line numbers. */
export async function participantTranscriptLines(connection: Connection): Promise<Map<string, number[]>> {
  const found = await rows<{ transcript_id: string; text: string }>(
    connection,
    'SELECT transcript_id, text FROM transcript WHERE participant_id IS NOT NULL'
  );
  return new Map(found.map((t) => [t.transcript_id, lineStarts(t.text)]));
}

/** The transcript that replaces this one (its newer version), if any. */
export async function supersededBy(connection: Connection, transcriptId: string): Promise<string | null> {
  const [later] = await rows<{ transcript_id: string }>(
    connection,
    'SELECT transcript_id FROM transcript WHERE supersedes = $id',
    { id: transcriptId }
  );
  return later?.transcript_id ?? null;
}
