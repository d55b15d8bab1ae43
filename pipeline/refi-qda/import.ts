/**
 * REFI-QDA import: read the file (read.ts), then write what it holds into the warehouse in one transaction, reporting
 * every deviation and everything not carried (spec §7: never silently).
 *
 * Mapping back (the inverse of export.ts):
 *  - a top-level Code is a category. Uptake's own are isCodable="false". Another tool's codable top-level code with
 *    child codes becomes a category; if codings use it directly, it also becomes a code of the same name inside that
 *    category (keeping its GUID, so the codings find it). A top-level code with no children goes into an
 *    "Imported codes" category. A category with no code named "Other" gets one;
 *  - a Case is a participant: participant_id from its participant_id variable (else the case name), the pseudonym from
 *    its name, attributes from variables by name; its SourceRefs (or a source's participant_id variable) link transcripts;
 *  - a TextSource is a transcript (GUID kept); each coding of a selection is a coding (GUID kept), coder = its user;
 *  - a Note is a memo on whatever refers to it (project, source, selection, code); Uptake's matrix-cell notes become
 *    cells again, with their quotes; a Description on a source or selection (ATLAS.ti's comments) becomes a memo.
 * Anything whose GUID is already in the warehouse is left as it is and reported.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { addCategory, addCode } from '../qualitative/codebook.ts';
import { addCoding } from '../qualitative/coding.ts';
import { addMemo, type MemoTarget } from '../qualitative/memos.ts';
import { addCellQuote, findCell, saveCellSummary, type CellStatus } from '../qualitative/matrix.ts';
import { parseInterviewDate, saveParticipants, type Participant } from '../qualitative/participants.ts';
import { inTransaction, nowText, rows, run, stableGuid, type Actor, type Connection } from '../qualitative/store.ts';
import { storeTranscript } from '../qualitative/transcripts.ts';
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
export const IMPORTED_CODES_CATEGORY = 'Imported codes';

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
    cells: 0
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
    const used = new Set(
      this.project.sources.flatMap((s) => s.selections.flatMap((sel) => sel.codings.map((c) => c.codeGuid)))
    );
    let imported: string | null = null;
    for (const top of this.project.codes) {
      if (top.children.length === 0) {
        imported ??= await this.category(stableGuid('imported-codes-category'), IMPORTED_CODES_CATEGORY, null);
        this.deviate(
          'top-level-code',
          `The top-level code "${top.name}" has no child codes; it was put in the "${IMPORTED_CODES_CATEGORY}" category`
        );
        await this.code(top, imported, null);
        continue;
      }
      if (top.isCodable && used.has(top.guid)) {
        const category = await this.category(stableGuid('category-of', top.guid), top.name, top.description);
        this.deviate(
          'codable-category',
          `The top-level code "${top.name}" has codings of its own; it became a category and a code of the same name in it`
        );
        await this.code({ ...top, children: [] }, category, null);
        for (const child of top.children) await this.code(child, category, null);
      } else {
        if (top.isCodable)
          this.deviate(
            'codable-category',
            `The top-level code "${top.name}" is codable but unused; it became a category (its child codes are its codes)`
          );
        const category = await this.category(top.guid, top.name, top.description);
        for (const child of top.children) await this.code(child, category, null);
      }
    }
    // Every category keeps an Other code (the framework method's bucket for what fits nowhere yet).
    const missing = await rows<{ category_id: string; name: string }>(
      this.connection,
      'SELECT category_id, name FROM code_category k WHERE NOT EXISTS (SELECT 1 FROM code c WHERE c.category_id = k.category_id AND c.is_other)'
    );
    for (const m of missing) {
      await addCode(
        this.connection,
        {
          categoryId: m.category_id,
          name: 'Other',
          isOther: true,
          definition: `Material on "${m.name}" that fits none of its codes yet.`
        },
        this.actor
      );
      this.deviate('other-code-added', `The category "${m.name}" had no "Other" code; one was added`);
    }
  }

  async category(guid: string, name: string, description: string | null): Promise<string> {
    if (await exists(this.connection, 'code_category', 'category_id', guid)) {
      this.drop('category', name, 'a category with this GUID is already in the warehouse; it was kept as it is');
      return guid;
    }
    await addCategory(this.connection, { categoryId: guid, name, description, withoutOther: true }, this.actor);
    this.counts.categories++;
    return guid;
  }

  async code(code: RefiCode, categoryId: string, parent: string | null): Promise<void> {
    if (await exists(this.connection, 'code', 'code_id', code.guid)) {
      this.drop('code', code.name, 'a code with this GUID is already in the warehouse; it was kept as it is');
    } else {
      const isOther =
        /^other$/i.test(code.name.trim()) &&
        parent === null &&
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
          color: code.color && /^#[0-9a-fA-F]{6}$/.test(code.color) ? code.color : null,
          isOther
        },
        this.actor
      );
      if (code.color && !/^#[0-9a-fA-F]{6}$/.test(code.color))
        this.deviate('colour', `The colour ${code.color} of "${code.name}" was not kept (Uptake keeps #RRGGBB)`);
      this.counts.codes++;
    }
    for (const child of code.children) await this.code(child, categoryId, code.guid);
  }

  /** Case GUID → participant id, and source GUID → participant id. */
  async participants(): Promise<Map<string, string>> {
    const sourceOwner = new Map<string, string>();
    const variable = (guid: string) => this.project.variables.get(guid);
    const toSave: Participant[] = [];
    for (const c of this.project.cases) {
      const values = new Map<string, string>();
      for (const v of c.variableValues) {
        const name = variable(v.variableGuid)?.name ?? v.variableGuid;
        const field = participantVariableFor(name);
        if (field) values.set(field, v.value);
        else
          this.drop(
            'case variable',
            `${c.name}: ${name}`,
            'Uptake keeps participant_id, stakeholder group, organisation setting, role and interview date only'
          );
      }
      const id = values.get('participant_id') || c.name;
      for (const s of c.sourceRefs) sourceOwner.set(s, id);
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
        const [stored] = await rows<{ text: string }>(
          this.connection,
          'SELECT text FROM transcript WHERE transcript_id = $id',
          { id: s.guid }
        );
        if (stored.text !== s.text) {
          this.drop(
            'source',
            s.name,
            'a transcript with this GUID but different text is already in the warehouse; the source and its codings were not imported'
          );
          continue;
        }
        this.drop(
          'source',
          s.name,
          'this transcript is already in the warehouse; only codings and memos not already there were added'
        );
      } else {
        await storeTranscript(
          this.connection,
          {
            transcriptId: s.guid,
            text: s.text,
            title: s.name,
            format: 'refi',
            participantId: owner.get(s.guid) ?? null
          },
          { user: this.user(s.userGuid) ?? this.actor.user, now: when(s.created, this.actor) }
        );
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
  const { project, report } = await readRefi(bytes, fileName, options);
  const actor = options.actor ?? {};
  const writer = new Writer(connection, project, report, actor);
  await inTransaction(connection, async () => {
    await writer.codes();
    if (project.kind === 'project') {
      const owner = await writer.participants();
      const selections = await writer.sources(owner);
      await writer.notes(selections);
    }
  });
  for (const set of project.sets) {
    if (set.name.startsWith('Framework matrix: ') || set.name.startsWith('Stakeholder group: ')) continue;
    writer.drop('set', set.name, 'sets (groups of codes, sources or notes) are not carried');
  }
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
  return importRefiBytes(connection, readFileSync(path), basename(path), options);
}
