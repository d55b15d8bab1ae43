import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCoding } from '../../pipeline/qualitative/coding.ts';
import { loadFramework, redefineCode } from '../../pipeline/qualitative/codebook.ts';
import { addMemo } from '../../pipeline/qualitative/memos.ts';
import { addCellQuote, saveCellSummary } from '../../pipeline/qualitative/matrix.ts';
import { exportCodebook, exportProject, exportRefiFile } from '../../pipeline/refi-qda/export.ts';
import { importRefiFile } from '../../pipeline/refi-qda/import.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { emptyWarehouse } from './helpers.ts';
import { snapshot, validate } from './refi.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
let folder: string;
beforeEach(async () => {
  warehouse = await emptyWarehouse();
  folder = mkdtempSync(join(tmpdir(), 'uptake-refi-'));
});
afterEach(() => warehouse.close());

/** The small study, coded by two coders, with memos on every kind of target and a charted cell with two quotes. */
async function codedStudy(connection = warehouse.connection) {
  const study = await smallStudy(connection);
  const { governance, workload, transcripts, amy } = study;
  await redefineCode(
    connection,
    governance.code_id,
    {
      include_rule: 'Consent, ownership, liability',
      exclude_rule: 'Technical interfaces',
      example: '"The LMC said wait."'
    },
    amy
  );
  const c1 = await addCoding(
    connection,
    { transcriptId: transcripts.P01, start: 3, end: 19, codeId: governance.code_id },
    amy
  ); // ends after the emoji
  await addCoding(connection, { transcriptId: transcripts.P01, start: 3, end: 19, codeId: workload.code_id }, amy); // same span, second code
  await addCoding(
    connection,
    { transcriptId: transcripts.P01, start: 0, end: 20, codeId: governance.code_id, coder: 'ben' },
    amy
  );
  await addCoding(connection, { transcriptId: transcripts.P03, start: 18, end: 59, codeId: workload.code_id }, amy);
  await addMemo(
    connection,
    { target: { kind: 'project' }, title: 'Reflexive journal', body: 'First read: IG everywhere & <nobody> agrees.' },
    amy
  );
  await addMemo(
    connection,
    { target: { kind: 'transcript', transcriptId: transcripts.P02 }, body: 'Short interview.' },
    amy
  );
  await addMemo(
    connection,
    { target: { kind: 'passage', transcriptId: transcripts.P01, start: 21, end: 42 }, body: 'LMC caution' },
    amy
  );
  await addMemo(
    connection,
    { target: { kind: 'code', codeId: workload.code_id }, body: 'Nurses more than doctors' },
    amy
  );
  await addCellQuote(connection, 'P01', governance.code_id, { codingId: c1.coding_id }, amy);
  await addCellQuote(connection, 'P01', governance.code_id, { transcriptId: transcripts.P01, start: 24, end: 41 }, amy);
  const cell = await saveCellSummary(
    connection,
    {
      participantId: 'P01',
      codeId: governance.code_id,
      summary: 'IG unclear [Q1]; LMC said wait [Q2].',
      status: 'reviewed'
    },
    amy
  );
  await addMemo(connection, { target: { kind: 'cell', cellId: cell.cell_id }, body: 'Check against P02' }, amy);
  return study;
}

describe('REFI-QDA export validates against the XSDs (xmllint --schema)', () => {
  it('a coded project with memos and matrix cells: project.qde validates against Project.xsd', async () => {
    await codedStudy();
    const result = await exportProject(warehouse.connection);
    expect(validate(result.xml, 'Project.xsd')).toEqual({ ok: true, output: '<file> validates' });
    expect(result.counts).toEqual({ sources: 3, codes: 4, codings: 4, cases: 3, notes: 5, cells: 1 });
  });

  it('the three starter frameworks with child codes: project.qde and the .qdc both validate', async () => {
    for (const id of ['topic-guide', 'cfir-2', 'nasss']) await loadFramework(warehouse.connection, id);
    expect(validate((await exportProject(warehouse.connection)).xml, 'Project.xsd')).toEqual({
      ok: true,
      output: '<file> validates'
    });
    expect(validate((await exportCodebook(warehouse.connection)).xml, 'Codebook.xsd')).toEqual({
      ok: true,
      output: '<file> validates'
    });
  });

  it('an empty project validates too', async () => {
    expect(validate((await exportProject(warehouse.connection)).xml, 'Project.xsd').ok).toBe(true);
  });

  it('xmllint does reject what the XSD forbids (so the checks above can fail): a braced GUID with a typo', () => {
    const bad =
      '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{not-a-guid}" name="x" isCodable="true"/></Codes></CodeBook>';
    expect(validate(bad, 'Codebook.xsd').ok).toBe(false);
  });

  it('the .qdpx holds exactly project.qde and sources/<guid>.txt, UTF-8 without BOM, and says what other tools lose', async () => {
    const { transcripts } = await codedStudy();
    const path = join(folder, 'study.qdpx');
    const result = await exportRefiFile(warehouse.connection, path);
    const zip = await JSZip.loadAsync(readFileSync(path));
    expect(Object.keys(zip.files).sort()).toEqual(
      ['project.qde', ...Object.values(transcripts).map((id) => `sources/${id}.txt`)].sort()
    );
    const bytes = await zip.file(`sources/${transcripts.P01}.txt`)!.async('uint8array');
    expect([...bytes.slice(0, 3)]).toEqual([0x52, 0x3a, 0x20]); // "R: ", no EF BB BF
    expect(new TextDecoder().decode(bytes)).toBe('R: IG was unclear 😀.\nR: The LMC said wait.');
    const qde = await zip.file('project.qde')!.async('string');
    expect(qde).toContain('<PlainTextSelection guid="');
    expect(qde).toContain('startPosition="3" endPosition="19"'); // code points: the emoji counts one
    expect(result.warnings[0]).toBe(
      '1 framework-matrix cell summaries are exported as Notes in a "Framework matrix" Set; other tools show them as plain memos, without the grid, statuses or version history.'
    );
    expect(result.warnings).toContain(
      'Memos on matrix cells are exported as Notes in the same Set; other tools cannot attach them to a cell.'
    );
  });

  it('exports the same GUIDs every time (selections, cases, users and variables are derived, not random)', async () => {
    await codedStudy();
    expect((await exportProject(warehouse.connection)).xml).toBe((await exportProject(warehouse.connection)).xml);
  });
});

describe('round trip: export → import into an empty warehouse gives the same project', () => {
  it('sources, codes, codings, cases, variables, memos, cells and quotes come back identical', async () => {
    await codedStudy();
    const path = join(folder, 'study.qdpx');
    await exportRefiFile(warehouse.connection, path);
    const before = await snapshot(warehouse.connection);
    const other = await emptyWarehouse();
    try {
      const report = await importRefiFile(other.connection, path);
      expect(report.deviations).toEqual([]);
      expect(report.notCarried).toEqual([]);
      expect(report.counts).toEqual({
        participants: 3,
        sources: 3,
        categories: 1,
        codes: 3,
        codings: 4,
        memos: 5,
        cells: 1,
        codeGroups: 0,
        attributes: 0,
        withoutText: 0,
        textsRestored: 0
      });
      const after = await snapshot(other.connection);
      expect(after).toEqual(before);
      // And the re-imported project exports to the same XML.
      expect((await exportProject(other.connection)).xml).toBe((await exportProject(warehouse.connection)).xml);
    } finally {
      other.close();
    }
  });

  it('importing the same file twice adds nothing and says why', async () => {
    await codedStudy();
    const path = join(folder, 'study.qdpx');
    await exportRefiFile(warehouse.connection, path);
    const report = await importRefiFile(warehouse.connection, path);
    expect(report.counts).toEqual({
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
    });
    expect(report.notCarried.map((n) => n.what).sort()).toEqual([
      'case',
      'case',
      'case',
      'category',
      'code',
      'code',
      'code',
      'matrix cell',
      'note',
      'note',
      'note',
      'note',
      'note',
      'source',
      'source',
      'source'
    ]);
  });

  it('a .qdc codebook round-trips: categories, codes, hierarchy and definitions', async () => {
    await loadFramework(warehouse.connection, 'topic-guide');
    const path = join(folder, 'topic-guide.qdc');
    await exportRefiFile(warehouse.connection, path);
    const other = await emptyWarehouse();
    try {
      const report = await importRefiFile(other.connection, path);
      expect([report.deviations, report.notCarried]).toEqual([[], []]);
      const { categories, codes } = await snapshot(other.connection);
      const original = await snapshot(warehouse.connection);
      expect({ categories, codes }).toEqual({ categories: original.categories, codes: original.codes });
    } finally {
      other.close();
    }
  });
});

describe('the demo study (16 interviews, two coders, charted cells) through REFI-QDA', () => {
  it('exports a project that validates, and round-trips exactly', async () => {
    const { loadDemoStudy } = await import('../../pipeline/qualitative/demo-study.ts');
    const loaded = await loadDemoStudy(warehouse.connection, join(import.meta.dirname, '../../data/demo/interviews'));
    expect(loaded.outcome).toBe('loaded');
    const path = join(folder, 'demo.qdpx');
    const result = await exportRefiFile(warehouse.connection, path);
    expect(result.counts.sources).toBe(16);
    expect(validate(result.xml, 'Project.xsd')).toEqual({ ok: true, output: '<file> validates' });
    const other = await emptyWarehouse();
    try {
      const report = await importRefiFile(other.connection, path);
      expect([report.deviations, report.notCarried]).toEqual([[], []]);
      expect(await snapshot(other.connection)).toEqual(await snapshot(warehouse.connection));
    } finally {
      other.close();
    }
  });
});
