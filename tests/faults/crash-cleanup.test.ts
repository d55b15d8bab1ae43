/**
 * What a kill -9 in the middle of an upload leaves (the upload's temporary copy, a raw file landed before a commit
 * that never came, a half-copied `.partial-` file) is removed by cleanAfterCrash, which the dashboard runs when it
 * starts, and `uptake status` says what was removed. Files that a batch record or the load manifest names are kept.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanAfterCrash,
  readLastCleanup,
  uploadsInProgressDir,
  writeBatchRecord
} from '../../pipeline/load/raw-store.ts';
import { formatCleanup } from '../../pipeline/cli/status.ts';
import { runCli } from '../../pipeline/cli/program.ts';
import type { CliEffects } from '../../pipeline/cli/effects.ts';

let folder: string;
beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'uptake-crash-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const sha = (c: string) => c.repeat(64);

describe('cleanAfterCrash', () => {
  it('removes the interrupted upload, the partial copy and the unrecorded raw file; keeps recorded ones', () => {
    const db = join(folder, 'uptake.duckdb');
    const raw = join(folder, 'raw');
    const uploads = uploadsInProgressDir(db);
    expect(uploads).toBe(join(folder, 'uploads-in-progress'));
    mkdirSync(join(uploads, 'upload-Ab12'), { recursive: true });
    writeFileSync(join(uploads, 'upload-Ab12', 'upload.csv'), Buffer.alloc(3 * 1048576));
    mkdirSync(raw, { recursive: true });
    writeFileSync(join(raw, `${sha('a')}.csv`), 'in a batch record');
    writeFileSync(join(raw, `${sha('b')}.csv`), 'in load_file only (its record lost in a crash after the commit)');
    writeFileSync(join(raw, `${sha('c')}.csv`), 'landed, never committed');
    writeFileSync(join(raw, `${sha('d')}.csv.partial-4242`), 'half a copy');
    writeFileSync(join(raw, 'README.txt'), 'not ours to judge');
    writeBatchRecord(raw, {
      batchId: 'b1',
      loadedAt: '2026-01-01T00:00:00Z',
      today: '2026-01-01',
      profile: { name: 'p', tables: [] } as never,
      files: [{ name: 'a.csv', sha256: sha('a'), ext: '.csv' }]
    });

    const cleanup = cleanAfterCrash(raw, uploads, new Set([sha('b')]));
    expect(cleanup.tempFiles).toEqual([
      { name: 'upload-Ab12', bytes: 3 * 1048576 },
      { name: `${sha('d')}.csv.partial-4242`, bytes: 11 }
    ]);
    expect(cleanup.orphanRawFiles).toEqual([{ name: `${sha('c')}.csv`, bytes: 23 }]);
    expect(readdirSync(uploads)).toEqual([]);
    expect(readdirSync(raw).sort()).toEqual(
      [`${sha('a')}.csv`, `${sha('b')}.csv`, 'README.txt', 'batches', 'last-cleanup.json'].sort()
    );
    expect(readLastCleanup(raw)).toEqual(cleanup);
    expect(formatCleanup(cleanup)).toEqual([
      `Cleaned up after an interrupted upload (dashboard start, ${cleanup.at.replace('T', ' ').slice(0, 19)} UTC):`,
      '  removed temporary file upload-Ab12 (3.0 MB)',
      `  removed temporary file ${sha('d')}.csv.partial-4242 (0.0 MB)`,
      `  removed raw/${sha('c')}.csv (0.0 MB): its load never committed, no batch names it`
    ]);
  });

  it('removes nothing and records nothing when nothing was left behind', () => {
    const raw = join(folder, 'raw');
    const cleanup = cleanAfterCrash(raw, join(folder, 'uploads-in-progress'), new Set());
    expect(cleanup.tempFiles).toEqual([]);
    expect(cleanup.orphanRawFiles).toEqual([]);
    expect(existsSync(join(raw, 'last-cleanup.json'))).toBe(false);
  });

  it('`uptake status` says what the last start removed', async () => {
    const db = join(folder, 'uptake.duckdb');
    const raw = join(folder, 'raw');
    mkdirSync(raw, { recursive: true });
    writeFileSync(join(raw, `${sha('e')}.xlsx`), 'x'.repeat(2048));
    cleanAfterCrash(raw, uploadsInProgressDir(db), new Set());
    let stdout = '';
    const effects: CliEffects = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      isTTY: false,
      env: {}
    };
    expect(await runCli(['--db', db, 'status'], effects)).toBe(0);
    expect(stdout).toContain(`  removed raw/${sha('e')}.xlsx (0.0 MB): its load never committed, no batch names it\n`);
    stdout = '';
    await runCli(['--db', db, 'status', '--json'], effects);
    expect(JSON.parse(stdout).lastCleanup.orphanRawFiles).toEqual([{ name: `${sha('e')}.xlsx`, bytes: 2048 }]);
  });
});
