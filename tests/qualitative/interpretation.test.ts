import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cohensKappa, interCoderAgreement } from '../../pipeline/qualitative/agreement.ts';
import { addCoding } from '../../pipeline/qualitative/coding.ts';
import { codeCoOccurrence, quoteBank, themePrevalence } from '../../pipeline/qualitative/interpretation.ts';
import { saveCellSummary } from '../../pipeline/qualitative/matrix.ts';
import { saveParticipants } from '../../pipeline/qualitative/participants.ts';
import { storeTranscript } from '../../pipeline/qualitative/transcripts.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

describe('theme prevalence by stakeholder group', () => {
  it('counts participants with at least one coding, not codings', async () => {
    const { barriers, governance, transcripts, amy } = await smallStudy(warehouse.connection);
    // P02 (clinicians) coded five times with governance: still one participant.
    for (const [s, e] of [
      [3, 10],
      [3, 22],
      [10, 22],
      [27, 50],
      [30, 40]
    ]) {
      await addCoding(
        warehouse.connection,
        { transcriptId: transcripts.P02, start: s, end: e, codeId: governance.code_id },
        amy
      );
    }
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    const rows = await themePrevalence(warehouse.connection, { categoryId: barriers.category_id });
    expect(
      rows
        .filter((r) => r.code_id === governance.code_id)
        .map((r) => [r.stakeholder_group, r.participants_with_code, r.participants_in_group, r.share])
    ).toEqual([
      ['clinicians', 1, 2, 0.5],
      ['funders', 1, 1, 1]
    ]);
    expect(rows.map((r) => r.code_name)).toEqual([
      'Information governance',
      'Information governance',
      'Workload',
      'Workload',
      'Other',
      'Other'
    ]);
  });

  it('counts written summaries as presence only when asked (rapid analysis)', async () => {
    const { governance, amy } = await smallStudy(warehouse.connection);
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P03', codeId: governance.code_id, summary: 'IG held things up.' },
      amy
    );
    const presence = async (evidence: 'codings' | 'codings-or-summaries') =>
      (await themePrevalence(warehouse.connection, { evidence }))
        .filter((r) => r.code_id === governance.code_id)
        .map((r) => [r.stakeholder_group, r.participants_with_code]);
    expect(await presence('codings')).toEqual([
      ['clinicians', 0],
      ['funders', 0]
    ]);
    expect(await presence('codings-or-summaries')).toEqual([
      ['clinicians', 1],
      ['funders', 0]
    ]);
  });
});

describe('co-occurrence and the quote bank', () => {
  it('pairs codes whose codings overlap in the same transcript; touching spans do not overlap', async () => {
    const { governance, workload, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 3, end: 22, codeId: governance.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 10, end: 30, codeId: workload.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 17, end: 30, codeId: workload.code_id },
      amy
    );
    const pairs = await codeCoOccurrence(warehouse.connection);
    expect(
      pairs.map((p) => [[p.code_a_name, p.code_b_name].sort().join(' + '), p.overlaps, p.transcripts, p.participants])
    ).toEqual([['Information governance + Workload', 1, 1, 1]]);
  });

  it("gives a theme's passages with who said them and where, filtered by group, one entry per passage", async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 3, end: 17, codeId: governance.code_id },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P03, start: 3, end: 17, codeId: governance.code_id, coder: 'ben' },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 21, end: 42, codeId: governance.code_id },
      amy
    );
    const all = await quoteBank(warehouse.connection, { codeId: governance.code_id });
    expect(all.map((q) => [q.stakeholder_group, q.pseudonym, q.text, q.line_start, q.coders])).toEqual([
      ['clinicians', 'Clinician B', 'IG held us up.', 1, ['amy', 'ben']],
      ['funders', 'Funder A', 'R: The LMC said wait.', 2, ['amy']]
    ]);
    expect(
      (await quoteBank(warehouse.connection, { codeId: governance.code_id, stakeholderGroup: 'funders' })).map(
        (q) => q.pseudonym
      )
    ).toEqual(['Funder A']);
  });
});

describe("inter-coder agreement (Cohen's kappa)", () => {
  it('the textbook 2×2 example: 20 both, 5 A only, 10 B only, 15 neither → agreement 0.7, kappa 0.4', () => {
    // po = 35/50 = 0.7; A yes 25, B yes 30: pe = (25·30 + 25·20) / 50² = 0.5; kappa = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    const { agreement, kappa } = cohensKappa({ both: 20, only_a: 5, only_b: 10, neither: 15 });
    expect(agreement).toBeCloseTo(0.7, 12);
    expect(kappa).toBeCloseTo(0.4, 12);
    expect(cohensKappa({ both: 0, only_a: 0, only_b: 0, neither: 9 })).toEqual({ agreement: 1, kappa: 1 });
  });

  it('the same example at character level: a 50-code-point transcript with emoji, A codes 0–25, B codes 5–35', async () => {
    const amy = actor('amy');
    await saveParticipants(warehouse.connection, [
      {
        participant_id: 'P09',
        pseudonym: 'X',
        stakeholder_group: null,
        organisation_setting: null,
        role: null,
        interview_date: null
      }
    ]);
    const text = '😀'.repeat(10) + 'a'.repeat(40); // 50 code points, 60 UTF-16 units
    const { transcript_id } = await storeTranscript(
      warehouse.connection,
      { text, title: 'K', format: 'txt', participantId: 'P09' },
      amy
    );
    const { code_id } = (await smallStudy(warehouse.connection)).governance;
    await addCoding(
      warehouse.connection,
      { transcriptId: transcript_id, start: 0, end: 25, codeId: code_id, coder: 'A' },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcript_id, start: 5, end: 20, codeId: code_id, coder: 'B' },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcript_id, start: 15, end: 35, codeId: code_id, coder: 'B' },
      amy
    ); // overlaps B's first: union 5–35
    const report = await interCoderAgreement(warehouse.connection, { coderA: 'A', coderB: 'B' });
    expect(report.unit).toBe('character');
    expect(report.transcriptIds).toEqual([transcript_id]);
    const [row] = report.codes;
    expect([row.code_name, row.units, row.both, row.only_a, row.only_b, row.neither]).toEqual([
      'Information governance',
      50,
      20,
      5,
      10,
      15
    ]);
    expect(row.agreement).toBeCloseTo(0.7, 12);
    expect(row.kappa).toBeCloseTo(0.4, 12);
  });

  it('at turn level each speaker turn is one unit', async () => {
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    // P02 has two turns. A codes turn 1; B codes turns 1 and 2 → both 1, B only 1: po 0.5, pe 0.5, kappa 0.
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 5, end: 10, codeId: governance.code_id, coder: 'A' },
      amy
    );
    await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P02, start: 3, end: 40, codeId: governance.code_id, coder: 'B' },
      amy
    );
    const [row] = (await interCoderAgreement(warehouse.connection, { coderA: 'A', coderB: 'B', unit: 'turn' })).codes;
    expect([row.units, row.both, row.only_a, row.only_b, row.neither, row.agreement, row.kappa]).toEqual([
      2, 1, 0, 1, 0, 0.5, 0
    ]);
  });
});
