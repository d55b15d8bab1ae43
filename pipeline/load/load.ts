/**
 * `uptake load`: check a batch of files, then load all of it in one transaction, or nothing (docs/architecture.md
 * "Loading exports").
 *
 *   read (readers/) → stage (typed temp tables) → check (checks.ts) → land raw bytes → one transaction → batch record
 *
 * A file whose bytes were loaded before is skipped (same SHA-256 → nothing changes). A batch with any error loads
 * nothing; its files and problems are recorded as a rejected load so the Data page can show them. Warnings (back-fills,
 * superseded figures) are recorded and do not block.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Warehouse } from '../warehouse/query.ts';
import { checkBatch, checkHistory, checkStaged } from './checks.ts';
import { characteristicNotes, unitRowsOnly } from './characteristics.ts';
import { FIELDS, KINDS, type Kind } from './fields.ts';
import { parseProfile, resolveProfile, tableFor, type Profile } from './profile.ts';
import { problem, type Problem } from './problems.ts';
import {
  defaultRawDir,
  hasBatchRecord,
  landRawFile,
  startLanding,
  writeBatchRecord,
  type BatchRecord
} from './raw-store.ts';
import { READERS, readerFor, ReadError, type SourceTable } from './readers/index.ts';
import { readHeaderlessCsv } from './readers/csv-headerless.ts';
import { byteTests, hashFile } from './readers/file-scan.ts';
import { checkReference } from './reference.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import { directUptake, stage, stagedRelations, type StagedTable } from './stage.ts';
import { writeStaged } from './write.ts';
import { writeReported } from './write-units.ts';

export type { Problem } from './problems.ts';
export { formatProblem } from './problems.ts';

export interface FileSummary {
  file: string;
  sha256: string;
  /** The kinds of table the file held: one for a CSV, one per sheet for a workbook. */
  kind: string;
  rows: number;
  asOf: string | null;
  bytes: number;
}

export interface LoadReport {
  batchId: string;
  outcome: 'loaded' | 'already-loaded' | 'rejected';
  loaded: FileSummary[];
  skipped: FileSummary[];
  problems: Problem[];
}

export interface ProgressEvent {
  file: string;
  phase: 'read' | 'check' | 'write';
  done: number;
  total: number;
}

export interface LoadOptions {
  /** A built-in profile name or a profile file (default: Uptake's own templates). */
  profile?: string;
  /** An already parsed profile (rebuild passes the one recorded with the batch). */
  profileObject?: Profile;
  rawDir?: string;
  onProgress?: (event: ProgressEvent) => void;
  /** The clock: "today" for the future-date checks and the load time. Tests and rebuild set it. */
  now?: Date;
  /** Largest file accepted, in bytes (default UPTAKE_MAX_FILE_MB or 512 MiB). */
  maxBytes?: number;
  /** Display names for the paths (rebuild loads raw files under their original names). */
  names?: string[];
  batchId?: string;
  /** Land raw files and write the batch record (rebuild turns this off: the store already holds them). */
  land?: boolean;
}

export class LoadUsageError extends Error {}

/** Extensions taken from a folder; anything else in a folder (READMEs, transcripts) is left alone. */
const DATA_EXTENSIONS = new Set(Object.keys(READERS));

export function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new LoadUsageError(`No such file or folder: ${path}`);
    if (statSync(path).isDirectory()) {
      const inFolder = readdirSync(path)
        .filter((f) => !f.startsWith('.') && DATA_EXTENSIONS.has(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(path, f))
        .filter((f) => statSync(f).isFile());
      if (!inFolder.length) throw new LoadUsageError(`The folder ${path} holds no CSV, XLSX or JSON files.`);
      files.push(...inFolder);
    } else files.push(path);
  }
  return files;
}

export function defaultMaxBytes(): number {
  const mb = Number(process.env.UPTAKE_MAX_FILE_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 512) * 1024 * 1024;
}

const KIND_ORDER = (k: Kind) => KINDS.indexOf(k);

interface Candidate {
  path: string;
  name: string;
  /** Set once `hashing` is awaited (identify, in loadPaths); until then ''. */
  sha256: string;
  hashing: Promise<string>;
  bytes: number;
  sources: SourceTable[];
  staged: StagedTable[];
}

export async function loadPaths(warehouse: Warehouse, paths: string[], options: LoadOptions = {}): Promise<LoadReport> {
  const connection = warehouse.connection;
  const files = expandPaths(paths);
  // A given profile object goes through the schema too: a batch record written before a section existed (rebuild)
  // or a profile built in code (the benchmark) gets that section's defaults.
  const profile = options.profileObject
    ? parseProfile(options.profileObject, options.profileObject.name)
    : resolveProfile(options.profile);
  const rawDir = options.rawDir ?? defaultRawDir(warehouse.path);
  const now = options.now ?? new Date();
  const today = now.toISOString().slice(0, 10);
  const loadedAt = now.toISOString().replace('T', ' ').replace('Z', '');
  const batchId =
    options.batchId ??
    `${now
      .toISOString()
      .replace(/[-:.TZ]/g, '')
      .slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  const maxBytes = options.maxBytes ?? defaultMaxBytes();
  const land = options.land ?? true;
  const prefix = `stg_${batchId.replace(/[^a-zA-Z0-9]/g, '_')}`;
  const progress = (file: string, phase: ProgressEvent['phase'], done: number) =>
    options.onProgress?.({ file, phase, done, total: files.length });

  if (land) await reconcileBatchRecords(warehouse, rawDir);

  const problems: Problem[] = [];
  const skipped: FileSummary[] = [];
  const candidates: Candidate[] = [];
  /**
   * Files refused before they could be read (too large, unknown format, empty, unreadable): a rejection lists them too.
   */
  const refused: FileSummary[] = [];
  const refuse = (file: string, sha256: string, bytes: number) =>
    refused.push({ file, sha256, kind: '', rows: 0, asOf: null, bytes });
  const loadedBefore = new Set(
    (await connection.runAndReadAll(`SELECT DISTINCT sha256 FROM load_file WHERE outcome = 'loaded'`))
      .getRowObjectsJson()
      .map((r) => String(r.sha256))
  );
  const tempTables: string[] = [];
  /** Each skipped file's place in the batch: files are skipped as their digests arrive, and listed in batch order. */
  const skippedAt = new Map<FileSummary, number>();
  const skip = (summary: FileSummary, path: string) => {
    skipped.push(summary);
    skippedAt.set(summary, files.indexOf(path));
    skipped.sort((a, b) => skippedAt.get(a)! - skippedAt.get(b)!);
  };
  /** Loaded before, or the same bytes as an earlier file of this batch. */
  const repeats = async (sha256: string) =>
    loadedBefore.has(sha256) || (await Promise.all(candidates.map((c) => c.hashing))).includes(sha256);
  /**
   * Awaits the candidates' digests, in batch order, and skips each whose bytes were loaded before or came earlier in
   * the batch, as if it had been skipped before its reader ran (what that reader made is dropped with the batch's temp
   * tables). Runs once, before anything is written.
   */
  let identified = false;
  const identify = async () => {
    if (identified) return;
    identified = true;
    const kept: Candidate[] = [];
    for (const c of candidates) {
      c.sha256 = await c.hashing;
      if (loadedBefore.has(c.sha256) || kept.some((k) => k.sha256 === c.sha256))
        skip({ file: c.name, sha256: c.sha256, kind: '', rows: 0, asOf: null, bytes: c.bytes }, c.path);
      else kept.push(c);
    }
    candidates.splice(0, candidates.length, ...kept);
  };

  try {
    // 1. Read: size, hash, format, and which table each file or sheet is.
    for (const [i, path] of files.entries()) {
      const name = options.names?.[i] ?? basename(path);
      progress(name, 'read', i);
      const bytes = statSync(path).size;
      if (bytes > maxBytes) {
        problems.push(
          problem(
            name,
            'file-too-large',
            `The file is ${(bytes / 1048576).toFixed(1)} MB; the limit is ${(maxBytes / 1048576).toFixed(0)} MB (set UPTAKE_MAX_FILE_MB to change it).`
          )
        );
        refuse(name, '', bytes);
        continue;
      }
      // A table the profile declares header-less (a unit reference list) is read by position.
      const headerless = tableFor(profile, basename(name, extname(name)))?.header === false;
      const reader = headerless ? readHeaderlessCsv : readerFor(path);
      // The quick byte searches the reader needs, then the hash: both run on this thread while the reader's DuckDB
      // queries run on DuckDB's, the searches first as the reader needs them first. The digest is awaited where the
      // skip rule needs it (repeats, identify): a file whose bytes were loaded before is still skipped, never refused.
      const scan = reader && bytes > 0 ? byteTests(path) : undefined;
      const hashing = (scan ?? Promise.resolve()).then(
        () => hashFile(path),
        () => hashFile(path)
      );
      // Both are awaited below (a file that cannot be read fails the load there); until then a failure is held.
      scan?.catch(() => undefined);
      hashing.catch(() => undefined);
      if (!reader || bytes === 0) {
        const sha256 = await hashing;
        if (await repeats(sha256)) {
          skip({ file: name, sha256, kind: '', rows: 0, asOf: null, bytes }, path);
        } else if (!reader) {
          problems.push(
            problem(
              name,
              'unknown-file',
              `Uptake reads ${[...DATA_EXTENSIONS].join(', ')} files; "${extname(path) || 'no extension'}" is not one of them.`
            )
          );
          refuse(name, sha256, bytes);
        } else {
          problems.push(problem(name, 'empty-file', 'The file is empty: it has no header and no rows.'));
          refuse(name, sha256, bytes);
        }
        continue;
      }
      try {
        const sources = await reader({ connection, tempPrefix: `${prefix}_${i}`, scan }, path, name);
        tempTables.push(...sources.filter((s) => s.relation.startsWith('"')).map((s) => s.relation.slice(1, -1)));
        tempTables.push(...sources.flatMap((s) => (s.csv?.head ? [s.csv.head] : [])));
        candidates.push({ path, name, sha256: '', hashing, bytes, sources, staged: [] });
      } catch (error) {
        const sha256 = await hashing;
        if (await repeats(sha256)) {
          skip({ file: name, sha256, kind: '', rows: 0, asOf: null, bytes }, path);
          continue;
        }
        if (!(error instanceof ReadError)) throw error;
        problems.push(problem(error.label, error.rule, error.message, { row: error.row }));
        refuse(name, sha256, bytes);
      }
    }

    // 1b. A batch of one clean wide uptake CSV goes straight into the model, is checked there and kept only if nothing
    // at all is found; anything else (and any problem or warning) takes the staged path below.
    if (!problems.length && !refused.length && candidates.length === 1 && candidates[0].sources.length === 1) {
      const c = candidates[0];
      const direct = await loadDirect(warehouse, c, profile, {
        batchId,
        loadedAt,
        today,
        land,
        rawDir,
        prefix,
        tempTables,
        identify: async () => (await identify(), candidates.includes(c)),
        progress: (phase) => progress(c.name, phase, files.indexOf(c.path))
      });
      if (direct) return { ...direct, skipped };
    }
    await identify();

    // 2. Stage every source table under the profile entry that takes it, kinds in model order.
    const names = profile.tables.map((t) => t.match.join('/')).join(', ');
    const work: { candidate: Candidate; source: SourceTable; spec: ReturnType<typeof tableFor> & object }[] = [];
    for (const candidate of candidates) {
      for (const source of candidate.sources) {
        const spec = tableFor(profile, source.name);
        const isSheet = source.label.includes('#');
        if (!spec) {
          problems.push(
            problem(
              source.label,
              isSheet ? 'unknown-sheet' : 'unknown-file',
              `Profile "${profile.name}" has no table called "${source.name}": ${isSheet ? 'sheet' : 'file'} names must start with one of ${names}.`
            )
          );
        } else if (!source.headers.length) {
          problems.push(problem(source.label, 'empty-file', 'The sheet is empty: it has no header and no rows.'));
        } else work.push({ candidate, source, spec });
      }
    }
    work.sort((a, b) => KIND_ORDER(a.spec.kind) - KIND_ORDER(b.spec.kind));
    const origins = new Map<StagedTable, { source: SourceTable; spec: (typeof work)[number]['spec'] }>();
    for (const [j, { candidate, source: read, spec }] of work.entries()) {
      progress(candidate.name, 'check', files.indexOf(candidate.path));
      const table = `${prefix}_stage_${j}`;
      // Characteristics exports may carry comparator rows (England, the parent): only the units' rows are staged.
      const units =
        spec.kind === 'characteristics'
          ? await unitRowsOnly(connection, read, spec)
          : { source: read, problems: [] as Problem[] };
      problems.push(...units.problems);
      if (!units.source) continue;
      const source = units.source;
      const result = await stage(connection, source, spec, table, 'fast');
      tempTables.push(...stagedRelations(table));
      problems.push(...result.problems);
      if (result.staged) {
        candidate.staged.push(result.staged);
        origins.set(result.staged, { source, spec });
      }
    }
    const staged = candidates.flatMap((c) => c.staged);

    // 3. Check. Actual dates are judged against the batch's latest snapshot, or today when it has none.
    const known = `${prefix}_known_services`;
    tempTables.push(known);
    await connection.run(`CREATE TEMP TABLE ${sqlIdentifier(known)} AS SELECT service_id FROM service_latest
      ${staged
        .filter((s) => s.kind === 'services' || s.units)
        .map((s) => `UNION SELECT service_id FROM ${sqlIdentifier(s.table)} WHERE service_id IS NOT NULL`)
        .join(' ')}`);
    const uptakeTables = staged.filter((s) => s.kind === 'uptake');
    const batchAsOf = uptakeTables.length
      ? String(
          (
            await connection.runAndReadAll(
              `SELECT coalesce(max(as_of), DATE ${sqlLiteral(today)})::VARCHAR AS d FROM (${uptakeTables.map((s) => `SELECT max(as_of) AS as_of FROM ${sqlIdentifier(s.table)}`).join(' UNION ALL ')})`
            )
          ).getRowObjectsJson()[0].d
        )
      : today;
    const asOf = batchAsOf > today ? today : batchAsOf;
    const checkContext = { connection, asOf, today, knownServices: known };
    for (const [i, s] of staged.entries()) {
      const found = await checkStaged(checkContext, s);
      if (found) {
        problems.push(...found);
        continue;
      }
      // The fast stage found something: stage this table again with every cell as written, to say exactly what.
      const { source, spec } = origins.get(s)!;
      const table = `${s.table}_full`;
      tempTables.push(...stagedRelations(table));
      const full = (await stage(connection, source, spec, table, 'full')).staged!;
      const owner = candidates.find((c) => c.staged.includes(s))!;
      owner.staged[owner.staged.indexOf(s)] = full;
      staged[i] = full;
      problems.push(...((await checkStaged(checkContext, full)) ?? []));
    }
    problems.push(...(await checkBatch(connection, staged)));
    for (const s of staged) problems.push(...(await checkHistory(connection, s)));
    problems.push(...(await checkReference(connection, staged)));
    for (const s of staged) problems.push(...(await characteristicNotes(connection, s, known)));

    const summaries = await Promise.all(candidates.map((c) => summarise(connection, c)));
    if (problems.some((p) => p.severity === 'error')) {
      await recordRejection(warehouse, batchId, loadedAt, profile.name, [...summaries, ...refused], problems);
      return { batchId, outcome: 'rejected', loaded: [], skipped, problems };
    }
    if (!candidates.length) return { batchId, outcome: 'already-loaded', loaded: [], skipped, problems };

    // 4. Land the raw bytes (harmless if we die after this), then write everything in one transaction.
    if (land) for (const c of candidates) landRawFile(rawDir, c.path, c.sha256);
    const record: BatchRecord = {
      batchId,
      loadedAt,
      today,
      profile,
      files: candidates.map((c) => ({ name: c.name, sha256: c.sha256, ext: extname(c.path).toLowerCase() }))
    };
    await connection.run('BEGIN TRANSACTION');
    try {
      const fileIds: number[] = [];
      for (const c of candidates) {
        progress(c.name, 'write', files.indexOf(c.path));
        fileIds.push(await nextFileId(connection));
        for (const s of c.staged) await writeStaged(connection, s, c.sha256, loadedAt, fileIds.at(-1)!);
      }
      await insertManifest(warehouse, batchId, loadedAt, profile.name, summaries, 'loaded', problems, fileIds);
      await connection.run('INSERT INTO load_batch VALUES ($1, $2::TIMESTAMP, $3)', [
        batchId,
        loadedAt,
        JSON.stringify(record)
      ]);
      await pauseBeforeCommit();
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (land) writeBatchRecord(rawDir, record);
    return { batchId, outcome: 'loaded', loaded: summaries, skipped, problems };
  } finally {
    // Views first: they depend on their _data tables.
    for (const t of tempTables)
      await connection.run(`DROP VIEW IF EXISTS temp.${sqlIdentifier(t)}`).catch(() => undefined);
    for (const t of tempTables)
      await connection.run(`DROP TABLE IF EXISTS temp.${sqlIdentifier(t)}`).catch(() => undefined);
  }
}

/**
 * The one-pass load of a batch that is a single wide uptake CSV (stage.ts directUptake says when it can be): the typed
 * read is inserted straight into `snapshot` inside the batch's transaction, and the rows just written (they carry a
 * new file id, which no other row can) are checked by the same fast scan as a staged table (checkStaged). Anything
 * found, or any warning due (a back-fill, figures loaded before), or a cell the typed read or the table refuses, rolls
 * the transaction back and returns null: the staged path then runs from the start and lists every problem with its row.
 * This skips the staging copy, a third of a clean load's work.
 */
async function loadDirect(
  warehouse: Warehouse,
  c: Candidate,
  profile: Profile,
  ctx: {
    batchId: string;
    loadedAt: string;
    today: string;
    land: boolean;
    rawDir: string;
    prefix: string;
    tempTables: string[];
    /** Awaits the batch's digests and skips repeats (loadPaths); after it, `c` is loaded only if still a candidate. */
    identify: () => Promise<boolean>;
    progress: (phase: ProgressEvent['phase']) => void;
  }
): Promise<Omit<LoadReport, 'skipped'> | null> {
  const { connection } = warehouse;
  const source = c.sources[0];
  const spec = tableFor(profile, source.name);
  if (!spec || !source.headers.length || FIELDS.uptake.some((f) => f.actualDate)) return null;
  const one = (sql: string) => firstRow(connection, sql);
  // Warnings about units missing from a reference list name rows: only the staged path has them.
  if (Number((await one('SELECT count(*)::INTEGER AS n FROM unit_reference')).n) > 0) return null;
  ctx.progress('check');
  const direct = await directUptake(connection, source, spec);
  if (!direct) return null;
  const fields = FIELDS.uptake.map((f) => f.name);
  const view = `${ctx.prefix}_direct`;
  const known = `${ctx.prefix}_direct_known`;
  ctx.tempTables.push(view, known);
  ctx.progress('write');
  await connection.run('BEGIN TRANSACTION');
  let open = true;
  let landing: ReturnType<typeof startLanding> | null = null;
  try {
    const fileId = await nextFileId(connection);
    try {
      await connection.run(`INSERT INTO snapshot (${fields.join(', ')}, source_file, loaded_at)
        SELECT ${direct.columns.join(', ')}, ${fileId}, TIMESTAMP ${sqlLiteral(ctx.loadedAt)} FROM ${direct.from}`);
    } catch {
      return null; // a cell the typed read cannot parse, a blank key: the staged path says which
    }
    // The file's digest is first needed here, before anything is committed: the hash ran beside the reads above. A
    // file loaded before rolls back and is skipped (rare: the insert's work is then wasted).
    if (!(await ctx.identify())) return null;
    // The raw copy runs while the rows are checked; it is put in place only if they pass (see below).
    landing = ctx.land ? startLanding(ctx.rawDir, c.path, c.sha256) : null;
    await connection.run(
      `CREATE TEMP VIEW ${sqlIdentifier(view)} AS SELECT NULL::INTEGER AS __row, *, false AS __bad FROM snapshot WHERE source_file = ${fileId}`
    );
    await connection.run(`CREATE TEMP TABLE ${sqlIdentifier(known)} AS SELECT service_id FROM service_latest`);
    const facts = await directFacts(connection, view, known, fileId);
    // Figures loaded before (a back-fill, a supersede) are warnings with rows: the staged path raises them.
    // A blank or untrimmed service id (written as read: stage.ts directUptake) is the staged path's to trim and name.
    if (facts.rows === 0 || facts.unknown > 0 || facts.loadedBefore > 0 || facts.untrimmed > 0) return null;
    const rows = facts.rows;
    const lastAsOf = facts.lastAsOf;
    const asOf = lastAsOf > ctx.today ? ctx.today : lastAsOf;
    const staged: StagedTable = {
      label: source.label,
      kind: 'uptake',
      table: view,
      rows,
      present: direct.present,
      full: false,
      reports: direct.reports,
      profileTable: spec
    };
    const found = await checkStaged(
      {
        connection,
        asOf,
        today: ctx.today,
        knownServices: known,
        unknownServices: 0,
        duplicateKeys: facts.duplicates
      },
      staged
    );
    if (found === null || found.length) return null;

    const summary: FileSummary = {
      file: c.name,
      sha256: c.sha256,
      kind: 'uptake',
      rows,
      asOf: lastAsOf,
      bytes: c.bytes
    };
    // Landed before the commit, as on the staged path: raw bytes with no batch are harmless after a crash.
    await landing?.land();
    landing = null;
    const record: BatchRecord = {
      batchId: ctx.batchId,
      loadedAt: ctx.loadedAt,
      today: ctx.today,
      profile,
      files: [{ name: c.name, sha256: c.sha256, ext: extname(c.path).toLowerCase() }]
    };
    await writeReported(connection, staged, c.sha256);
    await insertManifest(warehouse, ctx.batchId, ctx.loadedAt, profile.name, [summary], 'loaded', [], [fileId]);
    await connection.run('INSERT INTO load_batch VALUES ($1, $2::TIMESTAMP, $3)', [
      ctx.batchId,
      ctx.loadedAt,
      JSON.stringify(record)
    ]);
    await pauseBeforeCommit();
    await connection.run('COMMIT');
    open = false;
    if (ctx.land) writeBatchRecord(ctx.rawDir, record);
    return { batchId: ctx.batchId, outcome: 'loaded', loaded: [summary], problems: [] };
  } finally {
    await landing?.abandon();
    if (open) await connection.run('ROLLBACK').catch(() => undefined);
  }
}

/**
 * What the direct load needs to know of the rows it just wrote beyond the row rules (checkStaged counts those): how
 * many rows, their dates' span; in one scan grouped by service, how many services are not known, how many ids are
 * blank or untrimmed (the keys are written as read), how many have figures loaded before on or after their first date
 * here (a back-fill or a supersede: warnings, which only the staged path gives with their rows); and whether any service has a date twice (a duplicate key). Those are found exactly with
 * a bit per distinct date of the file per service (bitstring_agg over each date's rank: the dates set against the rows
 * counted), which costs less than hashing every key; a bit per date rather than per day of the span keeps the bits
 * few (120 monthly dates, not 3,650 days), cheap enough to ride in the same grouped scan whenever rows × dates bits fit
 * in BIT_BUDGET (services are at most the rows). Otherwise the grouped scan runs alone first, and the bits follow when
 * it found nothing and services × dates fit; else `duplicates` is left undefined and checkStaged hashes every key.
 */
async function directFacts(
  connection: Warehouse['connection'],
  view: string,
  known: string,
  fileId: number
): Promise<{
  rows: number;
  lastAsOf: string;
  unknown: number;
  loadedBefore: number;
  untrimmed: number;
  duplicates?: number;
}> {
  const v = sqlIdentifier(view);
  const one = (sql: string) => firstRow(connection, sql);
  const written = await one(`SELECT count(*)::INTEGER AS n, max(as_of)::VARCHAR AS last,
    count(DISTINCT as_of)::INTEGER AS dates FROM ${v}`);
  const rows = Number(written.n);
  const dates = Number(written.dates);
  const bitsFit = (services: number) => rows > 0 && services * dates <= BIT_BUDGET * 8;
  // Each distinct date's rank (0 …) in the file, and per service: its rows and a bit per date it has.
  const ranks = `WITH ranks AS (SELECT as_of, (row_number() OVER (ORDER BY as_of) - 1)::INTEGER AS r
    FROM (SELECT DISTINCT as_of FROM ${v}))`;
  const bits = `count(*) AS n, bitstring_agg(ranks.r, 0, ${Math.max(dates - 1, 0)}) AS dates`;
  const duplicates = `coalesce(sum(u.n - bit_count(u.dates)), 0)::INTEGER AS duplicates`;
  const grouped = (withBits: boolean) => `${withBits ? ranks : ''}
    SELECT count(*)::INTEGER AS services,
      count(*) FILTER (WHERE k.service_id IS NULL)::INTEGER AS unknown,
      count(*) FILTER (WHERE o.latest >= u.first)::INTEGER AS loaded_before,
      count(*) FILTER (WHERE u.service_id = '' OR u.service_id <> trim(u.service_id))::INTEGER AS untrimmed${withBits ? `, ${duplicates}` : ''}
    FROM (SELECT service_id, min(as_of) AS first${withBits ? `, ${bits}` : ''}
          FROM ${v}${withBits ? ' JOIN ranks USING (as_of)' : ''} GROUP BY service_id) u
    LEFT JOIN ${sqlIdentifier(known)} k USING (service_id)
    LEFT JOIN (SELECT service_id, max(as_of) AS latest FROM snapshot WHERE source_file <> ${fileId} GROUP BY service_id) o
      USING (service_id)`;
  const together = bitsFit(rows);
  const facts = await one(grouped(together));
  const result = {
    rows,
    lastAsOf: String(written.last),
    unknown: Number(facts.unknown),
    loadedBefore: Number(facts.loaded_before),
    untrimmed: Number(facts.untrimmed)
  };
  if (together) return { ...result, duplicates: Number(facts.duplicates) };
  if (!rows || result.unknown || result.loadedBefore || !bitsFit(Number(facts.services))) return result;
  const repeated = await one(`${ranks} SELECT ${duplicates}
    FROM (SELECT ${bits} FROM ${v} JOIN ranks USING (as_of) GROUP BY service_id) u`);
  return { ...result, duplicates: Number(repeated.duplicates) };
}

/** Bytes of date bits directFacts may use to find repeated dates (services × dates in the file ÷ 8). */
const BIT_BUDGET = 64 * 1024 * 1024;

async function firstRow(connection: Warehouse['connection'], sql: string) {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson()[0];
}

async function summarise(connection: Warehouse['connection'], c: Candidate): Promise<FileSummary> {
  const uptake = c.staged.filter((s) => s.kind === 'uptake');
  const asOf = uptake.length
    ? ((
        await connection.runAndReadAll(
          `SELECT max(as_of)::VARCHAR AS d FROM (${uptake.map((s) => `SELECT as_of FROM ${sqlIdentifier(s.table)}`).join(' UNION ALL ')})`
        )
      ).getRowObjectsJson()[0].d as string | null)
    : null;
  const kinds = [...new Set(c.staged.map((s) => s.kind))].sort((a, b) => KIND_ORDER(a) - KIND_ORDER(b));
  const rows = c.staged.length
    ? c.staged.reduce((n, s) => n + s.rows, 0)
    : c.sources.reduce((n, s) => n + (s.rowCount ?? 0), 0);
  return { file: c.name, sha256: c.sha256, kind: kinds.join(', '), rows, asOf, bytes: c.bytes };
}

async function insertManifest(
  warehouse: Warehouse,
  batchId: string,
  loadedAt: string,
  profileName: string,
  files: FileSummary[],
  outcome: string,
  problems: Problem[],
  /** The ids the files' snapshot rows carry (nextFileId); a file not written (a rejected batch) takes the next one. */
  fileIds: number[] = []
) {
  const { connection } = warehouse;
  for (const [i, f] of files.entries()) {
    await connection.run(
      `INSERT INTO load_file (batch_id, file_name, sha256, kind, profile, loaded_at, rows, as_of, outcome, bytes, file_id)
       VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMP, $7, $8::DATE, $9, $10, ${fileIds[i] ?? "nextval('load_file_id')"})`,
      [batchId, f.file, f.sha256, f.kind || null, profileName, loadedAt, f.rows, f.asOf, outcome, f.bytes]
    );
  }
  for (const p of problems) {
    await connection.run('INSERT INTO load_problem VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      batchId,
      p.file,
      p.row,
      p.column,
      p.value,
      p.rule,
      p.message,
      p.severity
    ]);
  }
}

/**
 * The id a file's snapshot rows name it by (load_file.file_id): taken before they are written, inside the transaction.
 */
async function nextFileId(connection: Warehouse['connection']): Promise<number> {
  return Number((await connection.runAndReadAll(`SELECT nextval('load_file_id') AS id`)).getRowObjectsJson()[0].id);
}

/** A rejected batch leaves a record of what was tried and why it failed, and nothing else. */
async function recordRejection(
  warehouse: Warehouse,
  batchId: string,
  loadedAt: string,
  profileName: string,
  files: FileSummary[],
  problems: Problem[]
) {
  await warehouse.connection.run('BEGIN TRANSACTION');
  try {
    const listed = files.length
      ? files
      : [...new Set(problems.map((p) => p.file.split('#')[0]))].map((file) => ({
          file,
          sha256: '',
          kind: '',
          rows: 0,
          asOf: null,
          bytes: 0
        }));
    await insertManifest(warehouse, batchId, loadedAt, profileName, listed, 'rejected', problems);
    await warehouse.connection.run('COMMIT');
  } catch (error) {
    await warehouse.connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * A fault-injection point for the kill -9 test (tests/atomicity.test.ts): with UPTAKE_PAUSE_BEFORE_COMMIT_MS set, the
 * load says so on stderr and waits inside its transaction, so the test can kill it at exactly that moment.
 */
async function pauseBeforeCommit(): Promise<void> {
  const ms = Number(process.env.UPTAKE_PAUSE_BEFORE_COMMIT_MS);
  if (!ms) return;
  process.stderr.write('uptake: paused before commit\n');
  await new Promise((r) => setTimeout(r, ms));
}

/** Writes batch records lost to a crash between a commit and the record (see raw-store.ts). */
export async function reconcileBatchRecords(warehouse: Warehouse, rawDir: string): Promise<number> {
  const batches = (
    await warehouse.connection.runAndReadAll('SELECT batch_id, record FROM load_batch')
  ).getRowObjectsJson();
  let written = 0;
  for (const b of batches) {
    if (!hasBatchRecord(rawDir, String(b.batch_id))) {
      writeBatchRecord(rawDir, JSON.parse(String(b.record)) as BatchRecord);
      written++;
    }
  }
  return written;
}
