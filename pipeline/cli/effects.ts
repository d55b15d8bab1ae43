/**
 * What a command may do to the outside world, passed in rather than reached for (side effects are injected,
 * docs/architecture.md "Code style"), so tests run commands in-process and read exactly what they printed.
 */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliEffects {
  stdout: TextSink;
  stderr: TextSink;
  /** True when a person is watching a terminal: only then is a progress bar drawn. */
  isTTY: boolean;
  /** Environment variables the commands read: UPTAKE_DB (which database) and UPTAKE_DEBUG (stack traces). */
  env: Record<string, string | undefined>;
  /** Where a progress bar is drawn (a real terminal stream); only used when isTTY. */
  progressStream?: NodeJS.WriteStream;
}

export function processEffects(): CliEffects {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Both must be terminals: stdout so that piped output stays clean, stderr because that is where the bar is drawn.
    isTTY: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    env: process.env,
    progressStream: process.stderr
  };
}
