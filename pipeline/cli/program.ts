/**
 * The `uptake` command line: commander wiring, exit codes and error lines. Each command's work lives in its own module
 * (load.ts, status.ts, rebuild.ts, query.ts, export.ts); `runCli` is what main.ts calls and what tests call in-process.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { CliEffects } from './effects.ts';
import { EXIT, type ExitCode } from './errors.ts';
import { commandRunner } from './command-runner.ts';
import { exportCommand, EXPORT_FORMATS } from './export.ts';
import { loadCommand, type LoadCommandOptions } from './load.ts';
import { queryCommand, type QueryOptions } from './query.ts';
import { rebuildCommand } from './rebuild.ts';
import { registerReportCommand } from './report.ts';
import { registerTranscriptsCommand } from './transcripts.ts';
import { registerQdaCommand } from './qda.ts';
import { registerUsersCommand } from './users.ts';
import { registerAuditCommand } from './audit.ts';
import { statusCommand } from './status.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export async function runCli(argv: string[], effects: CliEffects): Promise<ExitCode> {
  const program = new Command('uptake');
  const { run, exitCode } = commandRunner(program, effects);

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
    .action(
      run<LoadCommandOptions, [string[]]>((db, options, paths) => loadCommand(db, paths, options, effects), {
        jsonFailure: true
      })
    );

  program
    .command('status')
    .description('what is loaded: files, hashes, as-of dates, row counts, the latest snapshot')
    .option('--json', 'print JSON (full hashes)')
    .action(run<{ json?: boolean }>((db, options) => statusCommand(db, options, effects)));

  program
    .command('rebuild')
    .description('recreate the warehouse from the raw files in data/raw/ alone')
    .action(run((db) => rebuildCommand(db, effects)));

  program
    .command('query')
    .description('run read-only SQL (one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement)')
    .argument('<sql>', 'the statement, quoted')
    .option('--json', 'print an array of row objects')
    .option('--csv', 'print CSV (RFC 4180)')
    .option('--arrow <file>', 'write an Arrow IPC file (for pyarrow, R arrow, polars)')
    .action(run<QueryOptions, [string]>((db, options, sql) => queryCommand(db, sql, options, effects)));

  program
    .command('export')
    .description('write every model table and metric view to a folder (Parquet partitioned by as-of date)')
    .addOption(new Option('--format <format>', 'file format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <folder>', 'the folder to write (replaced only if empty or an earlier export)')
    .action(run<{ format: string; out: string }>((db, options) => exportCommand(db, options, effects)));

  registerReportCommand(program, run, effects);
  registerTranscriptsCommand(program, run, effects);
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
  return exitCode();
}
