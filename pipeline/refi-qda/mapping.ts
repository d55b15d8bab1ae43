/**
 * The names and derived GUIDs that export and import agree on, so that Uptake → REFI → Uptake gives back the same
 * project. GUIDs that have no table row of their own (users, variables, cases, selections) are derived from
 * persistent keys (stableGuid), so every export of the same project uses the same ones.
 */
import { stableGuid } from '../qualitative/store.ts';

export const PROJECT_NAMESPACE = 'urn:QDA-XML:project:1.0';
export const CODEBOOK_NAMESPACE = 'urn:QDA-XML:codebook:1.0';

/** A matrix cell's Note carries this, then JSON, in its Description. */
export const CELL_NOTE_PREFIX = 'Uptake framework-matrix cell:';
export const CELL_MEMO_PREFIX = 'Uptake memo on a framework-matrix cell:';

/** A Note needs a name in other tools; an untitled memo is named after its first line (and read back as untitled). */
export const untitledNoteName = (body: string) => body.split('\n')[0].slice(0, 60);

export const userGuid = (name: string) => stableGuid('user', name);
export const variableGuid = (name: string) => stableGuid('variable', name);
export const caseGuid = (participantId: string) => stableGuid('case', participantId);
export const selectionGuid = (transcriptId: string, start: number, end: number) =>
  stableGuid('selection', transcriptId, start, end);

/** Participant attributes exported as REFI Variables (Case VariableValues). */
export const PARTICIPANT_VARIABLES = [
  { name: 'participant_id', type: 'Text' },
  { name: 'stakeholder_group', type: 'Text' },
  { name: 'organisation_setting', type: 'Text' },
  { name: 'role', type: 'Text' },
  { name: 'interview_date', type: 'Date' }
] as const satisfies readonly { name: string; type: 'Text' | 'Date' }[];

export type ParticipantVariable = (typeof PARTICIPANT_VARIABLES)[number]['name'];

/** Variable names other tools use for the same attributes ("Stakeholder group", "Stakeholder-Group"). */
export function participantVariableFor(name: string): ParticipantVariable | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const aliases: Record<string, ParticipantVariable> = {
    participant_id: 'participant_id',
    participant: 'participant_id',
    id: 'participant_id',
    stakeholder_group: 'stakeholder_group',
    group: 'stakeholder_group',
    stakeholder: 'stakeholder_group',
    organisation_setting: 'organisation_setting',
    organization_setting: 'organisation_setting',
    setting: 'organisation_setting',
    role: 'role',
    job_role: 'role',
    interview_date: 'interview_date',
    date_of_interview: 'interview_date'
  };
  return aliases[key] ?? null;
}

const LABELS = [
  ['include_rule', 'Include'],
  ['exclude_rule', 'Exclude'],
  ['example', 'Example']
] as const;

export interface CodeDefinitionFields {
  definition: string | null;
  include_rule: string | null;
  exclude_rule: string | null;
  example: string | null;
}

/**
 * A code's definition fields as one Description: the definition, then "Include: …", "Exclude: …", "Example: …" lines.
 */
export function codeDescription(code: CodeDefinitionFields): string {
  return [code.definition, ...LABELS.map(([field, label]) => (code[field] ? `${label}: ${code[field]}` : null))]
    .filter(Boolean)
    .join('\n');
}

/**
 * The inverse of codeDescription. A Description that codeDescription would not write back exactly (another tool's,
 * with an "Example:" line in the middle, or trailing blanks) is all definition, so it goes out as it came in.
 */
export function parseCodeDescription(text: string | undefined): CodeDefinitionFields {
  const fields = splitCodeDescription(text);
  if (text?.trim() && codeDescription(fields) !== text)
    return { definition: text, include_rule: null, exclude_rule: null, example: null };
  return fields;
}

function splitCodeDescription(text: string | undefined): CodeDefinitionFields {
  const fields: CodeDefinitionFields = { definition: null, include_rule: null, exclude_rule: null, example: null };
  if (!text?.trim()) return fields;
  const definition: string[] = [];
  for (const line of text.split('\n')) {
    const labelled = LABELS.find(([, label]) => line.startsWith(`${label}: `));
    if (labelled) fields[labelled[0]] = line.slice(labelled[1].length + 2);
    else definition.push(line);
  }
  fields.definition = definition.join('\n').trim() || null;
  return fields;
}
