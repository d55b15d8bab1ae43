/**
 * Case attributes (matrix rows grouped by one, themes filtered by one), code groups, an Other code only when asked
 * for, and a cell's history and memos with the difference between two versions of its summary.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attributeChoice,
  attributeValues,
  listParticipantAttributes,
  removeParticipantAttribute,
  setParticipantAttribute
} from '../../pipeline/qualitative/attributes.ts';
import { addCodeGroup, listCodeGroups } from '../../pipeline/qualitative/code-groups.ts';
import { addCategory, addOtherCode, getCodebook } from '../../pipeline/qualitative/codebook.ts';
import { addCoding } from '../../pipeline/qualitative/coding.ts';
import { frameworkMatrix } from '../../pipeline/qualitative/framework-matrix.ts';
import { quoteBank, themePrevalence } from '../../pipeline/qualitative/interpretation.ts';
import { addCellMemo, cellHistory } from '../../pipeline/qualitative/cell-history.ts';
import { saveCellSummary } from '../../pipeline/qualitative/matrix.ts';
import { diffSummaries } from '../../pipeline/qualitative/summary-diff.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

describe('case attributes', () => {
  it('set, replace, remove; matrix rows grouped by one; prevalence and quotes filtered by one', async () => {
    const c = warehouse.connection;
    const { amy, transcripts, barriers, governance } = await smallStudy(c);
    await setParticipantAttribute(c, { participantId: 'P01', name: 'gender', value: 'male' }, amy);
    await setParticipantAttribute(c, { participantId: 'P01', name: ' gender ', value: 'female' }, amy); // replaces
    await setParticipantAttribute(c, { participantId: 'P03', name: 'gender', value: 'female' }, amy);
    await setParticipantAttribute(c, { participantId: 'P02', name: 'has children', value: null }, amy);
    await setParticipantAttribute(c, { participantId: 'P02', name: 'age', value: '67' }, amy);
    await removeParticipantAttribute(c, 'P02', 'age');
    expect((await listParticipantAttributes(c)).map((a) => [a.participant_id, a.name, a.value])).toEqual([
      ['P01', 'gender', 'female'],
      ['P02', 'has children', null],
      ['P03', 'gender', 'female']
    ]);
    expect(await attributeValues(c)).toEqual([
      { name: 'gender', values: ['female'] },
      { name: 'has children', values: ['yes'] }
    ]);
    await expect(setParticipantAttribute(c, { participantId: 'P09', name: 'x', value: '1' })).rejects.toThrow(
      'No participant P09'
    );
    await expect(setParticipantAttribute(c, { participantId: 'P01', name: '  ', value: '1' })).rejects.toThrow(
      'An attribute needs a name'
    );

    const matrix = await frameworkMatrix(c, barriers.category_id, { groupBy: 'gender' });
    expect(matrix.groups.map((g) => [g.group, g.rows.map((r) => r.participant.participant_id)])).toEqual([
      ['female', ['P01', 'P03']],
      ['No gender', ['P02']]
    ]);

    // IG coded for P01 and P03 (both female) and P02 (no gender): filtered to gender: female, 2 of 2.
    await addCoding(c, { transcriptId: transcripts.P01, start: 3, end: 17, codeId: governance.code_id }, amy);
    await addCoding(c, { transcriptId: transcripts.P02, start: 0, end: 10, codeId: governance.code_id }, amy);
    await addCoding(c, { transcriptId: transcripts.P03, start: 3, end: 16, codeId: governance.code_id }, amy);
    const { chosen } = await attributeChoice(c, 'gender: female');
    expect(chosen).toEqual({ name: 'gender', value: 'female' });
    const filtered = (await themePrevalence(c, { categoryId: barriers.category_id, attribute: chosen }))
      .filter((r) => r.code_id === governance.code_id)
      .map((r) => [r.stakeholder_group, r.participants_with_code, r.participants_in_group]);
    expect(filtered).toEqual([
      ['clinicians', 1, 1],
      ['funders', 1, 1]
    ]);
    const everyone = (await themePrevalence(c, { categoryId: barriers.category_id }))
      .filter((r) => r.code_id === governance.code_id)
      .map((r) => [r.stakeholder_group, r.participants_with_code, r.participants_in_group]);
    expect(everyone).toEqual([
      ['clinicians', 2, 2],
      ['funders', 1, 1]
    ]);
    expect(
      (await quoteBank(c, { codeId: governance.code_id, attribute: chosen })).map((q) => q.participant_id)
    ).toEqual(['P03', 'P01']);
  });
});

describe('code groups and the Other code', () => {
  it('a group lists codes in order; a category gets an Other code only when asked, once', async () => {
    const c = warehouse.connection;
    const { amy, governance, workload } = await smallStudy(c);
    const id = await addCodeGroup(
      c,
      { name: 'Everyday friction', memberIds: [workload.code_id, governance.code_id, workload.code_id] },
      amy
    );
    expect(await listCodeGroups(c)).toEqual([
      { group_id: id, name: 'Everyday friction', description: null, member_ids: [workload.code_id, governance.code_id] }
    ]);
    const bare = await addCategory(c, { name: 'Facilitators', withoutOther: true }, amy);
    expect((await getCodebook(c)).find((k) => k.category_id === bare.category_id)!.codes).toEqual([]);
    const other = await addOtherCode(c, bare.category_id, amy);
    expect([other.name, other.is_other, other.definition]).toEqual([
      'Other',
      true,
      'Material on "Facilitators" that fits none of its codes yet.'
    ]);
    await expect(addOtherCode(c, bare.category_id, amy)).rejects.toThrow('This category already has an Other code');
  });
});

describe("a cell's history and memos", () => {
  it('lists every version with who and when, latest first; a memo can come before any summary', async () => {
    const c = warehouse.connection;
    const { governance } = await smallStudy(c);
    const memo = await addCellMemo(
      c,
      { participantId: 'P01', codeId: governance.code_id, body: 'Ask about the DPIA', title: 'Follow up' },
      actor('bo')
    );
    expect([memo.target_kind, memo.author, memo.title]).toEqual(['cell', 'bo', 'Follow up']);
    const first = { participantId: 'P01', codeId: governance.code_id };
    await saveCellSummary(
      c,
      { ...first, summary: 'IG was unclear to the funder.' },
      actor('amy', () => new Date('2024-01-02T10:00:00Z'))
    );
    await saveCellSummary(
      c,
      { ...first, summary: 'IG rules were unclear to the funder at first.', expectedVersion: 1 },
      actor('bo', () => new Date('2024-01-03T11:30:00Z'))
    );
    const history = await cellHistory(c, 'P01', governance.code_id);
    expect(history.versions.map((v) => [v.version, v.saved_by, v.saved_at, v.summary])).toEqual([
      [2, 'bo', '2024-01-03 11:30:00', 'IG rules were unclear to the funder at first.'],
      [1, 'amy', '2024-01-02 10:00:00', 'IG was unclear to the funder.']
    ]);
    expect(history.memos.map((m) => m.body)).toEqual(['Ask about the DPIA']);
    await expect(addCellMemo(c, { ...first, body: '  ' })).rejects.toThrow('A memo needs some text');
  });

  it('the difference between two summaries, word by word', () => {
    expect(diffSummaries('IG was unclear to the funder.', 'IG rules were unclear to the funder at first.')).toEqual([
      { kind: 'same', text: 'IG ' },
      { kind: 'removed', text: 'was ' },
      { kind: 'added', text: 'rules were ' },
      { kind: 'same', text: 'unclear to the ' },
      { kind: 'removed', text: 'funder.' },
      { kind: 'added', text: 'funder at first.' }
    ]);
    expect(diffSummaries('', 'New')).toEqual([{ kind: 'added', text: 'New' }]);
    expect(diffSummaries('Same', 'Same')).toEqual([{ kind: 'same', text: 'Same' }]);
  });
});
