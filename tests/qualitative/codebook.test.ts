import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addCode,
  deleteCode,
  getCodebook,
  listCodebookChanges,
  loadFramework,
  moveCode,
  redefineCode,
  renameCode,
  addCategory
} from '../../pipeline/qualitative/codebook.ts';
import { mergeCodes, splitCode } from '../../pipeline/qualitative/merge-split.ts';
import { addCoding, listCodings, removeCoding, uncodedSpans } from '../../pipeline/qualitative/coding.ts';
import { STARTER_FRAMEWORKS } from '../../pipeline/qualitative/frameworks.ts';
import { addMemo, listMemos } from '../../pipeline/qualitative/memos.ts';
import { rows } from '../../pipeline/qualitative/store.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

const codingsBy = async (codeName: string) =>
  (
    await rows<{ n: number }>(
      warehouse.connection,
      'SELECT CAST(count(*) AS INTEGER) AS n FROM coding JOIN code USING (code_id) WHERE name = $name',
      { name: codeName }
    )
  )[0].n;

describe('starter frameworks', () => {
  it('ships the topic guide, CFIR 2.0 (48 constructs, 19 subconstructs), NASSS (7 domains) and RE-AIM, each with a citation', () => {
    const count = (codes: { children?: unknown[] }[]): number =>
      codes.reduce((n, c) => n + 1 + count((c.children ?? []) as never), 0);
    expect(
      STARTER_FRAMEWORKS.map((f) => [f.id, f.categories.length, f.categories.reduce((n, c) => n + count(c.codes), 0)])
    ).toEqual([
      ['topic-guide', 6, 39],
      ['cfir-2', 5, 67],
      ['nasss', 7, 23],
      ['re-aim', 1, 5]
    ]);
    for (const f of STARTER_FRAMEWORKS) expect(f.citation.length).toBeGreaterThan(40);
  });

  it('loads a framework as categories, codes and one Other code per category, numbered for shortcuts', async () => {
    await loadFramework(warehouse.connection, 're-aim', actor('amy'));
    const [category] = await getCodebook(warehouse.connection);
    expect(category.name).toBe('RE-AIM');
    expect(category.codes.map((c) => [c.number, c.name, c.is_other])).toEqual([
      ['1.1', 'Reach', false],
      ['1.2', 'Effectiveness', false],
      ['1.3', 'Adoption', false],
      ['1.4', 'Implementation', false],
      ['1.5', 'Maintenance', false],
      ['1.6', 'Other', true]
    ]);
    expect(category.codes[0].citation).toContain('Am J Public Health 1999');
    const changes = await listCodebookChanges(warehouse.connection);
    expect(changes.map((c) => c.action)).toEqual([
      'add-category',
      'add-code',
      'add-code',
      'add-code',
      'add-code',
      'add-code',
      'add-code',
      'load-framework'
    ]);
  });

  it('keeps child codes under their parent (topic guide: Technical barriers › Interoperability)', async () => {
    await loadFramework(warehouse.connection, 'topic-guide');
    const barriers = (await getCodebook(warehouse.connection))[3];
    expect(barriers.name).toBe('Barriers and facilitators to implementation');
    const technical = barriers.codes[1];
    expect([technical.number, technical.name, technical.children.map((c) => `${c.number} ${c.name}`)]).toEqual([
      '4.2',
      'Technical barriers',
      ['4.2.1 Scaling up', '4.2.2 Interoperability', '4.2.3 Single sign-on', '4.2.4 Bugs']
    ]);
  });
});

describe('codebook edits keep codings', () => {
  it('rename and redefine change only the code, and are logged with before and after', async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await renameCode(warehouse.connection, governance.code_id, 'IG and data sharing', amy);
    await redefineCode(warehouse.connection, governance.code_id, { exclude_rule: 'Technical interoperability' }, amy);
    expect(await codingsBy('IG and data sharing')).toBe(1);
    const changes = (await listCodebookChanges(warehouse.connection)).slice(-2);
    expect(changes.map((c) => [c.action, c.detail])).toEqual([
      ['rename', { before: 'Information governance', after: 'IG and data sharing' }],
      [
        'redefine',
        {
          before: { definition: 'Rules on sharing data', include_rule: null, exclude_rule: null, example: null },
          after: {
            definition: 'Rules on sharing data',
            include_rule: null,
            exclude_rule: 'Technical interoperability',
            example: null
          }
        }
      ]
    ]);
  });

  it('merge moves codings and code memos to the target and removes the source', async () => {
    const { governance, workload, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 3, end: 22, codeId: workload.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 18, end: 58, codeId: workload.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await addMemo(
      warehouse.connection,
      { target: { kind: 'code', codeId: workload.code_id }, body: 'Nurses more than doctors' },
      amy
    );
    expect(await mergeCodes(warehouse.connection, workload.code_id, governance.code_id, amy)).toEqual({ codings: 2 });
    expect(await codingsBy('Information governance')).toBe(3);
    expect(await codingsBy('Workload')).toBe(0);
    expect((await listMemos(warehouse.connection, { codeId: governance.code_id })).map((m) => m.body)).toEqual([
      'Nurses more than doctors'
    ]);
    expect((await getCodebook(warehouse.connection))[0].codes.map((c) => c.name)).toEqual([
      'Information governance',
      'Other'
    ]);
    const merge = (await listCodebookChanges(warehouse.connection)).at(-1)!;
    expect(merge.action).toBe('merge');
    expect(merge.detail).toMatchObject({
      source: { name: 'Workload' },
      target: { name: 'Information governance' },
      codings: 2
    });
  });

  it('split gives the chosen codings to new codes and leaves the rest on the original', async () => {
    const { workload, transcripts, amy } = await smallStudy(warehouse.connection);
    const a = await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 3, end: 22, codeId: workload.code_id },
      amy
    );
    const b = await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 18, end: 58, codeId: workload.code_id },
      amy
    );
    const [enquiries] = await splitCode(
      warehouse.connection,
      workload.code_id,
      [{ name: 'Patient enquiries', codingIds: [b.coding_id] }],
      amy
    );
    expect((await listCodings(warehouse.connection, transcripts.P03)).map((c) => c.code_name)).toEqual([
      'Patient enquiries'
    ]);
    expect((await listCodings(warehouse.connection, transcripts.P02)).map((c) => [c.coding_id, c.code_name])).toEqual([
      [a.coding_id, 'Workload']
    ]);
    expect(enquiries.category_id).toBe(workload.category_id);
    expect((await listCodebookChanges(warehouse.connection)).at(-1)!.detail).toEqual({
      from: { code_id: workload.code_id, name: 'Workload' },
      into: [{ code_id: enquiries.code_id, name: 'Patient enquiries', codings: [b.coding_id] }],
      remaining: 1
    });
    await expect(
      splitCode(warehouse.connection, workload.code_id, [{ name: 'X', codingIds: [b.coding_id] }])
    ).rejects.toThrow('is not coded with Workload');
  });

  it('move takes a code and its child codes to another category, codings included', async () => {
    const { workload, transcripts, amy } = await smallStudy(warehouse.connection);
    const child = await addCode(
      warehouse.connection,
      { categoryId: workload.category_id, parentCodeId: workload.code_id, name: 'Enquiries' },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 3, end: 22, codeId: child.code_id },
      amy
    );
    const clinicians = await addCategory(warehouse.connection, { name: 'Clinician engagement' }, amy);
    await moveCode(warehouse.connection, workload.code_id, { categoryId: clinicians.category_id }, amy);
    const [barriers, engagement] = await getCodebook(warehouse.connection);
    expect(barriers.codes.map((c) => c.name)).toEqual(['Information governance', 'Other']);
    expect(engagement.codes.map((c) => [c.name, c.children.map((k) => [k.name, k.codings])])).toEqual([
      ['Workload', [['Enquiries', 1]]],
      ['Other', []]
    ]);
    await expect(
      moveCode(warehouse.connection, workload.code_id, {
        categoryId: clinicians.category_id,
        parentCodeId: child.code_id
      })
    ).rejects.toThrow('cannot move under itself');
  });

  it('refuses to delete a code in use, or any Other code', async () => {
    const { governance, barriers, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await expect(deleteCode(warehouse.connection, governance.code_id)).rejects.toThrow('is in use');
    const other = (await getCodebook(warehouse.connection))
      .find((c) => c.category_id === barriers.category_id)!
      .codes.at(-1)!;
    await expect(deleteCode(warehouse.connection, other.code_id)).rejects.toThrow('keeps its Other code');
    await expect(mergeCodes(warehouse.connection, other.code_id, governance.code_id)).rejects.toThrow(
      'keeps its Other code'
    );
  });
});

describe('coding', () => {
  it('records the coder, allows overlaps, and counts offsets in code points past an emoji', async () => {
    const { governance, workload, transcripts, amy } = await smallStudy(warehouse.connection);
    // "R: IG was unclear 😀." — the emoji is code point 18; "." is 19.
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 19, codeId: governance.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 10, end: 20, codeId: workload.code_id, coder: 'ben' },
      amy
    );
    expect(
      (await listCodings(warehouse.connection, transcripts.P01)).map((c) => [c.code_name, c.coder, c.text])
    ).toEqual([
      ['Information governance', 'amy', 'IG was unclear 😀'],
      ['Workload', 'ben', 'unclear 😀.']
    ]);
    await expect(
      addCoding(
        warehouse.connection,
        { transcriptId: transcripts.P01, start: 5, end: 99, codeId: governance.code_id },
        amy
      )
    ).rejects.toThrow('is not a passage');
  });

  it('the uncoded view lists the text no coding covers, per coder too', async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    const coding = await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 0, end: 20, codeId: governance.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 24, end: 27, codeId: governance.code_id, coder: 'ben' },
      amy
    );
    // amy coded line 1 (0–20), ben coded "The" (24–27) on line 2 (21–42).
    expect(await uncodedSpans(warehouse.connection, transcripts.P01)).toEqual([
      { start: 20, end: 24, text: '\nR: ' },
      { start: 27, end: 42, text: ' LMC said wait.' }
    ]);
    expect(await uncodedSpans(warehouse.connection, transcripts.P01, { coder: 'amy' })).toEqual([
      { start: 20, end: 42, text: '\nR: The LMC said wait.' }
    ]);
    await removeCoding(warehouse.connection, coding.coding_id);
    expect((await uncodedSpans(warehouse.connection, transcripts.P01, { coder: 'amy' }))[0]).toEqual({
      start: 0,
      end: 42,
      text: 'R: IG was unclear 😀.\nR: The LMC said wait.'
    });
  });
});
