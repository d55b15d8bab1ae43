/**
 * How every `uptake` command runs, in one place: the database is resolved (`--db`, then UPTAKE_DB, then the default),
 * the command's body runs with its options and arguments, and any error becomes one line on stderr and an exit code
 * (errors.ts). Each command module hands `run` its body and nothing else, so no command handles errors its own way.
 */
import type { Command } from 'commander';
import type { CliEffects } from './effects.ts';
import { EXIT, describeError, exitCodeFor, type ExitCode } from './errors.ts';
import { databasePath } from '../warehouse/open.ts';

/** A command's work: the database file, the command's options, then its arguments in the order declared. */
export type CommandBody<Options, Args extends unknown[]> = (
  dbPath: string,
  options: Options,
  ...args: Args
) => Promise<ExitCode>;

export interface RunSettings {
  /**
   * The command has `--json`, which promises one JSON object on stdout, failure included: so a script never parses an
   * empty stream, a failure with --json also prints `{ outcome: 'error', exitCode, error }`.
   */
  jsonFailure?: boolean;
}

/** Makes a commander action (`.action(run(body))`) of a command's body. */
export type RunCommand = <Options extends object = object, Args extends unknown[] = []>(
  body: CommandBody<Options, Args>,
  settings?: RunSettings
) => (...commanderArgs: unknown[]) => Promise<void>;

export interface CommandRunner {
  run: RunCommand;
  /** The exit code of the command that ran (0 when none did, as for `--help`). */
  exitCode(): ExitCode;
}

export function commandRunner(program: Command, effects: CliEffects): CommandRunner {
  let exitCode: ExitCode = EXIT.ok;
  const debug = effects.env.UPTAKE_DEBUG === '1';
  const run: RunCommand =
    <Options extends object, Args extends unknown[]>(body: CommandBody<Options, Args>, settings: RunSettings = {}) =>
    async (...commanderArgs: unknown[]) => {
      // commander calls an action with the declared arguments, then the options, then the command itself.
      const command = commanderArgs.at(-1) as Command;
      const options = command.opts<Options>();
      const args = commanderArgs.slice(0, -2) as Args;
      try {
        exitCode = await body(databasePath(program.opts().db ?? effects.env.UPTAKE_DB), options, ...args);
      } catch (error) {
        exitCode = exitCodeFor(error);
        effects.stderr.write(`uptake: ${describeError(error, debug)}\n`);
        if (settings.jsonFailure && (options as { json?: boolean }).json)
          effects.stdout.write(
            JSON.stringify({ outcome: 'error', exitCode, error: describeError(error, false) }, null, 2) + '\n'
          );
      }
    };
  return { run, exitCode: () => exitCode };
}
