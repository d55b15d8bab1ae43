/**
 * A benchmark's options. run.ts passes every argument but `--only` to every module it runs, so each module reads the
 * options it knows and leaves the others alone (parseArgs with strict: false) rather than failing on another's.
 */
import { parseArgs } from 'node:util';

export function benchOptions<Name extends string>(
  args: string[],
  types: Record<Name, 'string' | 'boolean'>
): Partial<Record<Name, string | boolean>> {
  const options = Object.fromEntries(Object.entries(types).map(([name, type]) => [name, { type }])) as Record<
    string,
    { type: 'string' | 'boolean' }
  >;
  return parseArgs({ args, options, strict: false }).values as Partial<Record<Name, string | boolean>>;
}
