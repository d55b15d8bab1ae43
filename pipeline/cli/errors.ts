/**
 * Exit codes and the one-line error messages of the `uptake` command (docs/cli.md).
 *
 *   0  done (including "already loaded, nothing changed")
 *   1  the command ran and failed: a load rejected, an SQL error, a file that could not be written
 *   2  usage error: unknown command or option, missing argument, missing path, SQL that is not read-only
 *   3  the database is in use by another process
 */
import { DatabaseInUseError } from '../warehouse/open.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, inUse: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The user asked for something the command cannot do as asked. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof DatabaseInUseError) return EXIT.inUse;
  return EXIT.failed;
}

/** One clear line; the stack only when UPTAKE_DEBUG=1, because a stack trace tells an analyst nothing. */
export function describeError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? error.message : String(error);
  // DuckDB messages carry a multi-line context (LINE 1: ... ^); the first line names the problem.
  return message.split('\n')[0].trim() || 'Unknown error';
}
