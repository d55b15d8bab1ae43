/**
 * The interviews workbench on the command line:
 *   uptake qda import <files.qdpx|.qde|.qdc...> [--crlf auto|two|one] [--json]
 *   uptake qda export --out <file.qdpx|file.qdc> [--name <project name>]
 *   uptake transcripts import <files...> [--participants file.csv] [--names names.txt] [--key-out file]
 *                             [--participant <id>] [--dry-run] [--names-only] [--json]
 *
 * `transcripts import` applies every anonymisation proposal: running it is the researcher's confirmation, and
 * `--dry-run` lists the proposals first without storing anything. The pseudonym key is written only to --key-out
 * (read first when it exists, so pseudonyms stay the same across imports); without --key-out it is kept nowhere.
 *
 * Exit codes as every command (errors.ts): 0 done, 1 failed (a participants CSV with problems, an unreadable file),
 * 2 usage (a missing file, a wrong extension), 3 database in use.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliEffects } from './effects.ts';
import type { RunCommand } from './command-runner.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { withWarehouse } from './with-warehouse.ts';
import { exportRefiFile } from '../refi-qda/export.ts';
import { filesBeside, importRefiProject, MAX_QDPX_BYTES } from '../refi-qda/import.ts';
import { readRefiInWorker, type RefiRead } from '../refi-qda/read-worker.ts';
import type { ImportReport } from '../refi-qda/model.ts';
import { parseNamesList, PseudonymBook, readKeyFile, writeKeyFile } from '../qualitative/anonymise.ts';
import { importParticipantsCsv } from '../qualitative/participants.ts';
import { importTranscriptFiles, type FileImportResult } from '../qualitative/transcripts.ts';
import { lineAt, lineStarts } from '../qualitative/offsets.ts';
import { readTranscriptFile } from '../qualitative/readers/index.ts';
import { plural } from '../format/format.ts';

function requireFile(path: string): void {
  if (!existsSync(path)) throw new UsageError(`There is no file ${path}.`);
}

// ——— qda import / export ———

/** One file read on the worker thread: a .qdpx or .qdc alone, a bare .qde with the source files beside it. */
async function readRefiFileInWorker(file: string, crlfCounting: 'auto' | 'two' | 'one'): Promise<RefiRead> {
  const size = statSync(file).size;
  if (size > MAX_QDPX_BYTES)
    throw new Error(`${file} is ${size} bytes; Uptake reads REFI-QDA files of up to ${MAX_QDPX_BYTES} bytes`);
  const besideFiles = /\.qde$/i.test(file) ? filesBeside(file) : undefined;
  return readRefiInWorker(readFileSync(file), basename(file), { crlfCounting, besideFiles });
}

/** One file's report: what was carried, what was tolerated (departures from the standard), what was not carried. */
export function formatImportReport(report: ImportReport, file: string): string {
  const c = report.counts;
  const carried = [
    `${plural(c.sources ?? 0, 'transcript')}${c.withoutText ? ` (${c.withoutText} without text)` : ''}`,
    plural(c.participants ?? 0, 'participant'),
    plural(c.categories ?? 0, 'category', 'categories'),
    plural(c.codes ?? 0, 'code'),
    plural(c.codings ?? 0, 'coding'),
    plural(c.memos ?? 0, 'memo'),
    plural(c.cells ?? 0, 'matrix cell')
  ];
  if (c.codeGroups) carried.push(plural(c.codeGroups, 'code group'));
  if (c.attributes) carried.push(plural(c.attributes, 'case attribute'));
  if (c.textsRestored) carried.push(`${plural(c.textsRestored, 'missing text')} filled in`);
  const lines = [file, `  Carried: ${carried.join(', ')}.`];
  if (report.deviations.length) {
    lines.push(`  Tolerated: ${plural(report.deviations.length, 'departure')} from the REFI-QDA standard`);
    const kinds = [...new Set(report.deviations.map((d) => d.kind))];
    for (const kind of kinds) {
      const of = report.deviations.filter((d) => d.kind === kind);
      lines.push(`    ${kind} (${of.length})`, ...of.map((d) => `      ${d.message}`));
    }
  } else {
    lines.push('  Tolerated: nothing; the file follows the REFI-QDA standard.');
  }
  if (report.notCarried.length) {
    lines.push(`  Not carried: ${report.notCarried.length}`);
    for (const n of report.notCarried) lines.push(`    ${n.what}${n.name ? ` "${n.name}"` : ''}: ${n.reason}`);
  } else {
    lines.push('  Not carried: nothing; everything in the file was carried.');
  }
  return lines.join('\n') + '\n';
}

const REFI_FILE = /\.(qdpx|qdc|qde)$/i;

/** Imports each file in turn, each all-or-nothing; a file that fails is reported and the others still import. */
export async function qdaImportCommand(
  dbPath: string,
  files: string[],
  options: { crlf?: 'auto' | 'two' | 'one'; json?: boolean },
  effects: CliEffects
): Promise<ExitCode> {
  for (const file of files) {
    requireFile(file);
    if (!REFI_FILE.test(file))
      throw new UsageError(`Import a .qdpx (project), .qde (project file) or .qdc (codebook) file, not "${file}".`);
  }
  // Read each file (unzip, parse) on a worker thread held to the import limits (pipeline/refi-qda/limits.ts) before
  // the database is opened: a file past a limit fails with a message naming the limit, and nothing is written.
  const reads: (RefiRead | Error)[] = [];
  for (const file of files) {
    try {
      reads.push(await readRefiFileInWorker(file, options.crlf ?? 'auto'));
    } catch (error) {
      if (files.length === 1) throw error; // one file: the usual error path (stderr, exit 1)
      reads.push(error as Error);
    }
  }
  return withWarehouse(dbPath, async (warehouse) => {
    const results: unknown[] = [];
    let failed = false;
    for (const [i, file] of files.entries()) {
      try {
        const read = reads[i];
        if (read instanceof Error) throw read;
        const report = await importRefiProject(warehouse.connection, read, {
          actor: { user: effects.env.USER ? `cli:${effects.env.USER}` : 'cli' }
        });
        results.push({ outcome: 'imported', file, ...report });
        if (!options.json) effects.stdout.write(formatImportReport(report, file));
      } catch (error) {
        if (files.length === 1) throw error; // one file: the usual error path (stderr, exit 1)
        failed = true;
        const message = (error as Error).message;
        results.push({ outcome: 'failed', file, message });
        if (!options.json) effects.stdout.write(`${file}\n  Failed, nothing imported: ${message}\n`);
      }
    }
    if (options.json) effects.stdout.write(JSON.stringify(files.length === 1 ? results[0] : results, null, 2) + '\n');
    return failed ? EXIT.failed : EXIT.ok;
  });
}

export async function qdaExportCommand(
  dbPath: string,
  options: { out: string; name?: string; json?: boolean },
  effects: CliEffects
): Promise<ExitCode> {
  const extension = extname(options.out).toLowerCase();
  if (extension !== '.qdpx' && extension !== '.qdc')
    throw new UsageError(`--out must end in .qdpx (project) or .qdc (codebook), not "${options.out}".`);
  return withWarehouse(dbPath, async (warehouse) => {
    const result = await exportRefiFile(warehouse.connection, options.out, { name: options.name });
    if (options.json) {
      effects.stdout.write(
        JSON.stringify(
          { outcome: 'exported', file: options.out, counts: result.counts, warnings: result.warnings },
          null,
          2
        ) + '\n'
      );
    } else {
      const c = result.counts;
      const what =
        extension === '.qdc'
          ? `${plural(c.codes, 'code')} and categories`
          : `${plural(c.sources, 'transcript')}, ${plural(c.cases, 'participant')}, ${plural(c.codes, 'code')} and categories, ${plural(c.codings, 'coding')}, ${plural(c.notes, 'memo')}, ${plural(c.cells, 'matrix cell')}`;
      effects.stdout.write(`Wrote ${options.out}: ${what}.\n${result.warnings.map((w) => `Note: ${w}`).join('\n')}\n`);
    }
    return EXIT.ok;
  });
}

export function registerQdaCommand(program: Command, run: RunCommand, effects: CliEffects): void {
  const qda = program
    .command('qda')
    .description('exchange the interviews workbench with NVivo, ATLAS.ti, MAXQDA and QualCoder (REFI-QDA)');
  qda
    .command('import')
    .description(
      'import REFI-QDA projects (.qdpx, or a bare .qde) or codebooks (.qdc): for each file, what was carried, what was tolerated and what was not'
    )
    .argument('<files...>', '.qdpx, .qde or .qdc files')
    .addOption(
      new Option(
        '--crlf <counting>',
        'how selection positions count a CRLF line break: auto (ATLAS.ti one, others two), two, one'
      ).choices(['auto', 'two', 'one'])
    )
    .option('--json', 'print the report as JSON')
    .action(
      run<{ crlf?: 'auto' | 'two' | 'one'; json?: boolean }, [string[]]>(
        (db, options, files) => qdaImportCommand(db, files, options, effects),
        { jsonFailure: true }
      )
    );
  qda
    .command('export')
    .description('export the whole project (.qdpx) or the codebook alone (.qdc)')
    .requiredOption('--out <file>', 'the file to write: .qdpx or .qdc')
    .option('--name <name>', 'the project name written into the file')
    .option('--json', 'print counts and data-loss warnings as JSON')
    .action(
      run<{ out: string; name?: string; json?: boolean }>((db, options) => qdaExportCommand(db, options, effects), {
        jsonFailure: true
      })
    );
}

// ——— transcripts import ———

export interface TranscriptsImportOptions {
  participants?: string;
  names?: string;
  keyOut?: string;
  participant?: string;
  dryRun?: boolean;
  namesOnly?: boolean;
  json?: boolean;
}

async function proposalLines(path: string, result: FileImportResult): Promise<string[]> {
  if (!result.proposals.length) return [];
  const { text } = await readTranscriptFile(path);
  const starts = lineStarts(text);
  return result.proposals.map((p) => {
    const line = lineAt(starts, p.start);
    // Columns are 1-based, as editors and compilers show them.
    return `    line ${line}, column ${p.start - starts[line - 1] + 1}: ${p.kind} "${p.original}" → ${p.replacement}`;
  });
}

export async function transcriptsImportCommand(
  dbPath: string,
  files: string[],
  options: TranscriptsImportOptions,
  effects: CliEffects
): Promise<ExitCode> {
  for (const f of [
    ...files,
    ...(options.participants ? [options.participants] : []),
    ...(options.names ? [options.names] : [])
  ])
    requireFile(f);
  const names = options.names ? parseNamesList(readFileSync(options.names, 'utf8')) : [];
  const book = options.keyOut && existsSync(options.keyOut) ? readKeyFile(options.keyOut) : new PseudonymBook();
  return withWarehouse(dbPath, async (warehouse) => {
    if (options.participants) {
      const loaded = await importParticipantsCsv(warehouse.connection, options.participants);
      if (loaded.problems.length) {
        effects.stderr.write(
          `${options.participants}: ${plural(loaded.problems.length, 'problem')}; nothing was imported.\n` +
            loaded.problems
              .map((p) => `  ${options.participants}:${p.row}:${p.column}: ${p.value} — ${p.message}`)
              .join('\n') +
            '\n'
        );
        return EXIT.failed;
      }
      if (!options.json) effects.stdout.write(`Participants: ${loaded.added} added, ${loaded.updated} updated.\n`);
    }
    const results = await importTranscriptFiles(
      warehouse.connection,
      files,
      {
        names,
        book,
        participantId: options.participant,
        dryRun: options.dryRun,
        detectors: options.namesOnly ? [] : undefined
      },
      { user: effects.env.USER ? `cli:${effects.env.USER}` : 'cli' }
    );
    if (options.keyOut && !options.dryRun) writeKeyFile(options.keyOut, book);
    if (options.json) {
      effects.stdout.write(
        JSON.stringify(
          {
            outcome: options.dryRun ? 'dry-run' : 'imported',
            files: results,
            keyWritten: Boolean(options.keyOut && !options.dryRun)
          },
          null,
          2
        ) + '\n'
      );
      return EXIT.ok;
    }
    const out: string[] = [];
    for (const [i, r] of results.entries()) {
      const verdict = {
        imported: 'imported',
        'new-version': 'imported as a new version',
        'already-imported': 'already imported, nothing changed',
        'dry-run': 'not stored (dry run)'
      }[r.outcome];
      out.push(
        `${r.file}: ${verdict}; participant ${r.participantId ?? 'none'}; ${plural(r.proposals.length, 'replacement')} ${r.outcome === 'dry-run' ? 'proposed' : 'applied'}${r.turns ? `; ${plural(r.turns, 'speaker turn')}` : ''}.`
      );
      if (options.dryRun) out.push(...(await proposalLines(files[i], r)));
      out.push(...r.notes.map((n) => `    ${n}`));
    }
    if (!options.dryRun && names.length && !options.keyOut)
      out.push('No pseudonym key was written (pass --key-out <file> to keep one outside the warehouse).');
    if (options.keyOut && !options.dryRun)
      out.push(`Pseudonym key written to ${options.keyOut} (keep it apart from the transcripts).`);
    effects.stdout.write(out.join('\n') + '\n');
    return EXIT.ok;
  });
}
