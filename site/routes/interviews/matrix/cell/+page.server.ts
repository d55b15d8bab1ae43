/**
 * One matrix cell (?participant=…&code=…): the summary's history (every saved version, who saved it and when) with
 * the difference between two versions, the memos on the cell, and the memos on its code.
 */
import type { Actions, PageServerLoad } from './$types';
import { actorFrom, attempt, orNotFound, text, withReader, withWriter } from '$lib/server/interviews.ts';
import { addCellMemo, cellHistory } from '$pipeline/qualitative/cell-history.ts';
import { addMemo, listMemos } from '$pipeline/qualitative/memos.ts';
import { getCode } from '$pipeline/qualitative/codebook.ts';
import { getParticipant } from '$pipeline/qualitative/participants.ts';
import { diffSummaries } from '$pipeline/qualitative/summary-diff.ts';
import { QualitativeError } from '$pipeline/qualitative/store.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader(async (connection) => {
    const participantId = url.searchParams.get('participant') ?? '';
    const codeId = url.searchParams.get('code') ?? '';
    const { participant, code, history } = await orNotFound(async () => ({
      participant: await getParticipant(connection, participantId),
      code: await getCode(connection, codeId),
      history: await cellHistory(connection, participantId, codeId)
    }));
    const numbers = history.versions.map((v) => v.version);
    // Compare the latest with the one before it unless the reader chose two versions.
    const to = numbers.find((n) => n === Number(url.searchParams.get('to'))) ?? numbers[0] ?? null;
    const from =
      numbers.find((n) => n === Number(url.searchParams.get('from'))) ??
      numbers.find((n) => to !== null && n < to) ??
      null;
    const summaryOf = (n: number | null) => history.versions.find((v) => v.version === n)?.summary ?? '';
    return {
      participant: { participant_id: participant.participant_id, pseudonym: participant.pseudonym },
      code: { code_id: code.code_id, name: code.name, definition: code.definition, category_id: code.category_id },
      cell: history.cell,
      versions: history.versions,
      from,
      to,
      diff: to !== null && from !== null ? diffSummaries(summaryOf(from), summaryOf(to)) : null,
      cellMemos: history.memos,
      codeMemos: await listMemos(connection, { kind: 'code', codeId: code.code_id })
    };
  });

export const actions: Actions = {
  addCellMemo: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('addCellMemo', async () => {
      await withWriter((c) =>
        addCellMemo(
          c,
          {
            participantId: text(form, 'participant', 100),
            codeId: text(form, 'code', 100),
            title: text(form, 'title', 200).trim() || null,
            body: text(form, 'body', 20_000).replace(/\r\n?/g, '\n')
          },
          actorFrom(locals, form)
        )
      );
      return {};
    });
  },
  addCodeMemo: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('addCodeMemo', async () => {
      const body = text(form, 'body', 20_000).replace(/\r\n?/g, '\n');
      if (!body.trim()) throw new QualitativeError('A memo needs some text');
      await withWriter((c) =>
        addMemo(
          c,
          {
            target: { kind: 'code', codeId: text(form, 'code', 100) },
            title: text(form, 'title', 200).trim() || null,
            body
          },
          actorFrom(locals, form)
        )
      );
      return {};
    });
  }
};
