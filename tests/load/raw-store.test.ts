/**
 * Raw landing and rebuild: every loaded file is kept byte for byte as data/raw/<sha256>.<ext>, each
 * batch has a record in data/raw/batches/, and `rebuild` recreates the same model tables from those alone, also when
 * the database file is gone.
 */
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readBatchRecords } from '../../pipeline/load/raw-store.ts';
import { rebuildWarehouse } from '../../pipeline/load/rebuild.ts';
import { fixture, NOW, scratchWarehouse, type ScratchWarehouse } from './helpers/scratch-warehouse.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const at = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);

test('every loaded file is in the raw store under its SHA-256, byte for byte, with a batch record', async () => {
  const scratch = await scratchWarehouse();
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('programme').addRows([
    ['programme', 'launched_on'],
    ['Test Programme', new Date(Date.UTC(2016, 0, 4))]
  ]);
  const book = join(scratch.folder, 'programme-workbook.xlsx');
  await workbook.xlsx.writeFile(book);
  const sources = [fixture('valid', 'services.csv'), fixture('valid', 'uptake-2017-01-31.csv'), book];

  const report = await scratch.load(sources);
  expect(report.outcome).toBe('loaded');
  for (const source of sources) {
    const ext = source.endsWith('.xlsx') ? '.xlsx' : '.csv';
    const landed = join(scratch.rawDir, `${sha256(source)}${ext}`);
    expect(readFileSync(landed).equals(readFileSync(source)), landed).toBe(true);
  }
  expect(readdirSync(scratch.rawDir).sort()).toEqual(
    [...sources.map((s) => `${sha256(s)}${s.endsWith('.xlsx') ? '.xlsx' : '.csv'}`), 'batches'].sort()
  );

  const [record] = readBatchRecords(scratch.rawDir);
  expect(readdirSync(join(scratch.rawDir, 'batches'))).toEqual([`${report.batchId}.json`]);
  expect(record.batchId).toBe(report.batchId);
  expect(record.loadedAt).toBe('2026-11-25 12:00:00.000');
  expect(record.profile.name).toBe('uptake-templates');
  // Files in the order given; the original names are kept for rebuild and for people.
  expect(record.files).toEqual([
    { name: 'services.csv', sha256: sha256(sources[0]), ext: '.csv' },
    { name: 'uptake-2017-01-31.csv', sha256: sha256(sources[1]), ext: '.csv' },
    { name: 'programme-workbook.xlsx', sha256: sha256(sources[2]), ext: '.xlsx' }
  ]);
  // The manifest names the same bytes.
  expect(
    await scratch.rows(
      `SELECT file_name, sha256, kind, rows, bytes::INTEGER AS bytes FROM load_file ORDER BY file_name`
    )
  ).toEqual([
    {
      file_name: 'programme-workbook.xlsx',
      sha256: sha256(book),
      kind: 'programme',
      rows: 1,
      bytes: readFileSync(book).length
    },
    {
      file_name: 'services.csv',
      sha256: sha256(sources[0]),
      kind: 'services',
      rows: 3,
      bytes: readFileSync(sources[0]).length
    },
    {
      file_name: 'uptake-2017-01-31.csv',
      sha256: sha256(sources[1]),
      kind: 'uptake',
      rows: 2,
      bytes: readFileSync(sources[1]).length
    }
  ]);
});

/** Everything rebuild must reproduce, as sorted rows: the model tables and the manifest of loaded files. */
async function landedState(scratch: ScratchWarehouse) {
  const sorted = (table: string, columns = '*') => scratch.rows(`SELECT ${columns} FROM ${table} ORDER BY ALL`);
  return {
    programme: await sorted('programme'),
    service: await sorted('service'),
    feature: await sorted('feature'),
    snapshot: await sorted('snapshot'),
    load_file: await sorted('load_file', `* EXCLUDE (loaded_at), loaded_at::VARCHAR AS loaded_at`),
    load_problem: await sorted('load_problem'),
    load_batch: await sorted('load_batch', 'batch_id, loaded_at::VARCHAR AS loaded_at')
  };
}

test('rebuild recreates identical tables from the raw store alone, with or without the old database file', async () => {
  const scratch = await scratchWarehouse();
  // A history with every kind of batch: a first load, a later snapshot, a back-fill, superseded figures, a rejection.
  await scratch.load([
    fixture('valid', 'programme.csv'),
    fixture('valid', 'services.csv'),
    fixture('valid', 'features.csv'),
    fixture('valid', 'uptake-2017-01-31.csv')
  ]);
  expect(
    (await scratch.load([fixture('valid', 'uptake-2016-12-31.csv')], { now: at(1) })).problems.map((p) => p.rule)
  ).toEqual(['back-fill', 'back-fill']);
  expect((await scratch.load([fixture('supersedes')], { now: at(2) })).problems.map((p) => p.rule)).toEqual([
    'supersedes'
  ]);
  expect((await scratch.load([fixture('unknown-service', 'uptake-2017-01-31.csv')], { now: at(3) })).outcome).toBe(
    'rejected'
  );

  const before = await landedState(scratch);
  expect(await scratch.counts()).toEqual({ programme: 1, service: 3, feature: 4, snapshot: 5 });
  scratch.close();

  expect(await rebuildWarehouse(scratch.dbPath, { rawDir: scratch.rawDir })).toEqual({ files: 6, batches: 3 });
  await scratch.reopen();
  const rebuilt = await landedState(scratch);
  // A rejected load left nothing in the raw store, so its record does not come back; everything else does.
  const loadedBatches = new Set(before.load_batch.map((b) => b.batch_id));
  expect(rebuilt).toEqual({
    ...before,
    load_file: before.load_file.filter((f) => f.outcome === 'loaded'),
    load_problem: before.load_problem.filter((p) => loadedBatches.has(p.batch_id))
  });
  expect(rebuilt.load_problem.map((p) => p.rule)).toEqual(['back-fill', 'back-fill', 'supersedes']);
  expect(
    await scratch.rows(`SELECT service_id, approached FROM snapshot_latest WHERE as_of = DATE '2017-01-31' ORDER BY 1`)
  ).toEqual([
    { service_id: 'SVC-A', approached: 104 },
    { service_id: 'SVC-B', approached: 20 }
  ]);

  scratch.close();
  rmSync(scratch.dbPath);
  rmSync(`${scratch.dbPath}.wal`, { force: true });
  expect(await rebuildWarehouse(scratch.dbPath, { rawDir: scratch.rawDir })).toEqual({ files: 6, batches: 3 });
  expect(existsSync(scratch.dbPath)).toBe(true);
  await scratch.reopen();
  expect(await landedState(scratch)).toEqual(rebuilt);
});
