/**
 * Case attributes: what the study knows about each participant beyond stakeholder group and role ("gender: female",
 * "age: 67"), from a REFI-QDA import (document sets, case variables) or typed here. They group the matrix's rows and
 * filter the themes.
 */
import type { Actions, PageServerLoad } from './$types';
import { actorFrom, attempt, text, withReader, withWriter } from '$lib/server/interviews.ts';
import {
  listParticipantAttributes,
  removeParticipantAttribute,
  setParticipantAttribute
} from '$pipeline/qualitative/attributes.ts';
import { listParticipants } from '$pipeline/qualitative/participants.ts';

export const load: PageServerLoad = async () =>
  withReader(async (connection) => {
    const participants = await listParticipants(connection);
    const attributes = await listParticipantAttributes(connection);
    const names = [...new Set(attributes.map((a) => a.name))].sort((a, b) => a.localeCompare(b, 'en'));
    return {
      names,
      participants: participants.map((p) => ({
        participant_id: p.participant_id,
        pseudonym: p.pseudonym,
        values: names.map((name) => {
          const found = attributes.find((a) => a.participant_id === p.participant_id && a.name === name);
          return found ? (found.value ?? 'yes') : null;
        })
      }))
    };
  });

export const actions: Actions = {
  set: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('set', async () => {
      const value = text(form, 'value', 500).trim();
      await withWriter((c) =>
        setParticipantAttribute(
          c,
          { participantId: text(form, 'participant', 100), name: text(form, 'name', 100), value: value || null },
          actorFrom(locals, form)
        )
      );
      return {};
    });
  },
  remove: async ({ request }) => {
    const form = await request.formData();
    return attempt('remove', async () => {
      await withWriter((c) => removeParticipantAttribute(c, text(form, 'participant', 100), text(form, 'name', 100)));
      return {};
    });
  }
};
