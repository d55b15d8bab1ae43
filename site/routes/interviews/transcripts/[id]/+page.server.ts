/**
 * One transcript: its text by line with speaker turns, the codings on it, coding a passage, the uncoded text and memos.
 *
 * Coding arrives in code points: the browser converts its selection's UTF-16 offsets before posting (the page's
 * script), and sends the selected text too, which must match the stored text exactly, so a stale page never codes the
 * wrong words. Without JavaScript a passage is chosen by line numbers instead.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import {
  actorFrom,
  attempt,
  integer,
  orNotFound,
  text,
  withReader,
  withWriter,
  writeAction
} from '$lib/server/interviews.ts';
import { transcriptLines } from '$lib/interviews/transcript-lines.ts';
import { getTranscript, isTextMissing, supersededBy } from '$pipeline/qualitative/transcripts.ts';
import { listParticipants } from '$pipeline/qualitative/participants.ts';
import { addCodings, listCodings, removeCoding, uncodedSpans } from '$pipeline/qualitative/coding.ts';
import { getCodebook } from '$pipeline/qualitative/codebook.ts';
import { addMemo, deleteMemo, listMemos } from '$pipeline/qualitative/memos.ts';
import { busiestCategory, categoryCodes } from '$pipeline/qualitative/figures.ts';
import { lineAt, lineStarts, sliceCodePoints } from '$pipeline/qualitative/offsets.ts';
import { quotedStarts } from '$pipeline/qualitative/matrix.ts';

export const load: PageServerLoad = async ({ params, url }) =>
  withReader(async (connection) => {
    const transcript = await orNotFound(() => getTranscript(connection, params.id));
    const participant =
      (await listParticipants(connection)).find((p) => p.participant_id === transcript.participant_id) ?? null;
    const codings = await listCodings(connection, transcript.transcript_id);
    // Imported without its text: the codings keep positions in a text that is not here yet, so none is placed.
    const withoutText = await isTextMissing(connection, transcript.transcript_id);
    const quoteStarts = await quotedStarts(connection, transcript.transcript_id);
    const later = await supersededBy(connection, transcript.transcript_id);
    const codebook = await getCodebook(connection);
    const chosen =
      codebook.find((c) => c.category_id === url.searchParams.get('category')) ?? busiestCategory(codebook);
    const starts = lineStarts(transcript.text);
    const lineOf = (cp: number) => lineAt(starts, cp);
    return {
      transcript: { ...transcript, turns: undefined },
      participant,
      supersededBy: later,
      withoutText,
      lines: transcriptLines(transcript.text, withoutText ? [] : codings, {
        anchors: quoteStarts,
        turns: transcript.turns
      }),
      codings: codings.map((c) => ({
        ...c,
        line_start: lineOf(c.start_cp),
        line_end: lineOf(Math.max(c.start_cp, c.end_cp - 1))
      })),
      categories: codebook.map((c) => ({ category_id: c.category_id, name: `${c.number} ${c.name}` })),
      category: chosen ? { category_id: chosen.category_id, name: chosen.name, codes: categoryCodes(chosen) } : null,
      uncoded: (withoutText ? [] : await uncodedSpans(connection, transcript.transcript_id)).map((s) => ({
        ...s,
        line_start: lineOf(s.start),
        line_end: lineOf(Math.max(s.start, s.end - 1))
      })),
      memos: (await listMemos(connection, { transcriptId: transcript.transcript_id })).map((m) => ({
        ...m,
        passage:
          m.start_cp !== null && m.end_cp !== null && !withoutText
            ? sliceCodePoints(transcript.text, m.start_cp, m.end_cp)
            : null,
        line: m.start_cp !== null ? lineOf(m.start_cp) : null
      }))
    };
  });

/** The passage a coding or memo form names: code points from the selection, or whole lines without JavaScript. */
async function passageFrom(
  form: FormData,
  transcriptId: string
): Promise<{ start: number; end: number } | { problem: string }> {
  const body = await withReader(async (c) => (await getTranscript(c, transcriptId)).text);
  const start = integer(form, 'start');
  const end = integer(form, 'end');
  if (start !== null && end !== null) {
    const selected = text(form, 'selected', 100_000);
    if (start < 0 || end <= start) return { problem: 'Select some text in the transcript first.' };
    let stored: string;
    try {
      stored = sliceCodePoints(body, start, end);
    } catch {
      return { problem: 'The selection is outside this transcript. Reload the page and select the passage again.' };
    }
    if (selected && selected !== stored)
      return { problem: 'The selection did not match the transcript. Reload the page and select the passage again.' };
    return { start, end };
  }
  const from = integer(form, 'line_from');
  const to = integer(form, 'line_to') ?? from;
  const starts = lineStarts(body);
  if (from === null || to === null || from < 1 || to < from || to > starts.length) {
    return { problem: `Select a passage, or give the lines to code (1 to ${starts.length}).` };
  }
  const lastLineEnd = to < starts.length ? starts[to] - 1 : [...body].length;
  return { start: starts[from - 1], end: lastLineEnd };
}

export const actions: Actions = {
  code: async ({ request, params, locals }) => {
    const form = await request.formData();
    const codeIds = form.getAll('code').map(String).filter(Boolean);
    if (codeIds.length === 0)
      return fail(400, { action: 'code', ok: false as const, message: 'Choose one or more codes to apply.' });
    const passage = await passageFrom(form, params.id);
    if ('problem' in passage) return fail(400, { action: 'code', ok: false as const, message: passage.problem });
    const actor = actorFrom(locals, form);
    if (!actor.user)
      return fail(400, {
        action: 'code',
        ok: false as const,
        message: 'Give your name as the coder: every coding records who made it.'
      });
    return attempt('code', async () => {
      const added = await withWriter((c) =>
        addCodings(
          c,
          { transcriptId: params.id, start: passage.start, end: passage.end, codeIds, coder: actor.user },
          actor
        )
      );
      return { added: added.length, start: passage.start };
    });
  },

  removeCoding: writeAction('removeCoding', (c, form) => removeCoding(c, text(form, 'coding', 100))),

  memo: async ({ request, params, locals }) => {
    const form = await request.formData();
    const body = text(form, 'body').trim();
    if (!body) return fail(400, { action: 'memo', ok: false as const, message: 'Write the memo first.' });
    let target:
      | { kind: 'transcript'; transcriptId: string }
      | { kind: 'passage'; transcriptId: string; start: number; end: number } = {
      kind: 'transcript',
      transcriptId: params.id
    };
    if (form.get('about') === 'passage') {
      const passage = await passageFrom(form, params.id);
      if ('problem' in passage) return fail(400, { action: 'memo', ok: false as const, message: passage.problem });
      target = { kind: 'passage', transcriptId: params.id, ...passage };
    }
    return attempt('memo', async () => {
      await withWriter((c) =>
        addMemo(c, { target, body, title: text(form, 'title', 200).trim() || null }, actorFrom(locals, form))
      );
      return {};
    });
  },

  deleteMemo: writeAction('deleteMemo', (c, form) => deleteMemo(c, text(form, 'memo', 100)))
};
