/**
 * The `uptake` command line: commander wiring, exit codes and error lines. Each command's work lives in its own module
 * (load.ts, status.ts, rebuild.ts, query.ts, export.ts); `runCli` is what main.ts calls and what tests call in-process.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliEffects } from './effects.ts';
import { EXIT, describeError, exitCodeFor, type ExitCode } from './errors.ts';
import { exportCommand, EXPORT_FORMATS } from './export.ts';
import { loadCommand } from './load.ts';
import { queryCommand } from './query.ts';
import { rebuildCommand } from './rebuild.ts';
import { registerReportCommand } from './report.ts';
import { registerTranscriptsCommand } from './transcripts.ts';
import { registerQdaCommand, registerTranscriptsImportCommand } from './qda.ts';
import { registerUsersCommand } from './users.ts';
import { registerAuditCommand } from './audit.ts';
import { statusCommand } from './status.ts';
import { databasePath } from '../warehouse/open.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function runCli(argv: string[], effects: CliEffects): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const debug = effects.env.UPTAKE_DEBUG === '1';
  const program = new Command('uptake');

  // Every command: resolve the database, run, and turn any error into one line and an exit code.
  const run = (body: (dbPath: string) => Promise<ExitCode>, json?: () => boolean) => async () => {
    try {
      exitCode = await body(databasePath(program.opts().db ?? effects.env.UPTAKE_DB));
    } catch (error) {
      exitCode = exitCodeFor(error);
      const line = describeError(error, debug);
      effects.stderr.write(`uptake: ${line}\n`);
      // --json promises one JSON object on stdout, failure included, so a script never parses an empty stream.
      if (json?.())
        effects.stdout.write(
          JSON.stringify({ outcome: 'error', exitCode, error: describeError(error, false) }, null, 2) + '\n'
        );
    }
  };

  program
    .description('Load programme exports into the Uptake warehouse, and read from it.')
    .version(VERSION, '-V, --version')
    .option('--db <file>', 'the warehouse file (default: $UPTAKE_DB or data/uptake.duckdb)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void effects.stdout.write(text),
      writeErr: (text) => void effects.stderr.write(text)
    });

  program
    .command('load')
    .description('check exports, then load them all in one transaction (or nothing)')
    .argument('<paths...>', 'files or folders (a folder loads every CSV, XLSX and JSON file in it)')
    .option(
      '--profile <name|file>',
      'source profile: a built-in name or a profile JSON file (default: Uptake templates)'
    )
    .option('--json', 'print one JSON object: outcome, batchId, loaded, skipped, problems')
    .addOption(new Option('--quiet-if-loaded', 'print nothing when every file was loaded before').hideHelp())
    .action(async function (this: Command, paths: string[]) {
      const options = this.opts<{ profile?: string; json?: boolean; quietIfLoaded?: boolean }>();
      await run(
        (db) => loadCommand(db, paths, options, effects),
        () => Boolean(options.json)
      )();
    });

  program
    .command('status')
    .description('what is loaded: files, hashes, as-of dates, row counts, the latest snapshot')
    .option('--json', 'print JSON (full hashes)')
    .action(async function (this: Command) {
      const options = this.opts<{ json?: boolean }>();
      await run((db) => statusCommand(db, options, effects))();
    });

  program
    .command('rebuild')
    .description('recreate the warehouse from the raw files in data/raw/ alone')
    .action(async () => run((db) => rebuildCommand(db, effects))());

  program
    .command('query')
    .description('run read-only SQL (one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement)')
    .argument('<sql>', 'the statement, quoted')
    .option('--json', 'print an array of row objects')
    .option('--csv', 'print CSV (RFC 4180)')
    .option('--arrow <file>', 'write an Arrow IPC file (for pyarrow, R arrow, polars)')
    .action(async function (this: Command, sql: string) {
      const options = this.opts<{ json?: boolean; csv?: boolean; arrow?: string }>();
      await run((db) => queryCommand(db, sql, options, effects))();
    });

  program
    .command('export')
    .description('write every model table and metric view to a folder (Parquet partitioned by as-of date)')
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <folder>', 'the folder to write (replaced only if empty or an earlier export)')
    .action(async function (this: Command) {
      const options = this.opts<{ format: string; out: string }>();
      await run((db) => exportCommand(db, options, effects))();
    });

  registerReportCommand(program, run, effects);
  registerTranscriptsCommand(program, run, effects);
  registerTranscriptsImportCommand(program, run, effects);
  registerQdaCommand(program, run, effects);
  registerUsersCommand(program, run, effects);
  registerAuditCommand(program, run, effects);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // exitOverride turns commander's own exits into errors: help and version exit 0, every other one is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return exitCode;
}
