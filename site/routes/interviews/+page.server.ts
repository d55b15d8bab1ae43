/**
 * Interviews: participants by stakeholder group, the transcripts, and importing both. A transcript import has two
 * steps so that a person decides what is anonymised: `propose` reads the files and lists what looks identifying with a
 * proposed pseudonym; `confirm` stores the text with the replacements the researcher kept (and edited). The key that
 * links pseudonyms to real names is offered as a download only, never stored (pipeline/qualitative/anonymise.ts).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actorFrom, attempt, text, withReader, withWriter } from '$lib/server/interviews.ts';
import { dropImport, holdImport, pendingImport } from '$lib/server/pending-imports.ts';
import { safeFileName } from '$lib/server/uploads.ts';
import {
  listParticipants,
  parseParticipantsCsv,
  parseInterviewDate,
  participantForFile,
  saveParticipants
} from '$pipeline/qualitative/participants.ts';
import {
  listTranscripts,
  listTranscriptsMissingText,
  importTranscriptFiles
} from '$pipeline/qualitative/transcripts.ts';
import {
  parseNamesList,
  proposeAnonymisation,
  PseudonymBook,
  type KeyEntry,
  type Proposal
} from '$pipeline/qualitative/anonymise.ts';
import {
  MAX_TRANSCRIPT_BYTES,
  readTranscriptBytes,
  transcriptFormatOf,
  TranscriptReadError
} from '$pipeline/qualitative/readers/index.ts';
import { OffsetIndex } from '$pipeline/qualitative/offsets.ts';
import { QualitativeError } from '$pipeline/qualitative/store.ts';
import { codingTotalsByTranscript } from '$pipeline/qualitative/coding.ts';

/**
 * Stakeholder groups in alphabetical order whatever their case ("bid author" before "CCG representative"), no group
 * last.
 */
const byGroupName = (a: { group: string }, b: { group: string }) =>
  Number(a.group === 'No group') - Number(b.group === 'No group') || a.group.localeCompare(b.group, 'en');

export const load: PageServerLoad = async () =>
  withReader(async (connection) => {
    const participants = await listParticipants(connection);
    const transcripts = await listTranscripts(connection);
    const codingOf = await codingTotalsByTranscript(connection);
    const waiting = new Set((await listTranscriptsMissingText(connection)).map((m) => m.transcript_id));
    const groups: { group: string; participants: typeof participants }[] = [];
    for (const p of participants) {
      const group = p.stakeholder_group ?? 'No group';
      let entry = groups.find((g) => g.group === group);
      if (!entry) groups.push((entry = { group, participants: [] }));
      entry.participants.push(p);
    }
    groups.sort(byGroupName);
    return {
      groups,
      participants,
      transcripts: transcripts.map((t) => ({
        ...t,
        pseudonym: participants.find((p) => p.participant_id === t.participant_id)?.pseudonym ?? null,
        codings: codingOf.get(t.transcript_id)?.codings ?? 0,
        coders: codingOf.get(t.transcript_id)?.coders ?? '',
        // Imported from a project without its text: the codings wait until the .qdpx with the text is imported.
        withoutText: waiting.has(t.transcript_id)
      }))
    };
  });

/** The words either side of a proposal, so the researcher sees what they are confirming. */
function inContext(textBody: string, p: Proposal, index: OffsetIndex) {
  const before = index.slice(Math.max(0, p.start - 40), p.start).replace(/\s+/g, ' ');
  const after = index.slice(p.end, Math.min(index.length, p.end + 40)).replace(/\s+/g, ' ');
  return { before: (p.start > 40 ? '…' : '') + before, after: after + (p.end + 40 < index.length ? '…' : '') };
}

function keyFileBody(entries: KeyEntry[]): string {
  return (
    JSON.stringify({ warning: 'Pseudonym key: real names. Keep apart from the transcripts.', entries }, null, 2) + '\n'
  );
}

export const actions: Actions = {
  /** Step 1: read the files and propose replacements; nothing is stored. */
  propose: async ({ request }) => {
    const form = await request.formData();
    const uploads = form.getAll('files').filter((f): f is File => f instanceof File && f.name !== '');
    if (uploads.length === 0)
      return fail(400, {
        action: 'propose',
        message: 'Choose one or more transcript files (.txt, .docx, .vtt or .srt).'
      });
    const names = parseNamesList(text(form, 'names'));
    let book = new PseudonymBook();
    const keyUpload = form.get('key');
    if (keyUpload instanceof File && keyUpload.size > 0) {
      try {
        book = PseudonymBook.fromKey((JSON.parse(await keyUpload.text()) as { entries?: KeyEntry[] }).entries ?? []);
      } catch {
        return fail(400, {
          action: 'propose',
          message: `${keyUpload.name} is not a pseudonym key file written by Uptake.`
        });
      }
    }
    const participants = await withReader((c) => listParticipants(c));
    const files = [];
    const held = [];
    for (const upload of uploads) {
      const fileName = safeFileName(upload.name);
      try {
        if (upload.size > MAX_TRANSCRIPT_BYTES)
          throw new TranscriptReadError(`${fileName} is larger than a transcript can be.`);
        const format = transcriptFormatOf(fileName);
        const bytes = new Uint8Array(await upload.arrayBuffer());
        const read = await readTranscriptBytes(Buffer.from(bytes), format);
        const proposals = proposeAnonymisation(read.text, { names, book });
        const index = new OffsetIndex(read.text);
        files.push({
          fileName,
          format,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          lines: read.text.split('\n').length,
          notes: read.notes,
          participantId: participantForFile(
            fileName,
            participants.map((p) => p.participant_id)
          ),
          proposals: proposals.map((p) => ({ ...p, ...inContext(read.text, p, index) }))
        });
        held.push({ fileName, bytes });
      } catch (e) {
        if (e instanceof TranscriptReadError) return fail(400, { action: 'propose', message: e.message });
        throw e;
      }
    }
    const token = holdImport({ files: held, names, book });
    return { action: 'propose', ok: true as const, token, files };
  },

  /** Step 2: store each file with the replacements the researcher kept. */
  confirm: async ({ request, locals }) => {
    const form = await request.formData();
    const token = text(form, 'token', 100);
    const entry = pendingImport(token);
    if (!entry)
      return fail(400, {
        action: 'confirm',
        message:
          'This upload has expired (uploads wait an hour at most, and none survive a restart). Upload the files again.'
      });
    const actor = actorFrom(locals, form);
    const folder = mkdtempSync(join(tmpdir(), 'uptake-transcript-'));
    try {
      const results = [];
      for (const [i, file] of entry.files.entries()) {
        const path = join(folder, file.fileName);
        writeFileSync(path, file.bytes);
        const participantId = text(form, `participant-${i}`, 100) || undefined;
        const confirm = (_file: unknown, proposals: Proposal[]) =>
          proposals
            .filter((p) => form.get(`apply-${i}-${p.id}`) === 'on')
            .map((p) => ({
              ...p,
              replacement: (text(form, `replacement-${i}-${p.id}`, 200).trim() || p.replacement).replace(
                /[\r\n]+/g,
                ' '
              )
            }));
        const [result] = await withWriter((c) =>
          importTranscriptFiles(c, [path], { names: entry.names, book: entry.book, participantId, confirm }, actor)
        );
        results.push(result);
      }
      dropImport(token);
      const key = entry.book.key();
      return { action: 'confirm', ok: true as const, results, key: key.length ? keyFileBody(key) : null };
    } catch (e) {
      if (e instanceof QualitativeError) return fail(400, { action: 'confirm', message: e.message });
      throw e;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },

  participants: async ({ request, locals }) => {
    const form = await request.formData();
    const file = form.get('csv');
    if (!(file instanceof File) || file.size === 0)
      return fail(400, { action: 'participants', message: 'Choose a participants CSV file.' });
    const { participants, problems } = parseParticipantsCsv(await file.text());
    if (problems.length)
      return fail(422, {
        action: 'participants',
        message: `${file.name} was not loaded: fix these problems and load it again.`,
        problems
      });
    return attempt('participants', async () =>
      withWriter((c) => saveParticipants(c, participants, actorFrom(locals, form)))
    );
  },

  addParticipant: async ({ request, locals }) => {
    const form = await request.formData();
    const id = text(form, 'participant_id', 40).trim();
    const date = parseInterviewDate(text(form, 'interview_date', 20));
    if (!id) return fail(400, { action: 'addParticipant', message: 'Give the participant an id, such as P17.' });
    if (date === undefined)
      return fail(400, {
        action: 'addParticipant',
        message: 'The interview date is not a date (use yyyy-mm-dd or dd/mm/yyyy).'
      });
    const value = (name: string) => text(form, name, 200).trim() || null;
    return attempt('addParticipant', async () =>
      withWriter((c) =>
        saveParticipants(
          c,
          [
            {
              participant_id: id,
              pseudonym: value('pseudonym') ?? id,
              stakeholder_group: value('stakeholder_group'),
              organisation_setting: value('organisation_setting'),
              role: value('role'),
              interview_date: date
            }
          ],
          actorFrom(locals, form)
        )
      )
    );
  }
};
