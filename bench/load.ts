/**
 * Benchmark: `uptake load` against DuckDB's own read_csv into a plain table, on the same file in the same run, for two
 * export shapes, plus the load's peak memory on a large file.
 *
 *   wide: an uptake export in Uptake's templates (uptake-export.ts), target ≤ 1.5× read_csv;
 *   long: a long export in the national GP practice publication's shape (long-export.ts: one row per practice, month
 *         and field), loaded with the benchmark's profile for it, target ≤ 2× read_csv.
 * For each: (a) loadPaths into a fresh warehouse whose programme and services are already loaded (untimed), i.e.
 * everything `uptake load` does: hashing, reading, staging, every check, raw landing, one transaction; (b) CREATE
 * TABLE t AS SELECT * FROM read_csv(file, header = true, dateformat = …) into a fresh database file. Runs alternate
 * a, b, a, b, … so both see the same machine state; the best of REPEATS each is reported.
 * Peak memory: `uptake load` of a wide export of MEMORY_ROWS rows in a child process (helpers/load-in-child.ts), whose
 * maxRSS is DuckDB's memory and Node's together; target ≤ 1 GB.
 *
 * Options: --rows N (default 1,000,000), --repeats N (default 3), --shapes wide,long (default both),
 * --memory-rows N (default 5,000,000; 0 skips the memory run).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchOptions } from './options.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadPaths, type LoadOptions } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { generateLongExport, LONG_PROFILE } from './long-export.ts';
import type { BenchResult, BenchRow } from './types.ts';
import { generateUptakeExport } from './uptake-export.ts';

export const DEFAULT_ROWS = 1_000_000;
export const DEFAULT_REPEATS = 3;
export const DEFAULT_MEMORY_ROWS = 5_000_000;
/** Targets: the pipeline, checks and all, within this factor of raw read_csv on the same file. */
export const TARGET_RATIO = { wide: 1.5, long: 2 } as const;
export const TARGET_PEAK_BYTES = 1024 ** 3;

type Shape = keyof typeof TARGET_RATIO;
type Phase = 'read' | 'check' | 'write';

interface PipelineTiming {
  seconds: number;
  /** CPU seconds of this process (every DuckDB thread and Node's) over the same span: steadier on a shared machine. */
  cpu: number;
  /** Seconds from the first progress event of each phase to the next phase (the last phase runs to the end). */
  phases: Partial<Record<Phase, number>>;
}

/** One shape's file and how to load it. */
interface Dataset {
  shape: Shape;
  file: string;
  rows: number;
  bytes: number;
  describe: string;
  /** Files loaded (untimed) before the timed one: the services it refers to. */
  setup: string[];
  options: LoadOptions;
  /** read_csv's dateformat for the baseline, the format the file's dates are written in. */
  dateFormat: string;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const grouped = (n: number) => Math.round(n).toLocaleString('en-GB');
const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

async function timeUptakeLoad(data: Dataset, scratch: string): Promise<PipelineTiming> {
  const warehouse = await openWarehouse(join(scratch, 'uptake.duckdb'));
  try {
    if (data.setup.length) {
      const setup = await loadPaths(warehouse, data.setup);
      if (setup.outcome !== 'loaded')
        throw new Error(`The benchmark's services file was not loaded: ${JSON.stringify(setup.problems.slice(0, 3))}`);
    }
    // Where the time goes, from the loader's own progress events: read (hash, reader), check (staging, checks,
    // raw landing), write (the transaction).
    const marks: [Phase, bigint][] = [];
    const onProgress = (event: { phase: Phase }) => {
      if (marks.at(-1)?.[0] !== event.phase) marks.push([event.phase, process.hrtime.bigint()]);
    };
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    const report = await loadPaths(warehouse, [data.file], { ...data.options, onProgress });
    const end = process.hrtime.bigint();
    const cpu = cpuSeconds(cpuStart);
    if (report.outcome !== 'loaded' || report.loaded[0]?.rows === undefined) {
      throw new Error(
        `The benchmark's ${data.shape} file did not load cleanly (${report.outcome}): ${JSON.stringify(report.problems.slice(0, 3))}`
      );
    }
    const phases: PipelineTiming['phases'] = {};
    marks.forEach(([phase, at], i) => (phases[phase] = Number((marks[i + 1]?.[1] ?? end) - at) / 1e9));
    return { seconds: Number(end - start) / 1e9, cpu, phases };
  } finally {
    warehouse.close();
  }
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

async function timeReadCsv(data: Dataset, scratch: string): Promise<{ seconds: number; cpu: number }> {
  const instance = await DuckDBInstance.create(join(scratch, 'plain.duckdb'));
  const connection = await instance.connect();
  try {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    await connection.run(
      `CREATE TABLE t AS SELECT * FROM read_csv('${data.file.replaceAll("'", "''")}', header = true, dateformat = '${data.dateFormat}')`
    );
    const elapsed = seconds(start);
    const cpu = cpuSeconds(cpuStart);
    const count = Number((await connection.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjectsJS()[0].n);
    if (count !== data.rows) throw new Error(`read_csv loaded ${count} rows, expected ${data.rows}`);
    return { seconds: elapsed, cpu };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** How each shape's file is generated and loaded; generateDataset adds what every shape has alike. */
const SHAPES: Record<Shape, (folder: string, rows: number) => Omit<Dataset, 'shape' | 'bytes'>> = {
  wide(folder, rows) {
    const data = generateUptakeExport(folder, rows);
    return {
      file: data.uptake,
      rows: data.rows,
      describe: `${grouped(data.serviceCount)} services × ${data.asOfDates} monthly as-of dates, UK dates`,
      setup: [data.programme, data.services],
      options: {},
      dateFormat: '%d/%m/%Y'
    };
  },
  long(folder, rows) {
    const data = generateLongExport(folder, rows);
    return {
      file: data.file,
      rows: data.rows,
      describe: `${grouped(data.practices)} practices × ${data.months} months × 7 fields, dates like 30APR2018, profile ${LONG_PROFILE.name}`,
      setup: [],
      options: { profileObject: LONG_PROFILE },
      dateFormat: '%d%b%Y'
    };
  }
};

function generateDataset(shape: Shape, folder: string, rows: number): Dataset {
  const data = SHAPES[shape](folder, rows);
  return { shape, ...data, bytes: statSync(data.file).size };
}

/** Peak resident memory of `uptake load` of a wide export in a child process. */
async function peakMemory(root: string, rows: number, log: (line: string) => void) {
  const folder = join(root, 'memory');
  const data = generateDataset('wide', join(folder, 'export'), rows);
  log(`peak memory: ${megabytes(data.bytes)} wide export of ${grouped(data.rows)} rows, loaded in a child process…`);
  const database = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(database);
  try {
    await loadPaths(warehouse, data.setup, { rawDir: join(folder, 'raw') });
  } finally {
    warehouse.close();
  }
  const output = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'helpers', 'load-in-child.ts'),
      database,
      join(folder, 'raw'),
      data.file
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 }
  );
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
    outcome: string;
    rows: number;
    seconds: number;
    maxRssBytes: number;
    problems: unknown[];
  };
  if (result.outcome !== 'loaded' || result.rows !== data.rows)
    throw new Error(`The memory run did not load cleanly: ${JSON.stringify(result)}`);
  log(`  maxRSS ${megabytes(result.maxRssBytes)} in ${result.seconds.toFixed(1)} s`);
  rmSync(folder, { recursive: true, force: true });
  return { rows: data.rows, bytes: data.bytes, ...result };
}

export async function run(args: string[], log: (line: string) => void): Promise<BenchResult> {
  const values = benchOptions(args, { rows: 'string', repeats: 'string', shapes: 'string', 'memory-rows': 'string' });
  const count = (value: unknown, fallback: number, name: string, allowZero = false) => {
    const n = Number(String(value ?? fallback).replaceAll(/[_,]/g, ''));
    if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
      throw new Error(`--${name} must be a ${allowZero ? '' : 'positive '}whole number, not ${value}`);
    return n;
  };
  const rows = count(values.rows, DEFAULT_ROWS, 'rows');
  const repeats = count(values.repeats, DEFAULT_REPEATS, 'repeats');
  const memoryRows = count(values['memory-rows'], DEFAULT_MEMORY_ROWS, 'memory-rows', true);
  const shapes = String(values.shapes ?? 'wide,long').split(',') as Shape[];
  for (const s of shapes) if (!(s in TARGET_RATIO)) throw new Error(`--shapes takes wide and/or long, not ${s}`);

  const root = mkdtempSync(join(tmpdir(), 'uptake-bench-'));
  const loadBefore = loadavg()[0];
  try {
    const table: BenchRow[] = [];
    const summary: string[] = [];
    const details: Record<string, unknown> = {};
    for (const shape of shapes) {
      log(`generating a ${shape} export of ${grouped(rows)} rows…`);
      const generatedAt = process.hrtime.bigint();
      const data = generateDataset(shape, join(root, shape), rows);
      log(`  ${megabytes(data.bytes)}, ${data.describe}, in ${seconds(generatedAt).toFixed(1)} s`);
      const pipelineRuns: PipelineTiming[] = [];
      const rawRuns: { seconds: number; cpu: number }[] = [];
      const describePhases = (t: PipelineTiming) =>
        Object.entries(t.phases)
          .map(([p, s]) => `${p} ${s.toFixed(2)}`)
          .join(', ');
      for (let i = 0; i < repeats; i++) {
        let scratch = mkdtempSync(join(root, 'run-'));
        const timing = await timeUptakeLoad(data, scratch);
        pipelineRuns.push(timing);
        log(
          `  run ${i + 1}/${repeats} uptake load: ${timing.seconds.toFixed(3)} s, CPU ${timing.cpu.toFixed(3)} s (${describePhases(timing)})`
        );
        rmSync(scratch, { recursive: true, force: true });
        scratch = mkdtempSync(join(root, 'run-'));
        rawRuns.push(await timeReadCsv(data, scratch));
        log(
          `  run ${i + 1}/${repeats} read_csv: ${rawRuns.at(-1)!.seconds.toFixed(3)} s, CPU ${rawRuns.at(-1)!.cpu.toFixed(3)} s`
        );
        rmSync(scratch, { recursive: true, force: true });
      }
      rmSync(join(root, shape), { recursive: true, force: true });
      const pipeline = pipelineRuns.map((t) => t.seconds);
      const bestPipeline = Math.min(...pipeline);
      const bestRun = pipelineRuns[pipeline.indexOf(bestPipeline)];
      const raw = rawRuns.map((r) => r.seconds);
      const bestRaw = Math.min(...raw);
      const ratio = bestPipeline / bestRaw;
      const cpuRatio = Math.min(...pipelineRuns.map((t) => t.cpu)) / Math.min(...rawRuns.map((r) => r.cpu));
      const row = (method: string, times: number[], best: number) => ({
        shape,
        method,
        rows: grouped(data.rows),
        MB: (data.bytes / 1048576).toFixed(1),
        [`best of ${repeats} (s)`]: best.toFixed(3),
        'rows/s': grouped(data.rows / best),
        'all runs (s)': times.map((t) => t.toFixed(3)).join(', ')
      });
      table.push(
        row('uptake load (loadPaths: checks, raw landing, one transaction)', pipeline, bestPipeline),
        row('DuckDB read_csv → CREATE TABLE (no checks)', raw, bestRaw)
      );
      summary.push(
        `${shape}: uptake load takes ${ratio.toFixed(2)}× as long as raw read_csv (target ≤ ${TARGET_RATIO[shape]}×): ${ratio <= TARGET_RATIO[shape] ? 'met' : 'NOT met'}. Fastest load by phase (s): ${describePhases(bestRun)}. Least CPU time, load against read_csv: ${cpuRatio.toFixed(2)}×.`
      );
      details[shape] = {
        rows: data.rows,
        bytes: data.bytes,
        file: data.describe,
        repeats,
        secondsUptakeLoad: pipeline,
        phasesUptakeLoad: pipelineRuns.map((t) => t.phases),
        secondsReadCsv: raw,
        cpuSecondsUptakeLoad: pipelineRuns.map((t) => t.cpu),
        cpuSecondsReadCsv: rawRuns.map((r) => r.cpu),
        ratio,
        cpuRatio,
        targetRatio: TARGET_RATIO[shape]
      };
    }
    if (memoryRows > 0) {
      const memory = await peakMemory(root, memoryRows, log);
      summary.push(
        `peak memory of uptake load of a ${grouped(memory.rows)}-row wide export (${megabytes(memory.bytes)}), child process maxRSS: ${megabytes(memory.maxRssBytes)} (target ≤ 1 GB): ${memory.maxRssBytes <= TARGET_PEAK_BYTES ? 'met' : 'NOT met'}.`
      );
      details.memory = memory;
    }
    const loadAfter = loadavg()[0];
    summary.push(
      `Machine: ${cpus().length} cores, 1-minute load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after.`
    );
    details.machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadBefore, loadAfter };
    return {
      title: `Loading ${grouped(rows)}-row exports: uptake load against DuckDB read_csv on the same file`,
      table,
      summary,
      details
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
