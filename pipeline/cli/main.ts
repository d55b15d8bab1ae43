/**
 * Entry point of `uptake` (`npm run --silent uptake -- <command>`, or `node --import tsx pipeline/cli/main.ts`).
 * All the logic is in program.ts; this file only binds it to the real process.
 */
import { processEffects } from './effects.ts';
import { describeError } from './errors.ts';
import { runCli } from './program.ts';

try {
  process.exitCode = await runCli(process.argv.slice(2), processEffects());
} catch (error) {
  // Only a bug in the command line itself lands here: still one line, unless UPTAKE_DEBUG=1.
  process.stderr.write(`uptake: ${describeError(error, process.env.UPTAKE_DEBUG === '1')}\n`);
  process.exitCode = 1;
}
