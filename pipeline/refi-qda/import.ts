/**
 * REFI-QDA import: read the file (read.ts), then write what it holds into the warehouse in one transaction, reporting
 * every deviation and everything not carried (spec §7: never silently).
 *
 * Mapping back (the inverse of export.ts):
 *  - a top-level Code is a category (same GUID, name, Description, colour). Uptake's own are isCodable="false". A
 *    codable top-level code stays codable: the category also has a code row with the same GUID (code_id equals
 *    category_id) that its codings use, and category_code remembers it, so the export writes one codable Code again.
 *    Nothing is added: no "Other" code (the researcher adds one if they want it), no wrapping category;
 *  - Sets: a Set of codes is a code group; a Set of sources is a case attribute of the sources' participants (its
 *    name "gender: female" gives name and value; a name without ": " is an attribute without value). A source in a
 *    Set that no Case owns gets a participant of its own, named after it;
 *  - a Case is a participant: participant_id from its participant_id variable (else the case name), the pseudonym from
 *    its name, attributes from variables by name; its SourceRefs (or a source's participant_id variable) link
 *    transcripts;
 *  - a TextSource is a transcript (GUID kept); each coding of a selection is a coding (GUID kept), coder = its user.
 *    A source whose text is absent is stored without text, its codings at the positions given; a later import that
 *    brings the text (same GUID) fills it in and checks them;
 *  - a Note is a memo on whatever refers to it (project, source, selection, code); Uptake's matrix-cell notes become
 *    cells again, with their quotes; a Description on a source or selection (ATLAS.ti's comments) becomes a memo.
 * Anything whose GUID is already in the warehouse is left as it is and reported.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { codePointLength } from '../qualitative/offsets.ts';
import { basename, dirname, join } from 'node:path';
import { addCategory, addCode } from '../qualitative/codebook.ts';
import { addCoding } from '../qualitative/coding.ts';
import { addMemo, type MemoTarget } from '../qualitative/memos.ts';
import { addCellQuote, findCell, saveCellSummary, type CellStatus } from '../qualitative/matrix.ts';
import { parseInterviewDate, saveParticipants, type Participant } from '../qualitative/participants.ts';
import { inTransaction, nowText, rows, run, stableGuid, type Actor, type Connection } from '../qualitative/store.ts';
import {
  isTextMissing,
  storeTranscript,
  storeTranscriptWithoutText,
  supplyMissingText
} from '../qualitative/transcripts.ts';
import { setParticipantAttribute } from '../qualitative/attributes.ts';
import { addCodeGroup } from '../qualitative/code-groups.ts';
import {
  untitledNoteName,
  CELL_MEMO_PREFIX,
  CELL_NOTE_PREFIX,
  parseCodeDescription,
  participantVariableFor
} from './mapping.ts';
import type { ImportReport, RefiCode, RefiProject } from './model.ts';
import { readRefi, type ReadOptions } from './read.ts';

/** A .qdpx holds transcripts, not media: anything much larger is refused before it is read. */
export const MAX_QDPX_BYTES = 256 * 1024 * 1024;
/** Uptake writes these Sets itself (stakeholder groups, matrix cells); they come back through other elements. */
export const isUptakeSet = (name: string) =>
  name.startsWith('Framework matrix: ') || name.startsWith('Stakeholder group: ');
export const COLOUR = /^#([0-9a-fA-F]{3}){1,2}$/;

const when = (iso: string | null, fallback: Actor): Actor['now'] => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? () => date : fallback.now;
};

async function exists(connection: Connection, table: string, column: string, id: string): Promise<boolean> {
  return (await rows(connection, `SELECT 1 FROM ${table} WHERE ${column} = $id`, { id })).length > 0;
}

class Writer {
  readonly counts: Record<string, number> = {
    participants: 0,
    sources: 0,
    categories: 0,
    codes: 0,
    codings: 0,
    memos: 0,
    cells: 0,
    codeGroups: 0,
    attributes: 0,
    withoutText: 0,
    textsRestored: 0
  };
  constructor(
    readonly connection: Connection,
    readonly project: RefiProject,
    readonly report: ImportReport,
    readonly actor: Actor
  ) {}

  deviate(kind: string, message: string) {
    this.report.deviations.push({ kind, message });
  }
  drop(what: string, name: string | null, reason: string) {
    this.report.notCarried.push({ what, name, reason });
  }
  user(guid: string | null): string | null {
    if (!guid) return null;
    const name = this.project.users.get(guid);
    if (!name) this.deviate('unknown-user', `User ${guid} is not in the project's Users; the GUID is used as the name`);
    return name ?? guid;
  }

  async codes(): Promise<void> {
    for (const top of this.project.codes) {
      const fresh = await this.category(top);
      // A codable top-level code is also a code, with the category's GUID, so its codings resolve.
      if (fresh && top.isCodable) await this.code({ ...top, children: [] }, top.guid, null);
      for (const child of top.children) await this.code(child, top.guid, null);
    }
  }

  /** The category for a top-level code; false when one with this GUID was already there. */
  async category(top: RefiCode): Promise<boolean> {
    if (await exists(this.connection, 'code_category', 'category_id', top.guid)) {
      this.drop('category', top.name, 'a category with this GUID is already in the warehouse; it was kept as it is');
      return false;
    }
    await addCategory(
      this.connection,
      { categoryId: top.guid, name: top.name, description: top.description, withoutOther: true },
      this.actor
    );
    const colour = top.color && COLOUR.test(top.color) ? top.color : null;
    if (top.color && !colour)
      this.deviate('colour', `The colour ${top.color} of "${top.name}" was not kept (Uptake keeps #RGB or #RRGGBB)`);
    if (top.isCodable || colour)
      await run(this.connection, 'INSERT INTO category_code VALUES ($id, $codable, $color)', {
        id: top.guid,
        codable: top.isCodable,
        color: colour
      });
    this.counts.categories++;
    return true;
  }

  async code(code: RefiCode, categoryId: string, parent: string | null): Promise<void> {
    if (await exists(this.connection, 'code', 'code_id', code.guid)) {
      this.drop('code', code.name, 'a code with this GUID is already in the warehouse; it was kept as it is');
    } else {
      // A code the file names "Other" directly in its category is that category's catch-all (as Uptake exports it).
      const isOther =
        /^other$/i.test(code.name.trim()) &&
        parent === null &&
        code.guid !== categoryId &&
        !(await rows(this.connection, 'SELECT 1 FROM code WHERE category_id = $c AND is_other', { c: categoryId }))
          .length;
      await addCode(
        this.connection,
        {
          codeId: code.guid,
          categoryId,
          parentCodeId: parent,
          name: code.name,
          ...parseCodeDescription(code.description ?? undefined),
          color: code.color && COLOUR.test(code.color) ? code.color : null,
          isOther
        },
        this.actor
      );
      if (code.color && !COLOUR.test(code.color))
        this.deviate(
          'colour',
          `The colour ${code.color} of "${code.name}" was not kept (Uptake keeps #RGB or #RRGGBB)`
        );
      this.counts.codes++;
    }
    for (const child of code.children) await this.code(child, categoryId, code.guid);
  }

  /** Case GUID → participant id, and source GUID → participant id. */
  async participants(): Promise<Map<string, string>> {
    const sourceOwner = new Map<string, string>();
    const variable = (guid: string) => this.project.variables.get(guid);
    const toSave: Participant[] = [];
    const attributes: { participantId: string; name: string; value: string; valueType: string }[] = [];
    for (const c of this.project.cases) {
      const values = new Map<string, string>();
      const others: { name: string; value: string; valueType: string }[] = [];
      for (const v of c.variableValues) {
        const found = variable(v.variableGuid);
        const name = found?.name ?? v.variableGuid;
        const field = participantVariableFor(name);
        if (field) values.set(field, v.value);
        else others.push({ name, value: v.value, valueType: found?.type ?? 'Text' });
      }
      const id = values.get('participant_id') || c.name;
      for (const s of c.sourceRefs) sourceOwner.set(s, id);
      for (const o of others) attributes.push({ participantId: id, ...o });
      if (await exists(this.connection, 'participant', 'participant_id', id)) {
        this.drop('case', c.name, `participant ${id} is already in the warehouse; it was kept as it is`);
        continue;
      }
      let date = values.has('interview_date') ? parseInterviewDate(values.get('interview_date')!.slice(0, 10)) : null;
      if (date === undefined) {
        this.drop('case variable', `${c.name}: interview_date`, `"${values.get('interview_date')}" is not a date`);
        date = null;
      }
      toSave.push({
        participant_id: id,
        pseudonym: c.name,
        stakeholder_group: values.get('stakeholder_group') ?? null,
        organisation_setting: values.get('organisation_setting') ?? null,
        role: values.get('role') ?? null,
        interview_date: date
      });
    }
    if (toSave.length) await saveParticipants(this.connection, toSave, this.actor);
    this.counts.participants = toSave.length;
    for (const a of attributes) {
      if (!toSave.some((p) => p.participant_id === a.participantId)) continue;
      await setParticipantAttribute(this.connection, a, this.actor);
      this.counts.attributes++;
    }
    for (const s of this.project.sources) {
      if (sourceOwner.has(s.guid)) continue;
      const byVariable = s.variableValues.find(
        (v) => participantVariableFor(variable(v.variableGuid)?.name ?? '') === 'participant_id'
      );
      if (byVariable && (await exists(this.connection, 'participant', 'participant_id', byVariable.value)))
        sourceOwner.set(s.guid, byVariable.value);
    }
    return sourceOwner;
  }

  async sources(
    owner: Map<string, string>
  ): Promise<Map<string, { transcriptId: string; start: number; end: number; codingIds: string[] }>> {
    const selections = new Map<string, { transcriptId: string; start: number; end: number; codingIds: string[] }>();
    for (const s of this.project.sources) {
      const present = await exists(this.connection, 'transcript', 'transcript_id', s.guid);
      if (present) {
        const waiting = await isTextMissing(this.connection, s.guid);
        const [stored] = await rows<{ text: string }>(
          this.connection,
          'SELECT text FROM transcript WHERE transcript_id = $id',
          { id: s.guid }
        );
        if (waiting && s.text !== null) {
          // The text this transcript was waiting for: fill it in, then check what was kept against it.
          const { outside } = await supplyMissingText(this.connection, s.guid, s.text);
          this.counts.textsRestored++;
          for (const o of outside)
            this.drop(
              'coding position',
              `${s.name} ${o.start_cp}–${o.end_cp}`,
              `coding ${o.coding_id} ends past the end of the text that came (${codePointLength(s.text)} code points); it was kept as it is`
            );
        } else if (!waiting && s.text !== null && stored.text !== s.text) {
          this.drop(
            'source',
            s.name,
            'a transcript with this GUID but different text is already in the warehouse; the source and its codings were not imported'
          );
          continue;
        } else if (!waiting && s.text === null) {
          this.drop(
            'source',
            s.name,
            'this transcript is already in the warehouse with its text; its codings were added'
          );
        } else {
          this.drop(
            'source',
            s.name,
            'this transcript is already in the warehouse; only codings and memos not already there were added'
          );
        }
      } else {
        const actor = { user: this.user(s.userGuid) ?? this.actor.user, now: when(s.created, this.actor) };
        const input = {
          transcriptId: s.guid,
          title: s.name,
          format: 'refi' as const,
          participantId: owner.get(s.guid) ?? null
        };
        if (s.text === null) {
          await storeTranscriptWithoutText(this.connection, { ...input, sourcePath: s.missingPath }, actor);
          this.counts.withoutText++;
        } else await storeTranscript(this.connection, { ...input, text: s.text }, actor);
        this.counts.sources++;
        if (s.description?.trim())
          await this.memo(
            null,
            'Description',
            s.description,
            { kind: 'transcript', transcriptId: s.guid },
            null,
            null,
            'description-as-memo',
            `The description of "${s.name}" was carried as a memo on the transcript`
          );
      }
      for (const sel of s.selections) {
        const codingIds: string[] = [];
        for (const c of sel.codings) {
          if (!(await exists(this.connection, 'code', 'code_id', c.codeGuid))) {
            this.drop('coding', `${s.name} ${sel.start}–${sel.end}`, `its code ${c.codeGuid} is not in the codebook`);
            continue;
          }
          if (await exists(this.connection, 'coding', 'coding_id', c.guid)) {
            codingIds.push(c.guid);
            continue;
          }
          const coder = this.user(c.userGuid) ?? this.user(sel.userGuid) ?? 'unknown coder';
          const added = await addCoding(
            this.connection,
            { codingId: c.guid, transcriptId: s.guid, start: sel.start, end: sel.end, codeId: c.codeGuid, coder },
            { user: coder, now: when(c.created ?? sel.created, this.actor) }
          );
          if (added.coding_id === c.guid) this.counts.codings++;
          else
            this.deviate(
              'duplicate-coding',
              `Coding ${c.guid} repeats coding ${added.coding_id} (same passage, code and coder); it was imported once`
            );
          codingIds.push(added.coding_id);
        }
        selections.set(sel.guid, { transcriptId: s.guid, start: sel.start, end: sel.end, codingIds });
        if (sel.description?.trim()) {
          await this.memo(
            null,
            'Comment',
            sel.description,
            { kind: 'passage', transcriptId: s.guid, start: sel.start, end: sel.end },
            null,
            null,
            'description-as-memo',
            `A comment on a passage of "${s.name}" was carried as a passage memo`
          );
        }
      }
    }
    return selections;
  }

  /**
   * Sources in a document Set that no Case owns: each gets a participant of its own (named after the source), so
   * the Set can become its case attribute. Called before the sources are stored, so they are linked as they are.
   */
  /** Source GUID → its transcript's participant, as stored (after cases and set-made participants). */
  async ownersOfSources(): Promise<Map<string, string>> {
    const found = await rows<{ transcript_id: string; participant_id: string }>(
      this.connection,
      'SELECT transcript_id, participant_id FROM transcript WHERE participant_id IS NOT NULL'
    );
    return new Map(found.map((f) => [f.transcript_id, f.participant_id]));
  }

  async participantsForSetSources(owner: Map<string, string>): Promise<void> {
    const inSets = new Set(this.project.sets.filter((s) => !isUptakeSet(s.name)).flatMap((s) => s.memberSources));
    const toSave: Participant[] = [];
    for (const source of this.project.sources) {
      if (!inSets.has(source.guid) || owner.has(source.guid)) continue;
      let id = source.name;
      if (
        toSave.some((p) => p.participant_id === id) ||
        (await exists(this.connection, 'participant', 'participant_id', id))
      )
        id = `${source.name} (${source.guid.slice(0, 8)})`;
      toSave.push({
        participant_id: id,
        pseudonym: source.name,
        stakeholder_group: null,
        organisation_setting: null,
        role: null,
        interview_date: null
      });
      owner.set(source.guid, id);
      this.deviate(
        'source-as-participant',
        `The source "${source.name}" is in a document set but no case refers to it; it became participant "${id}" so the set can be a case attribute`
      );
    }
    if (toSave.length) await saveParticipants(this.connection, toSave, this.actor);
    this.counts.participants += toSave.length;
  }

  /**
   * Sets of codes → code groups; Sets of sources → case attributes; Sets of notes → not carried (Uptake's own aside).
   */
  async sets(owner: Map<string, string>): Promise<void> {
    for (const set of this.project.sets) {
      if (isUptakeSet(set.name)) continue;
      const isDocumentSet = set.memberSources.length > 0;
      if (set.memberCodes.length || !isDocumentSet) {
        if (await exists(this.connection, 'code_group', 'group_id', set.guid)) {
          this.drop('set', set.name, 'a code group with this GUID is already in the warehouse');
        } else {
          const known: string[] = [];
          for (const m of set.memberCodes) {
            if (
              (await exists(this.connection, 'code', 'code_id', m)) ||
              (await exists(this.connection, 'code_category', 'category_id', m))
            )
              known.push(m);
            else this.drop('set member', `${set.name}: ${m}`, 'the code is not in the codebook');
          }
          await addCodeGroup(
            this.connection,
            { groupId: set.guid, name: set.name, description: set.description, memberIds: known },
            this.actor
          );
          this.counts.codeGroups++;
        }
      }
      if (isDocumentSet) {
        const split = set.name.indexOf(': ');
        const name = split > 0 ? set.name.slice(0, split) : set.name;
        const value = split > 0 ? set.name.slice(split + 2) : null;
        if (set.description?.trim())
          this.drop('set description', set.name, 'a document set becomes a case attribute, which has no description');
        const participants = new Set(set.memberSources.map((m) => owner.get(m)).filter((p): p is string => !!p));
        // A set that also lists codes keeps its GUID for the code group; the attribute gets a derived one.
        const setId = set.memberCodes.length ? stableGuid('attribute-set', set.guid) : set.guid;
        for (const participantId of participants) {
          const [before] = await rows<{ value: string | null }>(
            this.connection,
            'SELECT value FROM participant_attribute WHERE participant_id = $p AND name = $n',
            { p: participantId, n: name }
          );
          if (before)
            this.deviate(
              'attribute-twice',
              `Participant ${participantId} is in two sets for "${name}" ("${before.value}" and "${value}"); the second was kept`
            );
          await setParticipantAttribute(this.connection, { participantId, name, value, setId }, this.actor);
          this.counts.attributes++;
        }
        const orphan = set.memberSources.filter((m) => !owner.has(m));
        if (orphan.length)
          this.drop(
            'set member',
            set.name,
            `${orphan.length} of its sources were not imported, so have no participant`
          );
      }
      if (set.memberNotes.length)
        this.drop('set', set.name, `${set.memberNotes.length} notes in it: sets of notes are not carried`);
    }
  }

  async memo(
    guid: string | null,
    title: string | null,
    body: string,
    target: MemoTarget,
    author: string | null,
    created: string | null,
    deviation?: string,
    message?: string
  ) {
    if (guid && (await exists(this.connection, 'memo', 'memo_id', guid))) {
      this.drop('note', title, 'a memo with this GUID is already in the warehouse');
      return;
    }
    // A Note Uptake named after the first line of an untitled memo comes back untitled.
    const untitled = title === untitledNoteName(body);
    await addMemo(
      this.connection,
      { memoId: guid ?? undefined, title: untitled ? null : title, body, target },
      { user: author ?? undefined, now: when(created, this.actor) }
    );
    this.counts.memos++;
    if (deviation) this.deviate(deviation, message!);
  }

  async notes(
    selections: Map<string, { transcriptId: string; start: number; end: number; codingIds: string[] }>
  ): Promise<void> {
    const targets = new Map<string, MemoTarget[]>();
    const add = (note: string, target: MemoTarget) => targets.set(note, [...(targets.get(note) ?? []), target]);
    for (const n of this.project.projectNoteRefs) add(n, { kind: 'project' });
    for (const s of this.project.sources) {
      for (const n of s.noteRefs) add(n, { kind: 'transcript', transcriptId: s.guid });
      for (const sel of s.selections)
        for (const n of sel.noteRefs) add(n, { kind: 'passage', transcriptId: s.guid, start: sel.start, end: sel.end });
    }
    const walk = (codes: RefiCode[]) =>
      codes.forEach((c) => (c.noteRefs.forEach((n) => add(n, { kind: 'code', codeId: c.guid })), walk(c.children)));
    walk(this.project.codes);

    const cellNotes = this.project.notes.filter((n) => n.description?.startsWith(CELL_NOTE_PREFIX));
    const otherNotes = this.project.notes.filter((n) => !n.description?.startsWith(CELL_NOTE_PREFIX));
    for (const note of cellNotes) await this.cell(note, selections);
    for (const note of otherNotes) {
      const author = this.user(note.userGuid);
      if (note.description?.startsWith(CELL_MEMO_PREFIX)) {
        const meta = JSON.parse(note.description.slice(CELL_MEMO_PREFIX.length)) as {
          participant: string | null;
          code: string | null;
        };
        const cell =
          meta.participant && meta.code ? await findCell(this.connection, meta.participant, meta.code) : null;
        if (cell)
          await this.memo(
            note.guid,
            note.name,
            note.text,
            { kind: 'cell', cellId: cell.cell_id },
            author,
            note.created
          );
        else this.drop('note', note.name, 'it is a memo on a matrix cell that was not imported');
        continue;
      }
      const found = targets.get(note.guid) ?? [];
      const usable: MemoTarget[] = [];
      for (const t of found) {
        if (t.kind === 'transcript' || t.kind === 'passage') {
          if (await exists(this.connection, 'transcript', 'transcript_id', t.transcriptId)) usable.push(t);
        } else if (t.kind === 'code') {
          if (await exists(this.connection, 'code', 'code_id', t.codeId)) usable.push(t);
        } else usable.push(t);
      }
      if (usable.length > 1)
        this.deviate(
          'note-several-targets',
          `The note "${note.name}" is referred to from ${usable.length} places; it was attached to the first (${usable[0].kind})`
        );
      if (usable.length === 0)
        this.deviate(
          'unreferenced-note',
          `Nothing refers to the note "${note.name}"; it was carried as a project memo`
        );
      await this.memo(note.guid, note.name, note.text, usable[0] ?? { kind: 'project' }, author, note.created);
    }
  }

  async cell(
    note: RefiProject['notes'][number],
    selections: Map<string, { transcriptId: string; start: number; end: number; codingIds: string[] }>
  ) {
    const meta = JSON.parse(note.description!.slice(CELL_NOTE_PREFIX.length)) as {
      participant: string;
      code: string;
      status: CellStatus;
      cell?: string;
      quotes: { ordinal: number; selection: string; coding?: string | null }[];
    };
    if (
      !(await exists(this.connection, 'participant', 'participant_id', meta.participant)) ||
      !(await exists(this.connection, 'code', 'code_id', meta.code))
    ) {
      this.drop('matrix cell', note.name, 'its participant or code was not imported');
      return;
    }
    if (await findCell(this.connection, meta.participant, meta.code)) {
      this.drop('matrix cell', note.name, 'the warehouse already has a summary in this cell; it was kept as it is');
      return;
    }
    const author = this.user(note.userGuid) ?? undefined;
    const actor = { user: author, now: when(note.modified ?? note.created, this.actor) };
    // Keep the cell's id, so memos on it and a second export name the same cell.
    const cellId =
      typeof meta.cell === 'string' && !(await exists(this.connection, 'matrix_cell', 'cell_id', meta.cell))
        ? meta.cell
        : stableGuid('imported-cell', note.guid);
    await run(
      this.connection,
      `INSERT INTO matrix_cell VALUES ($id, $p, $c, '', 'empty', 0, CAST($now AS TIMESTAMP), $user)`,
      {
        id: cellId,
        p: meta.participant,
        c: meta.code,
        now: nowText(actor),
        user: author ?? null
      }
    );
    for (const q of meta.quotes) {
      const span = selections.get(q.selection);
      if (!span) {
        this.drop('quote', `${note.name} [Q${q.ordinal}]`, 'its passage was not imported');
        continue;
      }
      const coding = q.coding && span.codingIds.includes(q.coding) ? q.coding : null;
      const quote = await addCellQuote(
        this.connection,
        meta.participant,
        meta.code,
        coding ? { codingId: coding } : span,
        actor
      );
      await run(this.connection, 'UPDATE cell_quote SET ordinal = $o WHERE quote_id = $id', {
        id: quote.quote_id,
        o: q.ordinal
      });
    }
    await saveCellSummary(
      this.connection,
      { participantId: meta.participant, codeId: meta.code, summary: note.text, status: meta.status },
      actor
    );
    this.counts.cells++;
  }
}

export async function importRefiBytes(
  connection: Connection,
  bytes: Uint8Array,
  fileName: string,
  options: ReadOptions & { actor?: Actor } = {}
): Promise<ImportReport> {
  return importRefiProject(connection, await readRefi(bytes, fileName, options), options);
}

/**
 * Writes what readRefi (or readRefiInWorker, read-worker.ts) read. Kept apart from the read so that the dashboard and
 * the command line can read on a worker thread, outside the one-writer queue, and hold the writer only to write.
 */
export async function importRefiProject(
  connection: Connection,
  { project, report }: { project: RefiProject; report: ImportReport },
  options: { actor?: Actor } = {}
): Promise<ImportReport> {
  const actor = options.actor ?? {};
  const writer = new Writer(connection, project, report, actor);
  await inTransaction(connection, async () => {
    await writer.codes();
    if (project.kind === 'project') {
      const owner = await writer.participants();
      await writer.participantsForSetSources(owner);
      const selections = await writer.sources(owner);
      await writer.notes(selections);
    }
    await writer.sets(await writer.ownersOfSources());
  });
  report.counts = writer.counts;
  return report;
}

export async function importRefiFile(
  connection: Connection,
  path: string,
  options: ReadOptions & { actor?: Actor } = {}
): Promise<ImportReport> {
  const size = statSync(path).size;
  if (size > MAX_QDPX_BYTES)
    throw new Error(`${basename(path)} is ${size} bytes; Uptake reads REFI-QDA files of up to ${MAX_QDPX_BYTES} bytes`);
  const besideFiles = /\.qde$/i.test(path) ? filesBeside(path) : undefined;
  return importRefiBytes(connection, readFileSync(path), basename(path), { ...options, besideFiles });
}

/**
 * The files a bare .qde can name: those in a sources folder beside it (any case), and those beside it, keyed as they
 * would be in an archive. Only regular files, and no more than an archive may hold.
 */
export function filesBeside(qdePath: string): Map<string, Uint8Array> {
  const folder = dirname(qdePath);
  const found = new Map<string, Uint8Array>();
  let total = 0;
  const take = (path: string, name: string) => {
    const info = statSync(path);
    if (!info.isFile() || name.startsWith('.') || /\.qde$/i.test(name)) return;
    total += info.size;
    if (total > MAX_QDPX_BYTES) throw new Error(`The files beside ${basename(qdePath)} are larger than Uptake reads`);
    if (!found.has(`sources/${name}`)) found.set(`sources/${name}`, readFileSync(path));
  };
  const sourcesDir = readdirSync(folder).find((n) => n.toLowerCase() === 'sources');
  if (sourcesDir && statSync(join(folder, sourcesDir)).isDirectory())
    for (const name of readdirSync(join(folder, sourcesDir))) take(join(folder, sourcesDir, name), name);
  for (const name of readdirSync(folder)) if (/\.(txt|docx)$/i.test(name)) take(join(folder, name), name);
  return found;
}
