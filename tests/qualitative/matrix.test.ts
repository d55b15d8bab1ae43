import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCoding, removeCoding } from '../../pipeline/qualitative/coding.ts';
import { mergeCodes } from '../../pipeline/qualitative/merge-split.ts';
import { frameworkMatrix } from '../../pipeline/qualitative/framework-matrix.ts';
import {
  addCellQuote,
  CellConflictError,
  citedQuotes,
  findCell,
  listCellQuotes,
  listCellVersions,
  saveCellSummary,
  setCellStatus
} from '../../pipeline/qualitative/matrix.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse, steppingClock } from './helpers.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

describe('cell summaries', () => {
  it('a summary may be written with no coding (rapid analysis); each save is a version; status follows the text', async () => {
    const { governance, amy } = await smallStudy(warehouse.connection);
    const first = await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'Waited for IG sign-off.' },
      amy
    );
    expect([first.version, first.status]).toEqual([1, 'drafted']);
    await setCellStatus(warehouse.connection, 'P01', governance.code_id, 'reviewed', amy);
    const edited = await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'Waited months for IG sign-off.' },
      amy
    );
    expect([edited.version, edited.status]).toEqual([3, 'drafted']); // a change after review needs review again
    const unchanged = await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'Waited months for IG sign-off.', autosave: true },
      amy
    );
    expect(unchanged.version).toBe(3);
    expect(
      (await listCellVersions(warehouse.connection, first.cell_id)).map((v) => [v.version, v.status, v.summary])
    ).toEqual([
      [1, 'drafted', 'Waited for IG sign-off.'],
      [2, 'reviewed', 'Waited for IG sign-off.'],
      [3, 'drafted', 'Waited months for IG sign-off.']
    ]);
  });

  it('autosaves by one person within two minutes update one version; an explicit save or a pause adds one', async () => {
    const { governance } = await smallStudy(warehouse.connection);
    const clock = steppingClock('2017-01-11T10:00:00Z', 30_000); // each save 30 s after the last
    const amy = actor('amy', clock);
    const save = (summary: string, autosave = true) =>
      saveCellSummary(
        warehouse.connection,
        { participantId: 'P02', codeId: governance.code_id, summary, autosave },
        amy
      );
    await save('W');
    await save('Wo');
    await save('Wor');
    await save('Word', false);
    await save('Words');
    const cell = (await findCell(warehouse.connection, 'P02', governance.code_id))!;
    expect(
      (await listCellVersions(warehouse.connection, cell.cell_id)).map((v) => [v.version, v.summary, v.autosave])
    ).toEqual([
      [1, 'Wor', true],
      [2, 'Word', false],
      [3, 'Words', true]
    ]);
  });

  it('refuses a save made against an older version (two people on one cell)', async () => {
    const { governance, amy } = await smallStudy(warehouse.connection);
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'Amy', expectedVersion: 0 },
      amy
    );
    const ben = actor('ben');
    await expect(
      saveCellSummary(
        warehouse.connection,
        { participantId: 'P01', codeId: governance.code_id, summary: 'Ben', expectedVersion: 0 },
        ben
      )
    ).rejects.toBeInstanceOf(CellConflictError);
    expect((await findCell(warehouse.connection, 'P01', governance.code_id))!.summary).toBe('Amy');
  });
});

describe('quotes link a summary to exact passages', () => {
  it('links by coding or by span, numbers them [Q1] [Q2], and gives the text and where it is', async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    // P03: "R: IG held us up.\nR: Results without letters worried nurses." — line 2 starts at 18.
    const coding = await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    const q1 = await addCellQuote(warehouse.connection, 'P03', governance.code_id, { codingId: coding.coding_id }, amy);
    const q2 = await addCellQuote(
      warehouse.connection,
      'P03',
      governance.code_id,
      { transcriptId: transcripts.P03, start: 21, end: 59 },
      amy
    );
    expect([q1.ordinal, q1.text, q1.reference, q1.coding_id]).toEqual([
      1,
      'IG held us up.',
      'Clinician B, Interview P03, line 1',
      coding.coding_id
    ]);
    expect([q2.ordinal, q2.text, q2.reference, q2.coding_id]).toEqual([
      2,
      'Results without letters worried nurses',
      'Clinician B, Interview P03, line 2',
      null
    ]);
    await saveCellSummary(
      warehouse.connection,
      {
        participantId: 'P03',
        codeId: governance.code_id,
        summary: 'IG delayed go-live [Q1]; nurses feared results [Q2].'
      },
      amy
    );
    expect(citedQuotes('IG delayed go-live [Q1]; nurses feared results [Q2]. Again [Q1].')).toEqual([1, 2]);
    // Removing the coding keeps the quote's span: the summary's evidence survives.
    await removeCoding(warehouse.connection, coding.coding_id);
    const [kept] = await listCellQuotes(warehouse.connection, q1.cell_id);
    expect([kept.coding_id, kept.text, kept.start_cp, kept.end_cp]).toEqual([null, 'IG held us up.', 3, 17]);
  });

  it("refuses a quote from another participant's transcript", async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    await expect(
      addCellQuote(
        warehouse.connection,
        'P01',
        governance.code_id,
        { transcriptId: transcripts.P02, start: 3, end: 10 },
        amy
      )
    ).rejects.toThrow("that participant's transcripts");
  });

  it('a merge appends the source cell to the target cell and renumbers its quotes', async () => {
    const { governance, workload, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCellQuote(
      warehouse.connection,
      'P03',
      governance.code_id,
      { transcriptId: transcripts.P03, start: 3, end: 17 },
      amy
    );
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P03', codeId: governance.code_id, summary: 'IG slow [Q1].' },
      amy
    );
    await addCellQuote(
      warehouse.connection,
      'P03',
      workload.code_id,
      { transcriptId: transcripts.P03, start: 21, end: 59 },
      amy
    );
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P03', codeId: workload.code_id, summary: 'Nurses feared queries [Q1].' },
      amy
    );
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P02', codeId: workload.code_id, summary: 'Worried about workload.' },
      amy
    );
    await mergeCodes(warehouse.connection, workload.code_id, governance.code_id, amy);
    const merged = (await findCell(warehouse.connection, 'P03', governance.code_id))!;
    expect(merged.summary).toBe('IG slow [Q1].\n\nMerged from "Workload": Nurses feared queries [Q2].');
    expect((await listCellQuotes(warehouse.connection, merged.cell_id)).map((q) => [q.ordinal, q.text])).toEqual([
      [1, 'IG held us up.'],
      [2, 'Results without letters worried nurses']
    ]);
    expect((await findCell(warehouse.connection, 'P02', governance.code_id))!.summary).toBe('Worried about workload.');
  });
});

describe('the framework matrix', () => {
  it("rows grouped by stakeholder group, columns the category's codes, cells with passages and summaries", async () => {
    const { barriers, governance, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'Written straight from the notes.' },
      amy
    );
    const matrix = await frameworkMatrix(warehouse.connection, barriers.category_id);
    expect(matrix.columns.map((c) => [c.number, c.name])).toEqual([
      ['1.1', 'Information governance'],
      ['1.2', 'Workload'],
      ['1.3', 'Other']
    ]);
    expect(matrix.groups.map((g) => [g.group, g.rows.map((r) => r.participant.pseudonym)])).toEqual([
      ['clinicians', ['Clinician A', 'Clinician B']],
      ['funders', ['Funder A']]
    ]);
    const cell = (group: number, row: number, column: number) => matrix.groups[group].rows[row].cells[column];
    expect([cell(0, 1, 0).passages.map((p) => p.text), cell(0, 1, 0).summary, cell(0, 1, 0).status]).toEqual([
      ['IG held us up.'],
      '',
      'empty'
    ]);
    expect([cell(1, 0, 0).passages, cell(1, 0, 0).summary, cell(1, 0, 0).status, cell(1, 0, 0).version]).toEqual([
      [],
      'Written straight from the notes.',
      'drafted',
      1
    ]);
  });
});
