/**
 * The demo study: the 16 invented transcripts in data/demo/interviews/ and their participants, the
 * seed's topic guide as the codebook, some codings by two coders, a few charted matrix cells and memos
 * (demo-study-plan.ts), so a new user opens the workbench and sees it working.
 *
 * It only ever loads into an empty workbench: a workbench that already holds participants, transcripts or codes is
 * someone's study (or the demo, loaded before), and is left exactly as it is. So running it twice changes nothing,
 * and `npm start` can run it every time. Everything is written in one transaction: all of the demo or none of it.
 * The clock is fixed (the study's own time, early 2017), so two loads give the same rows apart from ids.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importParticipantsCsv } from './participants.ts';
import { importTranscriptFiles } from './transcripts.ts';
import { listCodes, loadFramework, type Code } from './codebook.ts';
import { addCoding } from './coding.ts';
import { addCellQuote, saveCellSummary } from './matrix.ts';
import { addMemo } from './memos.ts';
import { OffsetIndex, codePointLength } from './offsets.ts';
import { inTransaction, rows, QualitativeError, type Actor, type Connection } from './store.ts';
import { DEMO_CELLS, DEMO_CODER_A, DEMO_CODINGS, DEMO_FRAMEWORK, DEMO_MEMOS } from './demo-study-plan.ts';

export const DEMO_STUDY_DIR = 'data/demo/interviews';
/** Who the imports, codebook edits and summaries are recorded as. */
export const DEMO_USER = 'uptake demo';

export type DemoStudyResult =
  | {
      outcome: 'loaded';
      participants: number;
      transcripts: number;
      codes: number;
      codings: number;
      coders: number;
      cells: number;
      memos: number;
    }
  | { outcome: 'skipped'; participants: number; transcripts: number; codes: number };

/** A clock that starts at the study's analysis date and moves a second at each reading. */
function demoClock(start = Date.UTC(2017, 1, 20, 9, 0, 0)): () => Date {
  let at = start - 1000;
  return () => new Date((at += 1000));
}

async function workbenchContents(connection: Connection) {
  const [counts] = await rows<{ participants: number; transcripts: number; codes: number }>(
    connection,
    `SELECT CAST((SELECT count(*) FROM participant) AS INTEGER) AS participants,
            CAST((SELECT count(*) FROM transcript) AS INTEGER) AS transcripts,
            CAST((SELECT count(*) FROM code) AS INTEGER) AS codes`
  );
  return counts;
}

/** The [start, end) code points of a passage that must occur exactly once in the text. */
export function findPassage(text: string, passage: string, where: string): { start: number; end: number } {
  const at = text.indexOf(passage);
  if (at < 0) throw new QualitativeError(`${where}: the passage "${passage.slice(0, 60)}" is not in the transcript`);
  if (text.indexOf(passage, at + 1) >= 0)
    throw new QualitativeError(`${where}: the passage "${passage.slice(0, 60)}" occurs more than once`);
  const start = new OffsetIndex(text).toCodePoint(at);
  return { start, end: start + codePointLength(passage) };
}

function codeNamed(codes: Code[], name: string): Code {
  const found = codes.filter((c) => c.name === name);
  if (found.length !== 1)
    throw new QualitativeError(
      `The demo plan names the code "${name}", which the ${DEMO_FRAMEWORK} framework has ${found.length} times`
    );
  return found[0];
}

export async function loadDemoStudy(
  connection: Connection,
  folder: string = DEMO_STUDY_DIR,
  now: () => Date = demoClock()
): Promise<DemoStudyResult> {
  const before = await workbenchContents(connection);
  if (before.participants + before.transcripts + before.codes > 0) return { outcome: 'skipped', ...before };
  const actor: Actor = { user: DEMO_USER, now };
  const as = (user: string): Actor => ({ user, now });

  return inTransaction(connection, async () => {
    const participants = await importParticipantsCsv(connection, join(folder, 'participants.csv'), actor);
    if (participants.problems.length)
      throw new QualitativeError(
        `participants.csv: ${participants.problems.map((p) => `row ${p.row}: ${p.message}`).join('; ')}`
      );
    const files = readdirSync(folder)
      .filter((f) => /^P\d+.*\.txt$/.test(f))
      .sort();
    // The detectors' proposals are all confirmed, as a researcher would for the planted identifiers (README).
    const imported = await importTranscriptFiles(
      connection,
      files.map((f) => join(folder, f)),
      {},
      actor
    );
    await loadFramework(connection, DEMO_FRAMEWORK, actor);
    const codes = await listCodes(connection);

    const transcriptOf = new Map<string, { id: string; text: string }>();
    for (const result of imported) {
      if (!result.participantId || !result.transcriptId)
        throw new QualitativeError(`${result.file}: no participant matched its name`);
      const [{ text }] = await rows<{ text: string }>(
        connection,
        'SELECT text FROM transcript WHERE transcript_id = $id',
        { id: result.transcriptId }
      );
      transcriptOf.set(result.participantId, { id: result.transcriptId, text });
    }
    const spanOf = (participant: string, passage: string) => {
      const transcript = transcriptOf.get(participant);
      if (!transcript) throw new QualitativeError(`The demo plan names ${participant}, who has no transcript`);
      return { transcriptId: transcript.id, ...findPassage(transcript.text, passage, participant) };
    };

    let codings = 0;
    const codingIdOf = new Map<string, string>();
    for (const planned of DEMO_CODINGS) {
      const span = spanOf(planned.participant, planned.passage);
      const code = codeNamed(codes, planned.code);
      for (const coder of planned.coders) {
        const coding = await addCoding(connection, { ...span, codeId: code.code_id, coder }, as(coder));
        codings++;
        if (coder === DEMO_CODER_A) codingIdOf.set(`${planned.participant}\u0000${planned.passage}`, coding.coding_id);
      }
    }

    for (const cell of DEMO_CELLS) {
      const code = codeNamed(codes, cell.code);
      for (const passage of cell.quotes) {
        const codingId = codingIdOf.get(`${cell.participant}\u0000${passage}`);
        await addCellQuote(
          connection,
          cell.participant,
          code.code_id,
          codingId ? { codingId } : spanOf(cell.participant, passage),
          actor
        );
      }
      await saveCellSummary(
        connection,
        { participantId: cell.participant, codeId: code.code_id, summary: cell.summary, status: cell.status },
        as(DEMO_CODER_A)
      );
    }

    for (const memo of DEMO_MEMOS) {
      const target = memo.participant
        ? { kind: 'transcript' as const, transcriptId: transcriptOf.get(memo.participant)!.id }
        : { kind: 'code' as const, codeId: codeNamed(codes, memo.code!).code_id };
      await addMemo(connection, { target, title: memo.title, body: memo.body }, as(DEMO_CODER_A));
    }

    const after = await workbenchContents(connection);
    const coders = new Set(DEMO_CODINGS.flatMap((c) => c.coders)).size;
    return {
      outcome: 'loaded' as const,
      ...after,
      codings,
      coders,
      cells: DEMO_CELLS.length,
      memos: DEMO_MEMOS.length
    };
  });
}
