/**
 * Loading the same bytes again changes nothing (`load`: "same content hash → nothing changes, and it says so"),
 * whatever the file is called; a batch mixing old and new files loads the new ones and lists the old as skipped.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixture, NOW, scratchWarehouse, type ScratchWarehouse } from './helpers/scratch-warehouse.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const later = new Date(NOW.getTime() + 3600_000);
const VALID_FILES = ['features.csv', 'programme.csv', 'services.csv', 'uptake-2016-12-31.csv', 'uptake-2017-01-31.csv'];

/** Every table the loader writes, counted. */
async function everything(scratch: ScratchWarehouse) {
  const [row] = await scratch.rows(`SELECT
    (SELECT count(*)::INTEGER FROM programme) AS programme, (SELECT count(*)::INTEGER FROM service) AS service,
    (SELECT count(*)::INTEGER FROM feature) AS feature, (SELECT count(*)::INTEGER FROM snapshot) AS snapshot,
    (SELECT count(*)::INTEGER FROM load_file) AS load_file, (SELECT count(*)::INTEGER FROM load_problem) AS load_problem,
    (SELECT count(*)::INTEGER FROM load_batch) AS load_batch`);
  return row;
}

test('the same files twice: the second load is "already-loaded", skips every file and changes nothing', async () => {
  const scratch = await scratchWarehouse();
  const first = await scratch.load([fixture('valid')]);
  expect(first.outcome).toBe('loaded');
  const after = await everything(scratch);
  expect(after).toEqual({
    programme: 1,
    service: 3,
    feature: 4,
    snapshot: 4,
    load_file: 5,
    load_problem: 0,
    load_batch: 1
  });

  const second = await scratch.load([fixture('valid')], { now: later });
  expect(second.outcome).toBe('already-loaded');
  expect(second.loaded).toEqual([]);
  expect(second.problems).toEqual([]);
  expect(second.skipped.map((f) => [f.file, f.sha256])).toEqual(
    VALID_FILES.map((f) => [f, sha256(fixture('valid', f))])
  );
  expect(await everything(scratch)).toEqual(after);
  expect(readdirSync(join(scratch.rawDir, 'batches'))).toEqual([`${first.batchId}.json`]);
});

test('the same bytes under another name are the same file', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('valid')]);
  const before = await everything(scratch);
  const renamed = join(scratch.folder, 'uptake-january-resent.csv');
  copyFileSync(fixture('valid', 'uptake-2017-01-31.csv'), renamed);

  const report = await scratch.load([renamed], { now: later });
  expect(report.outcome).toBe('already-loaded');
  expect(report.skipped).toEqual([
    {
      file: 'uptake-january-resent.csv',
      sha256: sha256(renamed),
      kind: '',
      rows: 0,
      asOf: null,
      bytes: readFileSync(renamed).length
    }
  ]);
  expect(await everything(scratch)).toEqual(before);
});

test('one batch holding the same bytes twice loads them once', async () => {
  const scratch = await scratchWarehouse();
  const copy = join(scratch.folder, 'uptake-copy.csv');
  copyFileSync(fixture('valid', 'uptake-2017-01-31.csv'), copy);
  const report = await scratch.load([
    fixture('valid', 'services.csv'),
    fixture('valid', 'uptake-2017-01-31.csv'),
    copy
  ]);
  expect(report.outcome).toBe('loaded');
  expect(report.loaded.map((f) => f.file)).toEqual(['services.csv', 'uptake-2017-01-31.csv']);
  expect(report.skipped.map((f) => f.file)).toEqual(['uptake-copy.csv']);
  expect(await scratch.counts()).toEqual({ programme: 0, service: 3, feature: 0, snapshot: 2 });
});

test('a batch of old and new files loads the new ones and lists the old as skipped', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('valid', 'services.csv'), fixture('valid', 'uptake-2016-12-31.csv')]);
  const report = await scratch.load([fixture('valid', 'services.csv'), fixture('valid', 'uptake-2017-01-31.csv')], {
    now: later
  });
  expect(report.outcome).toBe('loaded');
  expect(report.skipped.map((f) => f.file)).toEqual(['services.csv']);
  expect(report.loaded.map((f) => [f.file, f.kind, f.rows, f.asOf])).toEqual([
    ['uptake-2017-01-31.csv', 'uptake', 2, '2017-01-31']
  ]);
  expect(await scratch.counts()).toEqual({ programme: 0, service: 3, feature: 0, snapshot: 4 });
});

test('a rejected file is not "loaded before": once fixed, or even unchanged after its services arrive, it loads', async () => {
  const scratch = await scratchWarehouse();
  const uptake = fixture('valid', 'uptake-2017-01-31.csv');
  // Alone, its services are unknown: rejected.
  expect((await scratch.load([uptake])).outcome).toBe('rejected');
  const retry = await scratch.load([fixture('valid', 'services.csv'), uptake], { now: later });
  expect(retry.outcome).toBe('loaded');
  expect(retry.loaded.map((f) => f.file)).toEqual(['services.csv', 'uptake-2017-01-31.csv']);
});
