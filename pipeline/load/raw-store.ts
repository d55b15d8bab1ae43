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
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  createReadStream
} from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Profile } from './profile.ts';

export function defaultRawDir(dbPath: string): string {
  return join(dirname(dbPath), 'raw');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
