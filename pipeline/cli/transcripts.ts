/**
 * `uptake transcripts demo [--folder <dir>]`: loads the demo study (pipeline/qualitative/demo-study.ts) into an empty
 * interviews workbench; a workbench that already holds a study is left as it is, and the command says so (exit 0).
 * `npm start` runs it after loading the demo programme, so the Interviews pages have something to show.
 * The `transcripts` command is declared here whole; the work of `transcripts import` lives in qda.ts with the other
 * interviews imports.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { transcriptsImportCommand, type TranscriptsImportOptions } from './qda.ts';
import type { CliEffects } from './effects.ts';
import type { RunCommand } from './command-runner.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { DEMO_STUDY_DIR, loadDemoStudy } from '../qualitative/demo-study.ts';
import { withWarehouse } from './with-warehouse.ts';
import { plural } from '../format/format.ts';

export async function transcriptsDemoCommand(
  dbPath: string,
  options: { folder?: string },
  effects: CliEffects
): Promise<ExitCode> {
  const folder = options.folder ?? DEMO_STUDY_DIR;
  if (!existsSync(folder)) throw new UsageError(`There is no folder ${folder}.`);
  return withWarehouse(dbPath, async (warehouse) => {
    const result = await loadDemoStudy(warehouse.connection, folder);
    if (result.outcome === 'skipped') {
      effects.stdout.write(
        `The interviews workbench already holds a study (${plural(result.participants, 'participant')}, ${plural(result.transcripts, 'transcript')}, ` +
          `${plural(result.codes, 'code')}); the demo study was not loaded.\n`
      );
    } else {
      effects.stdout.write(
        `Loaded the demo study into ${dbPath}: ${plural(result.participants, 'participant')}, ${plural(result.transcripts, 'transcript')}, ` +
          `${plural(result.codes, 'code')}, ${plural(result.codings, 'coding')} by ${plural(result.coders, 'coder')}, ` +
          `${plural(result.cells, 'matrix cell')} and ${plural(result.memos, 'memo')}.\n`
      );
    }
    return EXIT.ok;
  });
}

/**
 * Adds `transcripts` (its `demo` and `import` subcommands) to the program; program.ts calls this with its shared
 * runner.
 */
export function registerTranscriptsCommand(program: Command, run: RunCommand, effects: CliEffects): void {
  const transcripts = program
    .command('transcripts')
    .description('the interviews workbench: transcripts and the demo study');
  transcripts
    .command('demo')
    .description('load the demo study (16 invented interviews, coded in part) into an empty interviews workbench')
    .option('--folder <dir>', `the demo study's folder (default: ${DEMO_STUDY_DIR})`)
    .action(run<{ folder?: string }>((db, options) => transcriptsDemoCommand(db, options, effects)));
  transcripts
    .command('import')
    .description('import transcripts (.txt, .docx, .vtt, .srt), anonymised on the way in')
    .argument('<files...>', 'transcript files; each is matched to a participant by an id in its name (P01-funder.txt)')
    .option(
      '--participants <file.csv>',
      'load participants first: participant_id, pseudonym, stakeholder_group, organisation_setting, role, interview_date'
    )
    .option(
      '--names <names.txt>',
      'names to replace, one per line: "role: Name; Other form" (e.g. "clinician: Dr Jane Okafor; Dr Okafor")'
    )
    .option('--key-out <file>', 'write the pseudonym key (pseudonym → real names) here, and only here')
    .option('--participant <id>', 'the participant every file belongs to')
    .option('--dry-run', 'list the proposed replacements, store nothing')
    .option(
      '--names-only',
      'replace names from --names only; do not look for NHS numbers, e-mails, phones, postcodes, dates of birth'
    )
    .option('--json', 'print the results as JSON')
    .action(
      run<TranscriptsImportOptions, [string[]]>(
        (db, options, files) => transcriptsImportCommand(db, files, options, effects),
        { jsonFailure: true }
      )
    );
}
