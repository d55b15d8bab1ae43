/**
 * A small study for the codebook, coding, matrix and interpretation tests: three participants in two stakeholder
 * groups, one transcript each, and a category "Barriers" with two codes (and its Other code).
 */
import { saveParticipants } from '../../pipeline/qualitative/participants.ts';
import { storeTranscript } from '../../pipeline/qualitative/transcripts.ts';
import { addCategory, addCode } from '../../pipeline/qualitative/codebook.ts';
import type { Connection } from '../../pipeline/qualitative/store.ts';
import { actor } from './helpers.ts';

export const TEXTS = {
  // P01: 0–20 "R: IG was unclear 😀." (the emoji is one code point)
  P01: 'R: IG was unclear 😀.\nR: The LMC said wait.',
  P02: 'R: Workload worried us.\nR: Single sign-on never came.',
  P03: 'R: IG held us up.\nR: Results without letters worried nurses.'
};

export async function smallStudy(connection: Connection) {
  const amy = actor('amy');
  await saveParticipants(
    connection,
    [
      {
        participant_id: 'P01',
        pseudonym: 'Funder A',
        stakeholder_group: 'funders',
        organisation_setting: null,
        role: null,
        interview_date: null
      },
      {
        participant_id: 'P02',
        pseudonym: 'Clinician A',
        stakeholder_group: 'clinicians',
        organisation_setting: 'acute',
        role: null,
        interview_date: null
      },
      {
        participant_id: 'P03',
        pseudonym: 'Clinician B',
        stakeholder_group: 'clinicians',
        organisation_setting: 'acute',
        role: null,
        interview_date: null
      }
    ],
    amy
  );
  const transcripts: Record<string, string> = {};
  for (const [id, text] of Object.entries(TEXTS)) {
    transcripts[id] = (
      await storeTranscript(connection, { text, title: `Interview ${id}`, format: 'txt', participantId: id }, amy)
    ).transcript_id;
  }
  const barriers = await addCategory(connection, { name: 'Barriers' }, amy);
  const governance = await addCode(
    connection,
    { categoryId: barriers.category_id, name: 'Information governance', definition: 'Rules on sharing data' },
    amy
  );
  const workload = await addCode(
    connection,
    { categoryId: barriers.category_id, name: 'Workload', definition: 'More work for clinicians' },
    amy
  );
  return { amy, transcripts, barriers, governance, workload };
}
