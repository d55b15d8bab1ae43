/**
 * `uptake report <notebook> [--as-of <date>] [--audience committee|funder|public] --out <file.html|file.pdf>`:
 * renders a notebook (a name in notebooks/ or a path to a .md file) from the warehouse, opened read-only, and writes
 * a standalone HTML file or a PDF printed by headless Chromium. The file is written atomically.
 *
 * Mistakes the user can fix are usage errors (exit 2) with the choices listed: an unknown notebook, an as-of date that
 * is not loaded, an audience that does not exist, an --out that is neither .html nor .pdf.
 */
import { Command, Option } from 'commander';
import { extname } from 'node:path';
import type { CliEffects } from './effects.ts';
import type { RunCommand } from './command-runner.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { readingWarehouse } from './with-warehouse.ts';
import {
  AUDIENCES,
  htmlToPdf,
  closePdfBrowser,
  loadNotebookFromCommandLine,
  renderNotebook,
  UnknownAsOfError,
  UnknownAudienceError,
  UnknownNotebookError
} from '../notebooks/index.ts';
import { formatDate } from '../format/format.ts';

export interface ReportOptions {
  asOf?: string;
  audience?: string;
  out: string;
}

export async function reportCommand(
  dbPath: string,
  notebookName: string,
  options: ReportOptions,
  effects: CliEffects
): Promise<ExitCode> {
  const format = extname(options.out).toLowerCase();
  if (format !== '.html' && format !== '.pdf')
    throw new UsageError(`--out must end in .html or .pdf, not "${options.out}".`);
  if (options.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.asOf)) {
    throw new UsageError(`--as-of must be a date in the form YYYY-MM-DD, not "${options.asOf}".`);
  }
  let notebook;
  try {
    notebook = loadNotebookFromCommandLine(notebookName);
  } catch (error) {
    if (error instanceof UnknownNotebookError) throw new UsageError(error.message);
    throw error;
  }
  const report = await readingWarehouse(dbPath, async ({ connection }) => {
    try {
      return await renderNotebook(connection, notebook, { asOf: options.asOf, audience: options.audience });
    } catch (error) {
      if (error instanceof UnknownAsOfError || error instanceof UnknownAudienceError)
        throw new UsageError(error.message);
      throw error;
    }
  });
  let bytes: string | Uint8Array = report.document;
  if (format === '.pdf') {
    try {
      bytes = await htmlToPdf(report.document, { footerText: `${report.title} · as of ${formatDate(report.asOf)}` });
    } finally {
      await closePdfBrowser(); // the shared browser would otherwise keep this process alive until it idles out
    }
  }
  writeFileAtomic(options.out, bytes);
  effects.stdout.write(
    `Wrote ${options.out}: ${report.title}, as of ${report.asOf}, for the ${report.audience} ` +
      `(disclosure profile ${report.profile}).\n`
  );
  return EXIT.ok;
}

/** Adds `report` to the program; program.ts calls this with its shared runner (errors → one line and an exit code). */
export function registerReportCommand(program: Command, run: RunCommand, effects: CliEffects): void {
  program
    .command('report')
    .description('render a notebook to HTML or PDF (funder and public audiences get disclosure-controlled figures)')
    .argument('<notebook>', 'a notebook name in notebooks/ (e.g. funder-impact) or the path to a .md file')
    .option('--as-of <date>', 'the as-of date to report (YYYY-MM-DD; default: the latest snapshot)')
    .addOption(
      new Option('--audience <audience>', "who it is for (default: the notebook's own)").choices([...AUDIENCES])
    )
    .requiredOption('--out <file>', 'the file to write: .html or .pdf')
    .action(run<ReportOptions, [string]>((db, options, notebook) => reportCommand(db, notebook, options, effects)));
}
