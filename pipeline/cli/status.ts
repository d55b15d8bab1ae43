/**
 * `uptake status [--json]`: what is loaded — every file in the manifest (load_file) with its hash, as-of date, row
 * count and outcome, and the latest snapshot. Hashes are shortened to 12 characters in text (enough to tell files apart
 * by eye) and given in full in JSON. When the dashboard, starting, removed what a killed upload left (a temporary copy,
 * a raw file whose load never committed), status says what and when (pipeline/load/raw-store.ts, cleanAfterCrash).
 */
import { existsSync } from 'node:fs';
import type { CliEffects } from './effects.ts';
import { EXIT, type ExitCode } from './errors.ts';
import { readingWarehouse } from './with-warehouse.ts';
import { queryRows } from '../warehouse/query.ts';
import { defaultRawDir, readLastCleanup, type CrashCleanup } from '../load/raw-store.ts';

export interface LoadedFile {
  file: string;
  sha256: string;
  kind: string | null;
  profile: string;
  batchId: string;
  loadedAt: string;
  rows: number;
  asOf: string | null;
  outcome: string;
  bytes: number;
}

export interface WarehouseStatus {
  database: string;
  files: LoadedFile[];
  /** The most recent as-of date among loaded snapshots, and how many services reported on it. */
  latestSnapshot: { asOf: string; services: number } | null;
  /** What the last start of the dashboard removed after an interrupted upload, if anything. */
  lastCleanup: CrashCleanup | null;
}

export const SHORT_HASH_LENGTH = 12;

export async function readStatus(dbPath: string): Promise<WarehouseStatus> {
  const lastCleanup = readLastCleanup(defaultRawDir(dbPath));
  if (!existsSync(dbPath)) return { database: dbPath, files: [], latestSnapshot: null, lastCleanup };
  return readingWarehouse(dbPath, async (warehouse) => {
    const files = await queryRows<LoadedFile>(
      warehouse.connection,
      `SELECT file_name AS file, sha256, kind, profile, batch_id AS "batchId",
              strftime(loaded_at, '%Y-%m-%d %H:%M:%S') AS "loadedAt", rows, CAST(as_of AS VARCHAR) AS "asOf", outcome,
              CAST(bytes AS DOUBLE) AS bytes
         FROM load_file ORDER BY loaded_at, file_name`
    );
    const [latest] = await queryRows<{ asOf: string | null; services: number }>(
      warehouse.connection,
      `SELECT CAST(as_of AS VARCHAR) AS "asOf", CAST(count(DISTINCT service_id) AS INTEGER) AS services
         FROM snapshot WHERE as_of = (SELECT max(as_of) FROM snapshot) GROUP BY as_of`
    );
    return {
      database: dbPath,
      files,
      latestSnapshot: latest?.asOf ? { asOf: latest.asOf, services: latest.services } : null,
      lastCleanup
    };
  });
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The lines saying what the dashboard removed at its last start after an interrupted upload. */
export function formatCleanup(cleanup: CrashCleanup | null): string[] {
  if (!cleanup) return [];
  const lines = [
    `Cleaned up after an interrupted upload (dashboard start, ${cleanup.at.replace('T', ' ').slice(0, 19)} UTC):`
  ];
  for (const f of cleanup.tempFiles) lines.push(`  removed temporary file ${f.name} (${megabytes(f.bytes)})`);
  for (const f of cleanup.orphanRawFiles)
    lines.push(`  removed raw/${f.name} (${megabytes(f.bytes)}): its load never committed, no batch names it`);
  return lines;
}

export function formatStatus(status: WarehouseStatus): string {
  const lines = [`Database: ${status.database}`];
  if (status.files.length === 0) {
    lines.push(
      'Nothing loaded yet. Load exports with `uptake load <file|folder>`.',
      ...formatCleanup(status.lastCleanup)
    );
    return lines.join('\n') + '\n';
  }
  lines.push(
    status.latestSnapshot
      ? `Latest snapshot: ${status.latestSnapshot.asOf} (${status.latestSnapshot.services} ${status.latestSnapshot.services === 1 ? 'service' : 'services'})`
      : 'Latest snapshot: none (no uptake figures loaded yet)'
  );
  lines.push(`Files (${status.files.length}):`);
  const header = ['file', 'kind', 'as of', 'rows', 'outcome', 'sha256', 'loaded at'];
  const rows = status.files.map((f) => [
    f.file,
    f.kind ?? '',
    f.asOf ?? '',
    String(f.rows),
    f.outcome,
    f.sha256.slice(0, SHORT_HASH_LENGTH),
    f.loadedAt
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((h) => h === 'rows');
  const render = (cells: string[]) =>
    '  ' +
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(render(header), ...rows.map(render), ...formatCleanup(status.lastCleanup));
  return lines.join('\n') + '\n';
}

export async function statusCommand(
  dbPath: string,
  options: { json?: boolean },
  effects: CliEffects
): Promise<ExitCode> {
  const status = await readStatus(dbPath);
  effects.stdout.write(options.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
  return EXIT.ok;
}
