/**
 * Participants (interviewees) and their attributes, from a CSV or a form: participant_id, pseudonym,
 * stakeholder_group, organisation_setting, role, interview_date (ISO yyyy-mm-dd or UK dd/mm/yyyy).
 * Loading a CSV again updates the attributes of the participants it names; nobody is deleted by a load.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { inTransaction, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface Participant {
  participant_id: string;
  pseudonym: string;
  stakeholder_group: string | null;
  organisation_setting: string | null;
  role: string | null;
  interview_date: string | null;
}

export const PARTICIPANT_COLUMNS = [
  'participant_id',
  'pseudonym',
  'stakeholder_group',
  'organisation_setting',
  'role',
  'interview_date'
] as const;

export interface ParticipantProblem {
  row: number;
  column: string;
  value: string;
  message: string;
}

/** dd/mm/yyyy (never mm/dd) or yyyy-mm-dd → yyyy-mm-dd; null when blank; undefined when not a date. */
export function parseInterviewDate(value: string): string | null | undefined {
  const text = value.trim();
  if (!text) return null;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  let [y, m, d] = match ? [match[1], match[2], match[3]] : ['', '', ''];
  if (!match) {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
    if (!match) return undefined;
    [d, m, y] = [match[1].padStart(2, '0'), match[2].padStart(2, '0'), match[3]];
  }
  const date = new Date(`${y}-${m}-${d}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === `${y}-${m}-${d}`
    ? `${y}-${m}-${d}`
    : undefined;
}

/** Reads and checks a participants CSV; the spreadsheet row numbers in problems count the header as row 1. */
export function parseParticipantsCsv(text: string): { participants: Participant[]; problems: ParticipantProblem[] } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
  });
  const problems: ParticipantProblem[] = [];
  const header = parsed.meta.fields ?? [];
  for (const column of ['participant_id', 'pseudonym']) {
    if (!header.includes(column))
      problems.push({ row: 1, column, value: '', message: `The column "${column}" is missing.` });
  }
  if (problems.length) return { participants: [], problems };
  const seen = new Set<string>();
  const participants: Participant[] = [];
  parsed.data.forEach((record, index) => {
    const row = index + 2;
    const value = (column: string) => (record[column] ?? '').trim();
    const id = value('participant_id');
    if (!id)
      return problems.push({ row, column: 'participant_id', value: '', message: 'Every participant needs an id.' });
    if (seen.has(id))
      return problems.push({ row, column: 'participant_id', value: id, message: 'This id appears twice.' });
    seen.add(id);
    const date = parseInterviewDate(value('interview_date'));
    if (date === undefined) {
      problems.push({
        row,
        column: 'interview_date',
        value: value('interview_date'),
        message: 'Not a date (use yyyy-mm-dd or dd/mm/yyyy).'
      });
    }
    participants.push({
      participant_id: id,
      pseudonym: value('pseudonym') || id,
      stakeholder_group: value('stakeholder_group') || null,
      organisation_setting: value('organisation_setting') || null,
      role: value('role') || null,
      interview_date: date ?? null
    });
  });
  return { participants, problems };
}

/** Adds or updates participants (the form and the CSV both come here). */
export async function saveParticipants(
  connection: Connection,
  participants: Participant[],
  actor: Actor = {}
): Promise<{ added: number; updated: number }> {
  let added = 0;
  let updated = 0;
  await inTransaction(connection, async () => {
    for (const p of participants) {
      const [existing] = await rows(connection, 'SELECT 1 FROM participant WHERE participant_id = $id', {
        id: p.participant_id
      });
      const params = {
        id: p.participant_id,
        pseudonym: p.pseudonym,
        group: p.stakeholder_group,
        setting: p.organisation_setting,
        role: p.role,
        date: p.interview_date,
        now: nowText(actor)
      };
      if (existing) {
        await run(
          connection,
          `UPDATE participant SET pseudonym = $pseudonym, stakeholder_group = $group, organisation_setting = $setting,
                                      role = $role, interview_date = CAST($date AS DATE) WHERE participant_id = $id`,
          params
        );
        updated++;
      } else {
        await run(
          connection,
          `INSERT INTO participant VALUES ($id, $pseudonym, $group, $setting, $role, CAST($date AS DATE), CAST($now AS TIMESTAMP))`,
          params
        );
        added++;
      }
    }
  });
  return { added, updated };
}

export async function importParticipantsCsv(connection: Connection, path: string, actor: Actor = {}) {
  const { participants, problems } = parseParticipantsCsv(readFileSync(path, 'utf8'));
  if (problems.length) return { added: 0, updated: 0, problems };
  return { ...(await saveParticipants(connection, participants, actor)), problems };
}

/**
 * Every participant, by stakeholder group (those without one last) as the pages show them, or by id (`order: 'id'`,
 * as an export lists them).
 */
export async function listParticipants(
  connection: Connection,
  options: { order?: 'group' | 'id' } = {}
): Promise<Participant[]> {
  const order = options.order === 'id' ? 'participant_id' : 'stakeholder_group NULLS LAST, participant_id';
  return rows<Participant>(
    connection,
    `SELECT participant_id, pseudonym, stakeholder_group, organisation_setting, role, CAST(interview_date AS VARCHAR) AS interview_date
       FROM participant ORDER BY ${order}`
  );
}

export async function getParticipant(connection: Connection, id: string): Promise<Participant> {
  const [found] = (await listParticipants(connection)).filter((p) => p.participant_id === id);
  if (!found) throw new QualitativeError(`No participant ${id}`);
  return found;
}

const normaliseId = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The participant a transcript file belongs to, from its name: a participant id appearing as a whole token of the
 * file's stem ("P01-funder.txt", "interview_p01.docx"). The longest matching id wins; null when none or two match.
 */
export function participantForFile(fileName: string, participantIds: string[]): string | null {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const tokens = stem.split(/[^A-Za-z0-9]+/).map(normaliseId);
  const joined = normaliseId(stem);
  const matches = participantIds.filter((id) => {
    const n = normaliseId(id);
    return n && (tokens.includes(n) || tokens.some((t, i) => tokens.slice(i, i + 2).join('') === n) || joined === n);
  });
  if (matches.length === 0) return null;
  const longest = Math.max(...matches.map((m) => normaliseId(m).length));
  const best = matches.filter((m) => normaliseId(m).length === longest);
  return best.length === 1 ? best[0] : null;
}

/**
 * The stakeholder groups participants are in, alphabetical whatever their case, with `noGroup` (for participants
 * without one) last.
 */
export async function stakeholderGroups(connection: Connection, noGroup: string): Promise<string[]> {
  return (
    await rows<{ g: string }>(connection, 'SELECT DISTINCT coalesce(stakeholder_group, $none) AS g FROM participant', {
      none: noGroup
    })
  )
    .map((r) => r.g)
    .sort((a, b) => Number(a === noGroup) - Number(b === noGroup) || a.localeCompare(b, 'en'));
}
