/**
 * data/raw/: every landed file byte for byte under its SHA-256, and one JSON record per loaded batch (its files,
 * their original names, the profile used and when). `rebuild` replays these records and nothing else.
 *
 * Order of writes, so that a kill -9 at any moment leaves a consistent store:
 *  1. raw bytes are written (temp file + rename) BEFORE the database commit — a content-addressed file with no batch
 *     record is harmless and is reused by the next load of the same bytes;
 *  2. the batch record is written AFTER the commit. If the process dies between the commit and the record, the next
 *     load (or status) re-writes missing records from the load_file manifest (reconcileBatchRecords).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { Profile } from './profile.ts';

export function defaultRawDir(dbPath: string): string {
  return join(dirname(dbPath), 'raw');
}

export function rawPath(rawDir: string, sha256: string, ext: string): string {
  return join(rawDir, `${sha256}${ext.toLowerCase()}`);
}

/** Copies a file into the store unless its bytes are already there. Never overwrites. */
export function landRawFile(rawDir: string, path: string, sha256: string): string {
  const target = rawPath(rawDir, sha256, extname(path));
  if (existsSync(target)) return target;
  mkdirSync(rawDir, { recursive: true });
  const temp = `${target}.partial-${process.pid}`;
  copyFileSync(path, temp);
  renameSync(temp, target);
  return target;
}

/**
 * landRawFile begun early: the copy to the temp name runs in the background (the load checks its rows meanwhile) and
 * `land` puts it in place, as landRawFile would, once the load is sure to commit; `abandon` removes the temp file when
 * it is not. Nothing appears under the file's SHA-256 before `land`.
 */
export function startLanding(rawDir: string, path: string, sha256: string) {
  const target = rawPath(rawDir, sha256, extname(path));
  const temp = `${target}.partial-${process.pid}`;
  const copying = existsSync(target)
    ? null
    : (mkdirSync(rawDir, { recursive: true }), copyFile(path, temp).then(() => true));
  copying?.catch(() => undefined); // awaited by land or abandon
  return {
    async land(): Promise<void> {
      if (!copying) return;
      await copying;
      if (existsSync(target)) rmSync(temp, { force: true });
      else renameSync(temp, target);
    },
    async abandon(): Promise<void> {
      if (!copying) return;
      await copying.catch(() => undefined);
      await rm(temp, { force: true });
    }
  };
}

export interface BatchRecord {
  batchId: string;
  loadedAt: string;
  /** The as-of date the checks judged actual dates against, kept so a rebuild judges them the same way. */
  today: string;
  profile: Profile;
  files: { name: string; sha256: string; ext: string }[];
}

const batchDir = (rawDir: string) => join(rawDir, 'batches');

export function writeBatchRecord(rawDir: string, record: BatchRecord): void {
  mkdirSync(batchDir(rawDir), { recursive: true });
  const target = join(batchDir(rawDir), `${record.batchId}.json`);
  const temp = `${target}.partial-${process.pid}`;
  writeFileSync(temp, JSON.stringify(record, null, 2));
  renameSync(temp, target);
}

export function hasBatchRecord(rawDir: string, batchId: string): boolean {
  return existsSync(join(batchDir(rawDir), `${batchId}.json`));
}

/** Every batch record, oldest first: the order `rebuild` replays them in. */
export function readBatchRecords(rawDir: string): BatchRecord[] {
  if (!existsSync(batchDir(rawDir))) return [];
  return readdirSync(batchDir(rawDir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(batchDir(rawDir), f), 'utf8')) as BatchRecord)
    .sort((a, b) => a.loadedAt.localeCompare(b.loadedAt) || a.batchId.localeCompare(b.batchId));
}

// ——— after a crash ———

/** Where the dashboard keeps an upload while it loads: beside the database, so that only its owner cleans it. */
export function uploadsInProgressDir(dbPath: string): string {
  return join(dirname(dbPath), 'uploads-in-progress');
}

export interface CrashCleanup {
  at: string;
  /** Uploads that were being loaded, and half-copied raw files (`*.partial-<pid>`). */
  tempFiles: { name: string; bytes: number }[];
  /** Raw files no batch record and no load_file row names: landed by a load that died before its commit. */
  orphanRawFiles: { name: string; bytes: number }[];
}

const RAW_NAME = /^([0-9a-f]{64})(\.[A-Za-z0-9]+)?$/;
const CLEANUP_RECORD = 'last-cleanup.json';

/**
 * Removes what a process killed in the middle of a load leaves behind, and records what it removed (status shows it).
 * Only the warehouse's owner may call this (the dashboard at start, holding the database's lock), so no load is
 * running. `loadedSha256` holds the hashes in the load_file manifest; the batch records are read here, so a raw file
 * that either names is kept (a warehouse being rebuilt from data/raw has no manifest yet, but its records name them
 * all).
 */
export function cleanAfterCrash(rawDir: string, uploadsDir: string, loadedSha256: Set<string>): CrashCleanup {
  const cleanup: CrashCleanup = { at: new Date().toISOString(), tempFiles: [], orphanRawFiles: [] };
  const remove = (path: string, into: { name: string; bytes: number }[], name: string) => {
    into.push({ name, bytes: sizeOf(path) });
    rmSync(path, { recursive: true, force: true });
  };
  if (existsSync(uploadsDir))
    for (const name of readdirSync(uploadsDir)) remove(join(uploadsDir, name), cleanup.tempFiles, name);
  const kept = new Set(loadedSha256);
  for (const record of readBatchRecords(rawDir)) for (const f of record.files) kept.add(f.sha256);
  for (const folder of [rawDir, batchDir(rawDir)]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (name.includes('.partial-')) remove(path, cleanup.tempFiles, name);
      else if (folder === rawDir && RAW_NAME.test(name) && !kept.has(RAW_NAME.exec(name)![1]))
        remove(path, cleanup.orphanRawFiles, name);
    }
  }
  if (cleanup.tempFiles.length || cleanup.orphanRawFiles.length) {
    mkdirSync(rawDir, { recursive: true });
    writeFileSync(join(rawDir, CLEANUP_RECORD), JSON.stringify(cleanup, null, 2));
  }
  return cleanup;
}

/** What the last cleanup after a crash removed, if it removed anything. */
export function readLastCleanup(rawDir: string): CrashCleanup | null {
  const path = join(rawDir, CLEANUP_RECORD);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CrashCleanup) : null;
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}
