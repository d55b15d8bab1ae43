/**
 * `uptake transcripts import` and `uptake qda import|export`, run in-process with captured output.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliEffects } from '../../pipeline/cli/effects.ts';
import { runCli } from '../../pipeline/cli/program.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';
import { bareQdePath, shapeArchive } from './refi-shapes.ts';

async function uptake(args: string[]) {
  let stdout = '';
  let stderr = '';
  const effects: CliEffects = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: false,
    env: {}
  };
  const code = await runCli(args, effects);
  return { code, stdout, stderr };
}

function studyFolder() {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-qda-cli-'));
  const file = (name: string, text: string) => (writeFileSync(join(folder, name), text), join(folder, name));
  return {
    folder,
    db: join(folder, 'uptake.duckdb'),
    participants: file(
      'participants.csv',
      'participant_id,pseudonym,stakeholder_group\nP01,Clinician A,clinicians\nP02,Funder A,funders\n'
    ),
    names: file('names.txt', 'clinician: Dr Tom Reid; Tom Reid; Dr Reid\nhospital: Northwick Park\n'),
    p01: file(
      'P01-clinician.txt',
      'INTERVIEWER: Where do you work?\nP01: At Northwick Park, with Dr Reid.\nP01: Ring me on 020 7946 0018.\n'
    ),
    p02: file('P02-funder.txt', 'INTERVIEWER: Hello.\nP02: Tom Reid told us about it.\n')
  };
}

describe('uptake transcripts import', () => {
  it('loads participants, anonymises, links files to participants, and writes the key only to --key-out', async () => {
    const s = studyFolder();
    const key = join(s.folder, 'key.json');
    const result = await uptake([
      '--db',
      s.db,
      'transcripts',
      'import',
      s.p01,
      s.p02,
      '--participants',
      s.participants,
      '--names',
      s.names,
      '--key-out',
      key
    ]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Participants: 2 added, 0 updated.',
        'P01-clinician.txt: imported; participant P01; 3 replacements applied; 3 speaker turns.',
        'P02-funder.txt: imported; participant P02; 1 replacement applied; 2 speaker turns.',
        `Pseudonym key written to ${key} (keep it apart from the transcripts).`,
        ''
      ].join('\n')
    });
    expect(JSON.parse(readFileSync(key, 'utf8')).entries.map((e: { pseudonym: string }) => e.pseudonym)).toEqual([
      '[CLINICIAN 1]',
      '[HOSPITAL A]'
    ]);
    const warehouse = await openWarehouse(s.db);
    try {
      const texts = await queryRows<{ text: string }>(
        warehouse.connection,
        'SELECT text FROM transcript ORDER BY participant_id'
      );
      expect(texts.map((t) => t.text)).toEqual([
        'INTERVIEWER: Where do you work?\nP01: At [HOSPITAL A], with [CLINICIAN 1].\nP01: Ring me on [PHONE].',
        'INTERVIEWER: Hello.\nP02: [CLINICIAN 1] told us about it.'
      ]);
      // No text column of any table holds a real name: the key went to the file alone.
      const columns = await queryRows<{ table_name: string; column_name: string }>(
        warehouse.connection,
        "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' AND table_schema = 'main'"
      );
      for (const { table_name, column_name } of columns) {
        const [hit] = await queryRows<{ n: number }>(
          warehouse.connection,
          `SELECT CAST(count(*) AS INTEGER) AS n FROM "${table_name}" WHERE "${column_name}" LIKE '%Reid%' OR "${column_name}" LIKE '%Northwick%' OR "${column_name}" LIKE '%7946%'`
        );
        expect([table_name, column_name, hit.n]).toEqual([table_name, column_name, 0]);
      }
    } finally {
      warehouse.close();
    }
  });

  it('--dry-run lists each proposal with its line and column and stores nothing', async () => {
    const s = studyFolder();
    const result = await uptake(['--db', s.db, 'transcripts', 'import', s.p01, '--names', s.names, '--dry-run']);
    expect(result.stdout).toBe(
      [
        'P01-clinician.txt: not stored (dry run); participant none; 3 replacements proposed; 3 speaker turns.',
        '    line 2, column 9: name "Northwick Park" → [HOSPITAL A]',
        '    line 2, column 30: name "Dr Reid" → [CLINICIAN 1]',
        '    line 3, column 17: phone "020 7946 0018" → [PHONE]',
        '    No participant matched the file name; link it to a participant later.',
        ''
      ].join('\n')
    );
    const warehouse = await openWarehouse(s.db);
    try {
      expect(await queryRows(warehouse.connection, 'SELECT * FROM transcript')).toEqual([]);
    } finally {
      warehouse.close();
    }
  });

  it('a participants CSV with problems imports nothing and exits 1; a missing file is a usage error (2)', async () => {
    const s = studyFolder();
    writeFileSync(s.participants, 'participant_id,pseudonym,interview_date\nP01,A,2017-13-01\n');
    const bad = await uptake(['--db', s.db, 'transcripts', 'import', s.p01, '--participants', s.participants]);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      `${s.participants}: 1 problem; nothing was imported.\n  ${s.participants}:2:interview_date: 2017-13-01 — Not a date (use yyyy-mm-dd or dd/mm/yyyy).\n`
    ]);
    const missing = await uptake(['--db', s.db, 'transcripts', 'import', join(s.folder, 'nope.txt')]);
    expect([missing.code, missing.stderr]).toEqual([2, `uptake: There is no file ${join(s.folder, 'nope.txt')}.\n`]);
  });
});

describe('uptake qda export and import', () => {
  it('exports a .qdpx and imports it into another warehouse, reporting no deviations', async () => {
    const s = studyFolder();
    await uptake(['--db', s.db, 'transcripts', 'import', s.p01, s.p02, '--participants', s.participants]);
    const out = join(s.folder, 'study.qdpx');
    const exported = await uptake(['--db', s.db, 'qda', 'export', '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout.split('\n')[0]).toBe(
      `Wrote ${out}: 2 transcripts, 2 participants, 0 codes and categories, 0 codings, 0 memos, 0 matrix cells.`
    );
    expect(existsSync(out)).toBe(true);
    const other = join(s.folder, 'other.duckdb');
    const imported = await uptake(['--db', other, 'qda', 'import', out]);
    expect(imported).toEqual({
      code: 0,
      stderr: '',
      stdout: `${out}\n  Carried: 2 transcripts, 2 participants, 0 categories, 0 codes, 0 codings, 0 memos, 0 matrix cells.\n  Tolerated: nothing; the file follows the REFI-QDA standard.\n  Not carried: nothing; everything in the file was carried.\n`
    });
  });

  it('refuses an --out that is neither .qdpx nor .qdc, and an import of another kind of file (exit 2)', async () => {
    const s = studyFolder();
    expect((await uptake(['--db', s.db, 'qda', 'export', '--out', join(s.folder, 'x.zip')])).code).toBe(2);
    expect((await uptake(['--db', s.db, 'qda', 'import', s.p01])).stderr).toBe(
      `uptake: Import a .qdpx (project), .qde (project file) or .qdc (codebook) file, not "${s.p01}".\n`
    );
  });

  it('imports several files, printing for each what was carried, what was tolerated and what was not', async () => {
    const s = studyFolder();
    const qdpx = join(s.folder, 'qc.qdpx');
    writeFileSync(qdpx, (await shapeArchive('qc')).bytes);
    const result = await uptake(['--db', s.db, 'qda', 'import', qdpx, bareQdePath()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        qdpx,
        '  Carried: 2 transcripts, 0 participants, 3 categories, 4 codes, 4 codings, 0 memos, 0 matrix cells.',
        '  Tolerated: 2 departures from the REFI-QDA standard',
        '    relative-path (2)',
        `      Source "board_2017": plainTextPath "board_2017.txt" is not an internal:// path; it was found in the archive's sources/ folder`,
        `      Source "board_2018": plainTextPath "board_2018.txt" is not an internal:// path; it was found in the archive's sources/ folder`,
        '  Not carried: nothing; everything in the file was carried.',
        bareQdePath(),
        '  Carried: 2 transcripts (1 without text), 0 participants, 1 category, 1 code, 1 coding, 0 memos, 0 matrix cells.',
        '  Tolerated: 1 departure from the REFI-QDA standard',
        '    bare-qde (1)',
        '      project.qde is a project file on its own, outside a .qdpx archive; its sources were looked for in the 1 file(s) beside it',
        '  Not carried: 1',
        '    source text "Interview 2": its text internal://A2000000-0000-4000-8000-000000000002.txt is not beside the .qde; the transcript is kept without text, with its 0 codings, until the text is imported',
        ''
      ].join('\n')
    );
  });
});
