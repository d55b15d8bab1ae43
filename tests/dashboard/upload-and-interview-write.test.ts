/**
 * The server's writers share one queue: an upload (site/lib/server/uploads.ts) and an Interviews edit
 * (site/lib/server/interviews.ts → write-queue.ts) asked for together run one after the other, never interleaved.
 * Each side records what it found in the database when it ran, so the order shows in the data, not in timings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadUploadedFile } from '../../site/lib/server/uploads.ts';
import { withReader, withWriter } from '../../site/lib/server/interviews.ts';
import { addCategory, getCodebook } from '../../pipeline/qualitative/codebook.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';

const folder = mkdtempSync(join(tmpdir(), 'uptake-one-writer-'));
const programme = readFileSync('data/demo/programme.csv');
const services = readFileSync('data/demo/services.csv');
const clock = { user: 'amira', now: () => new Date('2026-03-02T09:00:00Z') };

const loadedFiles = async (connection: DuckDBConnection) =>
  (await queryRows<{ file_name: string }>(connection, 'SELECT file_name FROM load_file ORDER BY file_name')).map(
    (r) => r.file_name
  );
const categories = async (connection: DuckDBConnection) => (await getCodebook(connection)).map((c) => c.name);

beforeAll(() => {
  process.env.UPTAKE_DB = join(folder, 'uptake.duckdb');
});

afterAll(() => {
  process.emit('sveltekit:shutdown' as never); // the server's warehouse closes on this, as at a real shutdown
  delete process.env.UPTAKE_DB;
  rmSync(folder, { recursive: true, force: true });
});

/** An Interviews edit that adds a category, returning the files it found loaded when it ran. */
const addCategorySeeingLoads = (name: string) =>
  withWriter(async (connection) => {
    const seen = await loadedFiles(connection);
    await addCategory(connection, { name }, clock);
    return seen;
  });

/** Notes the name in `finished` when the write settles, so the order writes finished in can be checked. */
const noting = <T>(finished: string[], name: string, write: Promise<T>) =>
  write.then((value) => {
    finished.push(name);
    return value;
  });

describe('one writer for the whole server', () => {
  it('an edit asked for while an upload loads starts only once the whole upload is in', async () => {
    const finished: string[] = [];
    const upload = noting(finished, 'upload', loadUploadedFile('programme.csv', programme));
    const edit = noting(finished, 'edit', addCategorySeeingLoads('Access'));
    const [report, seenByEdit] = await Promise.all([upload, edit]);
    expect(report.outcome).toBe('loaded');
    expect(seenByEdit).toEqual(['programme.csv']);
    expect(finished).toEqual(['upload', 'edit']);
  });

  it('an upload asked for while an edit runs loads only after the edit has committed', async () => {
    const finished: string[] = [];
    const edit = noting(finished, 'edit', addCategorySeeingLoads('Trust'));
    const upload = noting(finished, 'upload', loadUploadedFile('services.csv', services));
    const [seenByEdit, report] = await Promise.all([edit, upload]);
    expect(seenByEdit).toEqual(['programme.csv']);
    expect(report.outcome).toBe('loaded');
    expect(finished).toEqual(['edit', 'upload']);
    const after = await withReader(async (connection) => ({
      files: await loadedFiles(connection),
      categories: await categories(connection)
    }));
    expect(after).toEqual({ files: ['programme.csv', 'services.csv'], categories: ['Access', 'Trust'] });
  });
});
