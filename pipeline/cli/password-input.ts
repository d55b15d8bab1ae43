/**
 * Where `uptake users add` and `reset-password` get a password: a file (--password-file, first line), the standard
 * input when it is not a terminal (first line, for scripts: `printf '%s\n' "$PW" | uptake users add …`), or a prompt
 * on the terminal that echoes nothing and asks twice. Never from an argument (it would sit in the shell history
 * and the process list) and never a default.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

export interface PasswordSource {
  /** Reads the first line of standard input when it is piped; null when standard input is a terminal. */
  piped(): Promise<string | null>;
  /** Asks on the terminal without echo. */
  prompt(question: string): Promise<string>;
}

const firstLine = (text: string) => text.replace(/^\ufeff/, '').split(/\r?\n/)[0];

export async function readPassword(options: { passwordFile?: string }, source: PasswordSource): Promise<string> {
  if (options.passwordFile) {
    let text: string;
    try {
      text = readFileSync(options.passwordFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `The password file ${options.passwordFile} could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`
      );
    }
    return firstLine(text);
  }
  const piped = await source.piped();
  if (piped !== null) return firstLine(piped);
  const password = await source.prompt('Password: ');
  const again = await source.prompt('The same password again: ');
  if (password !== again) throw new UsageError('The two passwords are not the same: nothing was changed.');
  return password;
}

/** The real standard input and terminal. */
export const processPasswordSource: PasswordSource = {
  async piped() {
    if (process.stdin.isTTY) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  prompt(question) {
    return new Promise((resolve, reject) => {
      const stdin = process.stdin;
      process.stderr.write(question);
      stdin.setRawMode(true);
      stdin.resume();
      let typed = '';
      const done = (error?: Error) => {
        stdin.setRawMode(false);
        stdin.pause();
        stdin.off('data', onData);
        process.stderr.write('\n');
        if (error) reject(error);
        else resolve(typed);
      };
      const onData = (data: Buffer) => {
        for (const char of data.toString('utf8')) {
          if (char === '\r' || char === '\n') return done();
          if (char === '\u0003') return done(new UsageError('Cancelled: nothing was changed.'));
          if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
          else typed += char;
        }
      };
      stdin.on('data', onData);
    });
  }
};
