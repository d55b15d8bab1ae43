/**
 * Snapshot rows name their file by the manifest's file id (`source_file`), no longer by its SHA-256 on every row. A
 * warehouse made before that (schema version 1: `snapshot.source_sha256`, no `load_file.file_id`) must open as it is,
 * its rows keeping which file they came from, and load more files afterwards.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

test('a warehouse from before file ids opens with each snapshot row naming its file by id, and loads on', async () => {
  const scratch = await scratchWarehouse();
  const report = await scratch.load([fixture('valid')]);
  expect(report.outcome).toBe('loaded');
  const byFile = `SELECT f.file_name, count(*)::INTEGER AS rows FROM snapshot s JOIN load_file f ON f.file_id = s.source_file
    GROUP BY ALL ORDER BY 1`;
  const before = await scratch.rows(byFile);
  expect(before).toEqual([
    { file_name: 'uptake-2016-12-31.csv', rows: 2 },
    { file_name: 'uptake-2017-01-31.csv', rows: 2 }
  ]);
  const reporting = `SELECT * FROM measure_reporting ORDER BY ALL`;
  const reportedBefore = await scratch.rows(reporting);
  // Put the warehouse back as schema version 1 wrote it: the SHA-256 on every snapshot row, no file ids.
  for (const sql of [
    `ALTER TABLE snapshot ADD COLUMN source_sha256 VARCHAR`,
    `UPDATE snapshot SET source_sha256 = (SELECT sha256 FROM load_file f WHERE f.file_id = snapshot.source_file)`,
    `ALTER TABLE snapshot DROP COLUMN source_file`,
    `ALTER TABLE load_file DROP COLUMN file_id`
  ])
    await scratch.warehouse.connection.run(sql);
  await scratch.reopen();

  expect(await scratch.rows(byFile)).toEqual(before);
  expect(await scratch.rows(reporting)).toEqual(reportedBefore);
  expect(
    await scratch.rows(
      `SELECT count(*)::INTEGER AS n FROM duckdb_columns() WHERE table_name = 'snapshot' AND column_name = 'source_sha256'`
    )
  ).toEqual([{ n: 0 }]);
  // Ids go on from the ones the manifest was given, so a later file's rows are told apart.
  const later = join(scratch.folder, 'uptake-2017-02-28.csv');
  writeFileSync(
    later,
    'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional\n' +
      '2017-02-28,SVC-A,110,90,70,6,4\n'
  );
  expect((await scratch.load([later])).outcome).toBe('loaded');
  expect(await scratch.rows(byFile)).toEqual([...before, { file_name: 'uptake-2017-02-28.csv', rows: 1 }]);
  expect(
    await scratch.rows(
      `SELECT count(DISTINCT file_id)::INTEGER AS ids, count(*)::INTEGER AS files FROM load_file WHERE outcome = 'loaded'`
    )
  ).toEqual([{ ids: 6, files: 6 }]);
});
