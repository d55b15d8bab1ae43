/**
 * `uptake load <file|folder>... [--profile <name|file>] [--json] [--quiet-if-loaded]`: checks a batch, then loads all
 * of it in one transaction or nothing (pipeline/load/load.ts does the work; this module talks to the person).
 *
 * Exit 0 loaded, or already loaded (same content: nothing changed, and it says so); 1 rejected, every problem listed;
 * 2 usage (missing path, unknown profile); 3 database in use (program.ts maps the errors).
 */
import { existsSync } from 'node:fs';
import type { CliEffects } from './effects.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { loadProgress, terminalBar } from './progress.ts';
import {
  formatProblem,
  loadPaths,
  LoadUsageError,
  type FileSummary,
  type LoadReport,
  type Problem
} from '../load/load.ts';
import { ProfileError, resolveProfile } from '../load/profile.ts';
import { defaultRawDir } from '../load/raw-store.ts';
import { openWarehouse } from '../warehouse/open.ts';
import { cliActor, loadAuditEvent, recordAudit } from '../audit/log.ts';
import { plural } from '../format/format.ts';

export interface LoadCommandOptions {
  profile?: string;
  json?: boolean;
  /** For `npm run demo` (run by `npm start` every time): say nothing when every file was loaded before. */
  quietIfLoaded?: boolean;
}

function fileLines(files: FileSummary[], withHash: boolean): string[] {
  const nameWidth = Math.max(...files.map((f) => f.file.length));
  const kindWidth = Math.max(...files.map((f) => f.kind.length));
  const rowsWidth = Math.max(...files.map((f) => plural(f.rows, 'row').length));
  return files.map((f) =>
    [
      `  ${f.file.padEnd(nameWidth)}`,
      f.kind.padEnd(kindWidth),
      plural(f.rows, 'row').padStart(rowsWidth),
      (f.asOf ? `as of ${f.asOf}` : '').padEnd(16),
      withHash ? `sha256 ${f.sha256.slice(0, 12)}` : ''
    ]
      .join('  ')
      .trimEnd()
  );
}

function problemLines(problems: Problem[]): string[] {
  return problems.map((p) => `  ${formatProblem(p)}`);
}

/** The text a person reads after a load. Returns [stdout, stderr]. */
export function formatLoadReport(report: LoadReport, dbPath: string, quietIfLoaded = false): [string, string] {
  const out: string[] = [];
  const err: string[] = [];
  const errors = report.problems.filter((p) => p.severity === 'error');
  const warnings = report.problems.filter((p) => p.severity !== 'error');
  if (report.outcome === 'rejected') {
    err.push(`Rejected: ${plural(errors.length, 'problem')} found; nothing was loaded into ${dbPath}.`);
    err.push(...problemLines(errors));
    if (warnings.length) err.push(`Warnings (these alone would not block a load):`, ...problemLines(warnings));
    err.push('Correct the files and load the whole batch again.');
    return ['', err.join('\n') + '\n'];
  }
  if (report.outcome === 'already-loaded') {
    if (quietIfLoaded) return ['', ''];
    out.push(
      `Already loaded: ${report.skipped.length === 1 ? 'this file has' : `these ${report.skipped.length} files have`} the same content as files loaded before, so nothing changed.`
    );
    out.push(...report.skipped.map((f) => `  ${f.file}  sha256 ${f.sha256.slice(0, 12)}`));
  } else {
    out.push(`Loaded ${plural(report.loaded.length, 'file')} into ${dbPath} (batch ${report.batchId}):`);
    out.push(...fileLines(report.loaded, true));
    if (report.skipped.length) {
      out.push(
        `Skipped ${plural(report.skipped.length, 'file')} already loaded (same content): ${report.skipped.map((f) => f.file).join(', ')}`
      );
    }
  }
  if (warnings.length) out.push(`Warnings (not blocking):`, ...problemLines(warnings));
  return [out.join('\n') + '\n', ''];
}

/** What `--json` prints: exactly this one object. */
export function loadReportJson(report: LoadReport) {
  return {
    outcome: report.outcome,
    batchId: report.batchId,
    loaded: report.loaded,
    skipped: report.skipped,
    problems: report.problems
  };
}

/** Mistakes in the command line are reported before the database is opened, so they never wait on a lock. */
function checkArguments(paths: string[], options: LoadCommandOptions): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length) throw new UsageError(`No such file or folder: ${missing.join(', ')}`);
  try {
    resolveProfile(options.profile);
  } catch (error) {
    if (error instanceof ProfileError) throw new UsageError(error.message);
    throw error;
  }
}

export async function loadCommand(
  dbPath: string,
  paths: string[],
  options: LoadCommandOptions,
  effects: CliEffects
): Promise<ExitCode> {
  checkArguments(paths, options);
  const progress = loadProgress({
    enabled: effects.isTTY && !options.json && effects.progressStream !== undefined,
    createBar: () => terminalBar(effects.progressStream!)
  });
  const warehouse = await openWarehouse(dbPath);
  let report: LoadReport;
  try {
    report = await loadPaths(warehouse, paths, {
      profile: options.profile,
      rawDir: defaultRawDir(dbPath),
      onProgress: progress.onProgress
    });
    await recordAudit(warehouse.connection, { actor: cliActor(), source: 'cli', ...loadAuditEvent(report, paths) });
  } catch (error) {
    // A missing path or an unknown profile is the caller's mistake, not a failed load.
    if (error instanceof LoadUsageError || error instanceof ProfileError) throw new UsageError(error.message);
    throw error;
  } finally {
    progress.finish();
    warehouse.close();
  }
  if (options.json) effects.stdout.write(JSON.stringify(loadReportJson(report), null, 2) + '\n');
  else {
    const [out, err] = formatLoadReport(report, dbPath, options.quietIfLoaded);
    if (out) effects.stdout.write(out);
    if (err) effects.stderr.write(err);
  }
  return report.outcome === 'rejected' ? EXIT.failed : EXIT.ok;
}
