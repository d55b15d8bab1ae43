/**
 * REFI-QDA export (QDA-XML 1.0, urn:QDA-XML:project:1.0): a .qdpx is exactly `project.qde` + `sources/<guid>.txt`;
 * a .qdc is the codebook alone. Both validate against the XSDs in xsd/ (tests/qualitative/refi-export.test.ts runs
 * xmllint --schema on them).
 *
 * Mapping (docs/domain/refi-qda.md §3.4):
 *  - transcript → TextSource with plainTextPath internal://<guid>.txt, the text as UTF-8 without BOM, LF line endings;
 *  - code category → a non-codable top-level Code; code → Code (nested by parent); the definition, inclusion and
 *    exclusion rules and example go into Description as labelled lines (read back by the importer);
 *  - coding → PlainTextSelection [startPosition, endPosition) in code points (half-open) + Coding with creatingUser =
 *    the coder; codings of the same span share one selection (GUID derived from transcript + span, so stable);
 *  - participant → Case with VariableValues (participant_id, stakeholder_group, organisation_setting, role,
 *    interview_date) and SourceRefs; stakeholder_group and participant_id also as TextSource VariableValues (MAXQDA
 *    keeps document variables, not cases) and a Set per stakeholder group (ATLAS.ti document groups);
 *  - memo → Note, referenced (NoteRef) from its project, source, selection or code;
 *  - matrix cell → Note named "Framework: <category> / <participant> / <code>", in a Set per category, with the
 *    Case's SelectionRefs to its quotes. Other tools see these as plain memos: `warnings` says so (spec §7).
 */
import { basename, extname } from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { Connection } from '../qualitative/store.ts';
import { rows, stableGuid } from '../qualitative/store.ts';
import { listCellQuotes } from '../qualitative/matrix.ts';
import { listCodes, type Code } from '../qualitative/codebook.ts';
import { allCodings } from '../qualitative/coding.ts';
import { listMemos } from '../qualitative/memos.ts';
import { listParticipants } from '../qualitative/participants.ts';
import { listParticipantAttributes } from '../qualitative/attributes.ts';
import { listCodeGroups } from '../qualitative/code-groups.ts';
import { element } from './xml.ts';
import { writeZip } from './zip.ts';
import {
  untitledNoteName,
  codeDescription,
  CELL_NOTE_PREFIX,
  CELL_MEMO_PREFIX,
  PARTICIPANT_VARIABLES,
  PROJECT_NAMESPACE,
  CODEBOOK_NAMESPACE,
  selectionGuid,
  userGuid,
  variableGuid,
  caseGuid
} from './mapping.ts';

export const EXPORT_ORIGIN = 'Uptake (framework-analysis workbench)';

export interface ExportResult {
  /** project.qde (or the .qdc text). */
  xml: string;
  /** sources/<guid>.txt → text, for .qdpx. */
  sources: Map<string, string>;
  counts: { sources: number; codes: number; codings: number; cases: number; notes: number; cells: number };
  /** What other tools will not read as Uptake means it (REFI-QDA spec §7: warn about data loss). */
  warnings: string[];
}

interface CategoryRow {
  category_id: string;
  name: string;
  description: string | null;
  codable: boolean;
  color: string | null;
}

const COLOUR = /^#([0-9a-fA-F]{3}){1,2}$/;

const isoDateTime = (text: string | null) => (text ? `${text.replace(' ', 'T').replace(/\.\d+$/, '')}Z` : undefined);

async function codeTree(
  connection: Connection,
  withNoteRefs: Map<string, string[]> | null
): Promise<{ xml: string[]; count: number }> {
  const categories = await rows<CategoryRow>(
    connection,
    `SELECT k.category_id, k.name, k.description, coalesce(cc.codable, false) AS codable, cc.color
       FROM code_category k LEFT JOIN category_code cc USING (category_id) ORDER BY k.sort_order, k.name`
  );
  // In codebook order within each category (the Other code last); a child code is always in its parent's category.
  const codes = await listCodes(connection);
  const codeXml = (c: Code): string => {
    const description = codeDescription(c);
    return element(
      'Code',
      {
        guid: c.code_id,
        name: c.name,
        isCodable: true,
        color: c.color && COLOUR.test(c.color) ? c.color : undefined
      },
      [
        description ? element('Description', {}, [], description) : null,
        ...(withNoteRefs?.get(c.code_id) ?? []).map((note) => element('NoteRef', { targetGUID: note })),
        ...codes.filter((k) => k.parent_code_id === c.code_id).map(codeXml)
      ]
    );
  };
  // A codable category (a top-level code another tool let researchers apply) is one Code: the code row that stands
  // for it (code_id = category_id) carries its codings and memos but is not written as a child.
  const xml = categories.map((cat) =>
    element(
      'Code',
      {
        guid: cat.category_id,
        name: cat.name,
        isCodable: cat.codable,
        color: cat.color && COLOUR.test(cat.color) ? cat.color : undefined
      },
      [
        cat.description ? element('Description', {}, [], cat.description) : null,
        ...(cat.codable ? (withNoteRefs?.get(cat.category_id) ?? []) : []).map((note) =>
          element('NoteRef', { targetGUID: note })
        ),
        ...codes
          .filter(
            (c) => c.category_id === cat.category_id && c.parent_code_id === null && c.code_id !== cat.category_id
          )
          .map(codeXml)
      ]
    )
  );
  const standIns = codes.filter((c) => c.code_id === c.category_id).length;
  return { xml, count: categories.length + codes.length - standIns };
}

const VALUE_ELEMENT: Record<string, string> = {
  Text: 'Text',
  Boolean: 'Boolean',
  Integer: 'Integer',
  Float: 'Float',
  Date: 'Date',
  DateTime: 'DateTime'
};
const VALUE_PATTERN: Record<string, RegExp> = {
  Text: /^/,
  Boolean: /^(true|false|0|1)$/,
  Integer: /^[-+]?\d+$/,
  Float: /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/,
  Date: /^\d{4}-\d{2}-\d{2}$/,
  DateTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/
};

/**
 * Case attributes that came from document Sets go back as those Sets: named "name: value" (or the name alone), with
 * the transcripts of the participants who have it, under the Set's own GUID.
 */
function attributeSets(
  attributes: Awaited<ReturnType<typeof listParticipantAttributes>>,
  transcripts: { transcript_id: string; participant_id: string | null }[]
): string[] {
  const sets = new Map<string, { name: string; participants: Set<string> }>();
  for (const a of attributes) {
    if (a.set_id === null) continue;
    const name = a.value === null ? a.name : `${a.name}: ${a.value}`;
    const set = sets.get(a.set_id) ?? { name, participants: new Set<string>() };
    set.participants.add(a.participant_id);
    sets.set(a.set_id, set);
  }
  return [...sets].map(([guid, set]) =>
    element(
      'Set',
      { guid, name: set.name },
      transcripts
        .filter((t) => t.participant_id && set.participants.has(t.participant_id))
        .map((t) => element('MemberSource', { targetGUID: t.transcript_id }))
    )
  );
}

/** The codebook alone, as a .qdc (urn:QDA-XML:codebook:1.0). */
export async function exportCodebook(connection: Connection): Promise<ExportResult> {
  const { xml, count } = await codeTree(connection, null);
  if (xml.length === 0) throw new Error('The codebook is empty: there is nothing to export');
  const groups = await listCodeGroups(connection);
  // The codebook schema names a set member by @guid where the project schema says @targetGUID.
  const sets = groups.map((g) =>
    element('Set', { guid: g.group_id, name: g.name }, [
      g.description ? element('Description', {}, [], g.description) : null,
      ...g.member_ids.map((m) => element('MemberCode', { guid: m }))
    ])
  );
  const body = element('CodeBook', { xmlns: CODEBOOK_NAMESPACE, origin: EXPORT_ORIGIN }, [
    element('Codes', {}, xml),
    sets.length ? element('Sets', {}, sets) : null
  ]);
  return {
    xml: `<?xml version="1.0" encoding="utf-8"?>\n${body}\n`,
    sources: new Map(),
    counts: { sources: 0, codes: count, codings: 0, cases: 0, notes: 0, cells: 0 },
    warnings: ['Code categories are exported as top-level codes that cannot be coded (isCodable="false").']
  };
}

export async function exportProject(connection: Connection, options: { name?: string } = {}): Promise<ExportResult> {
  const transcripts = await rows<{
    transcript_id: string;
    participant_id: string | null;
    title: string;
    text: string;
    imported_at: string;
    imported_by: string | null;
    supersedes: string | null;
    missing: boolean;
  }>(
    connection,
    `SELECT transcript_id, participant_id, title, text, strftime(imported_at, '%Y-%m-%d %H:%M:%S') AS imported_at, imported_by, supersedes,
            EXISTS (SELECT 1 FROM transcript_missing_text m WHERE m.transcript_id = t.transcript_id) AS missing
       FROM transcript t ORDER BY imported_at, transcript_id`
  );
  const attributes = await listParticipantAttributes(connection);
  const codeGroups = await listCodeGroups(connection);
  const codings = await allCodings(connection);
  const memos = await listMemos(connection);
  const participants = await listParticipants(connection, { order: 'id' });
  const cells = await rows<{
    cell_id: string;
    participant_id: string;
    code_id: string;
    code_name: string;
    category_id: string;
    category_name: string;
    summary: string;
    status: string;
    version: number;
    updated_at: string;
    updated_by: string | null;
  }>(
    connection,
    `SELECT m.cell_id, m.participant_id, m.code_id, c.name AS code_name, c.category_id, k.name AS category_name, m.summary, m.status, m.version,
            strftime(m.updated_at, '%Y-%m-%d %H:%M:%S') AS updated_at, m.updated_by
       FROM matrix_cell m JOIN code c USING (code_id) JOIN code_category k ON k.category_id = c.category_id
      WHERE m.version > 0 OR EXISTS (SELECT 1 FROM cell_quote q WHERE q.cell_id = m.cell_id)
      ORDER BY k.sort_order, m.participant_id, c.sort_order`
  );

  // Users: every coder, author and importer, with GUIDs derived from their names.
  const users = new Set<string>();
  for (const c of codings) users.add(c.coder);
  for (const m of memos) if (m.author) users.add(m.author);
  for (const t of transcripts) if (t.imported_by) users.add(t.imported_by);
  for (const c of cells) if (c.updated_by) users.add(c.updated_by);

  // Selections: one per distinct (transcript, span) of codings, passage memos and cell quotes.
  type Selection = {
    guid: string;
    transcript_id: string;
    start: number;
    end: number;
    codings: typeof codings;
    notes: string[];
    user: string | null;
    created: string | null;
  };
  const selections = new Map<string, Selection>();
  const selectionFor = (
    transcriptId: string,
    start: number,
    end: number,
    user: string | null,
    created: string | null
  ) => {
    const guid = selectionGuid(transcriptId, start, end);
    let s = selections.get(guid);
    if (!s)
      selections.set(
        guid,
        (s = { guid, transcript_id: transcriptId, start, end, codings: [], notes: [], user, created })
      );
    return s;
  };
  for (const c of codings) selectionFor(c.transcript_id, c.start_cp, c.end_cp, c.coder, c.created_at).codings.push(c);

  const projectNotes: string[] = [];
  const sourceNotes = new Map<string, string[]>();
  const codeNotes = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, value: string) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  const notesXml: string[] = [];
  const setNotes = new Map<string, string[]>(); // category → cell notes
  const noteXml = (
    guid: string,
    name: string,
    body: string,
    author: string | null,
    created: string,
    modified: string,
    description?: string
  ) =>
    element(
      'Note',
      {
        guid,
        name,
        creatingUser: author ? userGuid(author) : undefined,
        creationDateTime: isoDateTime(created),
        modifiedDateTime: isoDateTime(modified)
      },
      [description ? element('Description', {}, [], description) : null, element('PlainTextContent', {}, [], body)]
    );

  const cellById = new Map(cells.map((c) => [c.cell_id, c]));
  for (const m of memos) {
    let description: string | undefined;
    if (m.target_kind === 'project') projectNotes.push(m.memo_id);
    else if (m.target_kind === 'transcript') push(sourceNotes, m.transcript_id!, m.memo_id);
    else if (m.target_kind === 'passage')
      selectionFor(m.transcript_id!, m.start_cp!, m.end_cp!, m.author, m.created_at).notes.push(m.memo_id);
    else if (m.target_kind === 'code') push(codeNotes, m.code_id!, m.memo_id);
    else if (m.target_kind === 'cell') {
      const cell = cellById.get(m.cell_id!);
      description = `${CELL_MEMO_PREFIX} ${JSON.stringify({ participant: cell?.participant_id ?? null, code: cell?.code_id ?? null })}`;
      if (cell) push(setNotes, cell.category_id, m.memo_id);
    }
    notesXml.push(
      noteXml(m.memo_id, m.title ?? untitledNoteName(m.body), m.body, m.author, m.created_at, m.updated_at, description)
    );
  }

  const caseSelections = new Map<string, string[]>();
  const pseudonymOf = new Map(participants.map((p) => [p.participant_id, p.pseudonym]));
  for (const cell of cells) {
    const quotes = await listCellQuotes(connection, cell.cell_id);
    const quoteRefs = quotes.map((q) => {
      const s = selectionFor(q.transcript_id, q.start_cp, q.end_cp, cell.updated_by, cell.updated_at);
      push(caseSelections, cell.participant_id, s.guid);
      return { ordinal: q.ordinal, selection: s.guid, coding: q.coding_id };
    });
    const guid = stableGuid('matrix-cell-note', cell.cell_id);
    const meta = {
      cell: cell.cell_id,
      participant: cell.participant_id,
      code: cell.code_id,
      status: cell.status,
      version: cell.version,
      quotes: quoteRefs
    };
    notesXml.push(
      noteXml(
        guid,
        `Framework: ${cell.category_name} / ${pseudonymOf.get(cell.participant_id) ?? cell.participant_id} / ${cell.code_name}`,
        cell.summary,
        cell.updated_by,
        cell.updated_at,
        cell.updated_at,
        `${CELL_NOTE_PREFIX} ${JSON.stringify(meta)}`
      )
    );
    push(setNotes, cell.category_id, guid);
  }

  const { xml: codesXml, count: codeCount } = await codeTree(connection, codeNotes);
  const byTranscript = (id: string) =>
    [...selections.values()].filter((s) => s.transcript_id === id).sort((a, b) => a.start - b.start || a.end - b.end);
  const participantById = new Map(participants.map((p) => [p.participant_id, p]));
  const variableValue = (name: string, value: string, type: string) =>
    element('VariableValue', {}, [
      element('VariableRef', { targetGUID: variableGuid(name) }),
      element(`${VALUE_ELEMENT[type] ?? 'Text'}Value`, {}, [], value)
    ]);
  // Attributes typed in Uptake or read from Case variables go out as Variables; a value that does not fit its type
  // makes the whole variable Text (the schema checks every value against the type).
  const attributeTypes = new Map<string, string>();
  for (const a of attributes.filter((a) => a.set_id === null)) {
    const fits = a.value !== null && (VALUE_PATTERN[a.value_type]?.test(a.value) ?? false);
    const before = attributeTypes.get(a.name);
    attributeTypes.set(a.name, !fits || (before && before !== a.value_type) ? 'Text' : a.value_type);
  }

  const sourcesXml = transcripts.map((t) => {
    const participant = t.participant_id ? participantById.get(t.participant_id) : undefined;
    return element(
      'TextSource',
      {
        guid: t.transcript_id,
        name: t.title,
        // A transcript still waiting for its text is named but not shipped: importing this file lists it as absent.
        plainTextPath: `internal://${t.transcript_id}.txt`,
        creatingUser: t.imported_by ? userGuid(t.imported_by) : undefined,
        creationDateTime: isoDateTime(t.imported_at)
      },
      [
        ...byTranscript(t.transcript_id).map((s) =>
          element(
            'PlainTextSelection',
            {
              guid: s.guid,
              name: `${s.start}–${s.end}`,
              startPosition: s.start,
              endPosition: s.end,
              creatingUser: s.user ? userGuid(s.user) : undefined,
              creationDateTime: isoDateTime(s.created)
            },
            [
              ...s.codings.map((c) =>
                element(
                  'Coding',
                  { guid: c.coding_id, creatingUser: userGuid(c.coder), creationDateTime: isoDateTime(c.created_at) },
                  [element('CodeRef', { targetGUID: c.code_id })]
                )
              ),
              ...s.notes.map((n) => element('NoteRef', { targetGUID: n }))
            ]
          )
        ),
        ...(sourceNotes.get(t.transcript_id) ?? []).map((n) => element('NoteRef', { targetGUID: n })),
        participant ? variableValue('participant_id', participant.participant_id, 'Text') : null,
        participant?.stakeholder_group
          ? variableValue('stakeholder_group', participant.stakeholder_group, 'Text')
          : null
      ]
    );
  });

  const casesXml = participants.map((p) =>
    element('Case', { guid: caseGuid(p.participant_id), name: p.pseudonym }, [
      ...PARTICIPANT_VARIABLES.filter((v) => p[v.name] !== null).map((v) =>
        variableValue(v.name, String(p[v.name]), v.type)
      ),
      ...attributes
        .filter((a) => a.participant_id === p.participant_id && a.set_id === null && a.value !== null)
        .map((a) => variableValue(a.name, a.value!, attributeTypes.get(a.name)!)),
      ...transcripts
        .filter((t) => t.participant_id === p.participant_id)
        .map((t) => element('SourceRef', { targetGUID: t.transcript_id })),
      ...[...new Set(caseSelections.get(p.participant_id) ?? [])].map((s) => element('SelectionRef', { targetGUID: s }))
    ])
  );

  const groups = [
    ...new Set(participants.map((p) => p.stakeholder_group).filter((g): g is string => Boolean(g)))
  ].sort();
  const categoryName = new Map(cells.map((c) => [c.category_id, c.category_name]));
  const setsXml = [
    ...groups.map((g) =>
      element('Set', { guid: stableGuid('stakeholder-group-set', g), name: `Stakeholder group: ${g}` }, [
        ...transcripts
          .filter((t) => t.participant_id && participantById.get(t.participant_id)?.stakeholder_group === g)
          .map((t) => element('MemberSource', { targetGUID: t.transcript_id }))
      ])
    ),
    ...codeGroups.map((g) =>
      element('Set', { guid: g.group_id, name: g.name }, [
        g.description ? element('Description', {}, [], g.description) : null,
        ...g.member_ids.map((m) => element('MemberCode', { targetGUID: m }))
      ])
    ),
    ...attributeSets(attributes, transcripts),
    ...[...setNotes].map(([categoryId, notes]) =>
      element(
        'Set',
        {
          guid: stableGuid('framework-matrix-set', categoryId),
          name: `Framework matrix: ${categoryName.get(categoryId) ?? categoryId}`
        },
        [
          element(
            'Description',
            {},
            [],
            'Framework-matrix cell summaries written in Uptake. Other tools show them as memos: the cell grid, statuses and version history are not part of REFI-QDA.'
          ),
          ...notes.map((n) => element('MemberNote', { targetGUID: n }))
        ]
      )
    )
  ];

  const project = element(
    'Project',
    {
      xmlns: PROJECT_NAMESPACE,
      name: options.name ?? 'Uptake interviews',
      origin: EXPORT_ORIGIN
    },
    [
      users.size
        ? element(
            'Users',
            {},
            [...users].sort().map((u) => element('User', { guid: userGuid(u), name: u }))
          )
        : null,
      codesXml.length ? element('CodeBook', {}, [element('Codes', {}, codesXml)]) : null,
      participants.length
        ? element('Variables', {}, [
            ...PARTICIPANT_VARIABLES.map((v) =>
              element('Variable', { guid: variableGuid(v.name), name: v.name, typeOfVariable: v.type })
            ),
            ...[...attributeTypes].map(([name, type]) =>
              element('Variable', { guid: variableGuid(name), name, typeOfVariable: type })
            )
          ])
        : null,
      casesXml.length ? element('Cases', {}, casesXml) : null,
      sourcesXml.length ? element('Sources', {}, sourcesXml) : null,
      notesXml.length ? element('Notes', {}, notesXml) : null,
      setsXml.length ? element('Sets', {}, setsXml) : null,
      ...projectNotes.map((n) => element('NoteRef', { targetGUID: n }))
    ]
  );

  const warnings: string[] = [];
  if (cells.length)
    warnings.push(
      `${cells.length} framework-matrix cell summaries are exported as Notes in a "Framework matrix" Set; other tools show them as plain memos, without the grid, statuses or version history.`
    );
  if (memos.some((m) => m.target_kind === 'cell'))
    warnings.push(
      'Memos on matrix cells are exported as Notes in the same Set; other tools cannot attach them to a cell.'
    );
  if (transcripts.some((t) => t.supersedes))
    warnings.push(
      'Which transcript version supersedes which is not part of REFI-QDA; every version is exported as its own source.'
    );
  warnings.push('Speaker turns and subtitle timings are not exported (turns are found again from the text on import).');
  warnings.push('Code categories are exported as top-level codes that cannot be coded (isCodable="false").');
  const missing = transcripts.filter((t) => t.missing).length;
  if (missing)
    warnings.push(
      `${missing} transcript(s) were imported without their text: they are exported with their codings but without a text file.`
    );
  return {
    xml: `<?xml version="1.0" encoding="utf-8"?>\n${project}\n`,
    sources: new Map(transcripts.filter((t) => !t.missing).map((t) => [`sources/${t.transcript_id}.txt`, t.text])),
    counts: {
      sources: transcripts.length,
      codes: codeCount,
      codings: codings.length,
      cases: participants.length,
      notes: memos.length,
      cells: cells.length
    },
    warnings
  };
}

/** The .qdpx archive: project.qde first, then sources/. */
export async function qdpxArchive(result: ExportResult): Promise<Buffer> {
  return writeZip([
    ['project.qde', result.xml],
    ...[...result.sources].map(([name, text]) => [name, text] as [string, string])
  ]);
}

/**
 * Writes a .qdpx (whole project) or .qdc (codebook alone), chosen by the extension of `path`, atomically: a
 * temporary file beside it is renamed into place, so a failed export leaves nothing half-written.
 */
export async function exportRefiFile(
  connection: Connection,
  path: string,
  options: { name?: string } = {}
): Promise<ExportResult> {
  const extension = extname(path).toLowerCase();
  if (extension !== '.qdpx' && extension !== '.qdc')
    throw new Error(`Export to a .qdpx (project) or .qdc (codebook) file, not "${basename(path)}"`);
  const result = extension === '.qdc' ? await exportCodebook(connection) : await exportProject(connection, options);
  const bytes = extension === '.qdc' ? Buffer.from(result.xml, 'utf8') : await qdpxArchive(result);
  writeFileAtomic(path, bytes);
  return result;
}
