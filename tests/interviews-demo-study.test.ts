/**
 * The demo study (pipeline/qualitative/demo-study.ts) loaded into an in-memory warehouse: exact counts, idempotence,
 * code-point offsets after P06's emoji, the two coders' agreement worked out from the passages' own lengths, the
 * charted cells with their quotes, prevalence by group, and the XLSX matrix read back.
 */
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { loadDemoStudy, findPassage, DEMO_STUDY_DIR } from '../pipeline/qualitative/demo-study.ts';
import { DEMO_CODER_A, DEMO_CODER_B } from '../pipeline/qualitative/demo-study-plan.ts';
import { rows } from '../pipeline/qualitative/store.ts';
import { QUALITATIVE_TABLES } from '../pipeline/qualitative/schema.ts';
import { interCoderAgreement } from '../pipeline/qualitative/agreement.ts';
import { themePrevalence } from '../pipeline/qualitative/interpretation.ts';
import { matrixWorkbook, sheetName } from '../pipeline/qualitative/matrix-xlsx.ts';
import { runCli } from '../pipeline/cli/program.ts';
import type { CliEffects } from '../pipeline/cli/effects.ts';
import { tmpdir } from 'node:os';

let warehouse: Warehouse;
const text = (file: string) => readFileSync(join(DEMO_STUDY_DIR, file), 'utf8').replace(/\n+$/, '');

async function tableCounts() {
  const counts: Record<string, number> = {};
  for (const table of QUALITATIVE_TABLES) {
    counts[table] = (
      await rows<{ n: number }>(warehouse.connection, `SELECT CAST(count(*) AS INTEGER) AS n FROM ${table}`)
    )[0].n;
  }
  return counts;
}

beforeAll(async () => {
  warehouse = await openWarehouse(':memory:');
});
afterAll(() => warehouse?.close());

describe('loading the demo study', () => {
  test('loads 16 participants and transcripts, the topic guide, 44 codings by 2 coders, 7 cells and 2 memos', async () => {
    expect(await loadDemoStudy(warehouse.connection)).toEqual({
      outcome: 'loaded',
      participants: 16,
      transcripts: 16,
      codes: 45,
      codings: 44,
      coders: 2,
      cells: 7,
      memos: 2
    });
  });

  test('a second load changes nothing: the workbench already holds a study', async () => {
    const before = await tableCounts();
    expect(await loadDemoStudy(warehouse.connection)).toEqual({
      outcome: 'skipped',
      participants: 16,
      transcripts: 16,
      codes: 45
    });
    expect(await tableCounts()).toEqual(before);
    expect(before.coding).toBe(44);
  });
});

test('a coding after P06’s emoji starts at the code-point offset (one less than the UTF-16 offset)', async () => {
  const body = text('P06-clinician.txt');
  const passage = 'Before, that would have been a phone call, a message left, a call back, a missed call…';
  const [coding] = await rows<{ start_cp: number; end_cp: number; text: string }>(
    warehouse.connection,
    `SELECT g.start_cp, g.end_cp, substring(t.text, g.start_cp + 1, g.end_cp - g.start_cp) AS text
       FROM coding g JOIN transcript t USING (transcript_id) WHERE t.participant_id = 'P06' AND g.start_cp > 5076 AND g.end_cp - g.start_cp = $n`,
    { n: [...passage].length }
  );
  expect(coding.text).toBe(passage);
  expect(coding.start_cp).toBe(body.indexOf(passage) - 1);
  expect(findPassage(body, passage, 'P06')).toEqual({ start: coding.start_cp, end: coding.end_cp });
});

test('agreement between the demo coders follows from the passages they chose', async () => {
  const report = await interCoderAgreement(warehouse.connection, { coderA: DEMO_CODER_A, coderB: DEMO_CODER_B });
  expect(report.transcriptIds).toHaveLength(2); // P03 and P07
  const length = (s: string) => [...s].length;
  const enquiries = report.codes.find((c) => c.code_name === 'Patient enquiries')!;
  // Both coded P03's worry and P07's potassium sentence, and the short form of P03's "no increase"; coder B's
  // longer version of it adds "No. That's the honest answer. " alone.
  expect(enquiries.both).toBe(
    length(
      "Their worry was workload. If women can see their results online, what happens when they see something they don't understand?"
    ) +
      length("We haven't seen an increase in queries at all.") +
      length('They ring the surgery and book a ten-minute appointment to ask what their potassium means.')
  );
  expect(enquiries.only_a).toBe(0);
  expect(enquiries.only_b).toBe(length("No. That's the honest answer. "));
  expect(enquiries.units).toBe(length(text('P03-clinician.txt')) + length(text('P07-clinician.txt')));
  const champions = report.codes.find((c) => c.code_name === 'Clinical champions')!;
  expect([champions.agreement, champions.kappa]).toEqual([1, 1]);
  const startSmall = report.codes.find((c) => c.code_name === 'Start small')!;
  expect([startSmall.both, startSmall.only_b, startSmall.kappa]).toEqual([0, 0, 0]);
});

test('prevalence counts participants: national data sharing policy is raised by 2 of 5 clinicians and 1 of 3 CCG representatives', async () => {
  const found = (await themePrevalence(warehouse.connection)).filter(
    (r) => r.code_name === 'National data sharing policy'
  );
  const byGroup = Object.fromEntries(
    found.map((r) => [r.stakeholder_group, `${r.participants_with_code} of ${r.participants_in_group}`])
  );
  expect(byGroup).toEqual({
    'bid author': '0 of 2',
    'CCG representative': '1 of 3',
    clinician: '2 of 5',
    funder: '0 of 2',
    'programme team': '0 of 2',
    supplier: '0 of 2'
  });
});

test('the charted cells: P07’s is reviewed, with its two quotes in order; P10’s is written without coding', async () => {
  const cells = await rows<{ participant_id: string; status: string; version: number; quotes: number }>(
    warehouse.connection,
    `SELECT m.participant_id, m.status, m.version, CAST(count(q.quote_id) AS INTEGER) AS quotes
       FROM matrix_cell m JOIN code c USING (code_id) LEFT JOIN cell_quote q USING (cell_id)
      WHERE c.name IN ('National data sharing policy', 'Clinician workload')
      GROUP BY m.participant_id, c.name, m.status, m.version ORDER BY m.participant_id, c.name`
  );
  expect(cells).toEqual([
    { participant_id: 'P05', status: 'drafted', version: 1, quotes: 1 },
    { participant_id: 'P07', status: 'reviewed', version: 1, quotes: 2 },
    { participant_id: 'P08', status: 'drafted', version: 1, quotes: 1 },
    { participant_id: 'P10', status: 'drafted', version: 1, quotes: 0 }
  ]);
});

test('the XLSX matrix: a sheet per category, each cell the summary then its quotes with where they are', async () => {
  const workbook = new ExcelJS.Workbook();
  const bytes = await matrixWorkbook(warehouse.connection, { now: new Date('2017-03-01T00:00:00Z') });
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  expect(workbook.worksheets.map((s) => s.name)).toEqual([
    '1 General views towards the CIE',
    '2 Key stakeholders in CIE progr',
    '3 Processes of stakeholder enga',
    '4 Barriers and facilitators to',
    '5 Communication approaches',
    '6 Advice for future programmes'
  ]);
  expect(sheetName('4', 'Barriers and facilitators to implementation')).toBe('4 Barriers and facilitators to');
  const sheet = workbook.getWorksheet('4 Barriers and facilitators to')!;
  const header = (sheet.getRow(1).values as string[]).slice(1);
  expect(header.slice(0, 4)).toEqual(['Stakeholder group', 'Participant', 'Id', '4.1 National data sharing policy']);
  const p07 = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(3).value === 'P07')!;
  expect(p07.getCell(1).value).toBe('clinician');
  expect(p07.getCell(4).value).toBe(
    'Will not sign while ownership, liability and withdrawal are unanswered [Q1]; the LMC advised caution until the national position is clear, and he agrees with it [Q2].\n' +
      "[Q1] “Who owns the data once it's in there? Is it the patient's, because it's a patient-held record? Is it the system's? Is it still ours?” — [CLINICIAN 5], P07-clinician, line 32\n" +
      "[Q2] “They were saying the national guidance isn't clear enough for us to tell you it's safe.” — [CLINICIAN 5], P07-clinician, line 37"
  );
  expect(p07.getCell(4).note).toBe('reviewed, version 1');
  expect(sheet.rowCount).toBe(17);
});

test('uptake transcripts demo: loads once, then says the workbench already holds a study; a missing folder is a usage error', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-demo-cli-'));
  const db = join(folder, 'uptake.duckdb');
  const uptake = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const effects: CliEffects = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      isTTY: false,
      env: {}
    };
    return { code: await runCli(['--db', db, ...args], effects), stdout, stderr };
  };
  try {
    expect(await uptake(['transcripts', 'demo'])).toEqual({
      code: 0,
      stdout: `Loaded the demo study into ${db}: 16 participants, 16 transcripts, 45 codes, 44 codings by 2 coders, 7 matrix cells and 2 memos.\n`,
      stderr: ''
    });
    expect(await uptake(['transcripts', 'demo'])).toEqual({
      code: 0,
      stdout:
        'The interviews workbench already holds a study (16 participants, 16 transcripts, 45 codes); the demo study was not loaded.\n',
      stderr: ''
    });
    expect(await uptake(['transcripts', 'demo', '--folder', join(folder, 'nowhere')])).toEqual({
      code: 2,
      stdout: '',
      stderr: `uptake: There is no folder ${join(folder, 'nowhere')}.\n`
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
