/**
 * `npm run bench [-- --only load --rows 100000]`: runs every benchmark module in bench/ (each *.ts file that exports
 * `run()`, see types.ts), prints a table per module, and writes each result to bench/output/<name>.json (gitignored).
 * Benchmarks are not tests: they run only when asked, one at a time, on an otherwise idle machine.
 *
 * Options: --only <name[,name]> picks modules by file name; every other argument is passed to the modules.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchRow, BenchRun } from './types.ts';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const OUTPUT_DIR = join(BENCH_DIR, 'output');

export async function discoverBenchmarks(): Promise<{ name: string; run: BenchRun }[]> {
  const found: { name: string; run: BenchRun }[] = [];
  for (const file of readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()) {
    if (file === 'run.ts') continue;
    const module = (await import(pathToFileURL(join(BENCH_DIR, file)).href)) as { run?: unknown };
    if (typeof module.run === 'function') found.push({ name: basename(file, '.ts'), run: module.run as BenchRun });
  }
  return found;
}

const looksNumeric = (value: string | number) => typeof value === 'number' || /^[\d.,\s×%-]+$/.test(value);

export function formatTable(rows: BenchRow[]): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const right = columns.map((c) => rows.every((row) => row[c] === undefined || looksNumeric(row[c])));
  const render = (values: string[]) =>
    values
      .map((v, i) => (right[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(render)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1]?.split(',') : undefined;
  const passOn = onlyIndex >= 0 ? argv.filter((_, i) => i !== onlyIndex && i !== onlyIndex + 1) : argv;
  const benchmarks = (await discoverBenchmarks()).filter((b) => !only || only.includes(b.name));
  if (!benchmarks.length) {
    process.stderr.write(`bench: no benchmark${only ? ` named ${only.join(', ')}` : ''} in ${BENCH_DIR}\n`);
    return 2;
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  let failed = 0;
  for (const benchmark of benchmarks) {
    process.stdout.write(`\n== ${benchmark.name} ==\n`);
    const startedAt = new Date().toISOString();
    try {
      const result: BenchResult = await benchmark.run(passOn, (line) => process.stdout.write(`${line}\n`));
      process.stdout.write(`\n${result.title}\n${formatTable(result.table)}\n${result.summary.join('\n')}\n`);
      const file = join(OUTPUT_DIR, `${benchmark.name}.json`);
      writeFileSync(file, JSON.stringify({ name: benchmark.name, startedAt, ...result }, null, 2) + '\n');
      process.stdout.write(`(written to ${file})\n`);
    } catch (error) {
      failed++;
      process.stderr.write(`bench ${benchmark.name} failed: ${(error as Error).stack ?? error}\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
