/**
 * Benchmark: `uptake load` of one large uptake export against DuckDB's own read_csv into a plain table, on the same
 * file in the same run. Target: the pipeline, checks and all, within 2× of raw read_csv.
 *
 *   (a) loadPaths on the uptake file into a fresh warehouse whose programme and services are already loaded (untimed),
 *       i.e. everything `uptake load` does: hashing, reading, staging, every check, raw landing, one transaction;
 *   (b) CREATE TABLE t AS SELECT * FROM read_csv(file, header=true, dateformat='%d/%m/%Y') into a fresh database file.
 * Runs alternate a, b, a, b, … so both see the same machine state; the best of REPEATS each is reported.
 *
 * Options: --rows N (default 1,000,000), --repeats N (default 3).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadPaths } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import type { BenchResult } from './types.ts';
import { generateUptakeExport, type GeneratedExport } from './uptake-export.ts';

export const DEFAULT_ROWS = 1_000_000;
export const DEFAULT_REPEATS = 3;
/** The goal: the pipeline within this factor of raw read_csv. */
export const TARGET_RATIO = 2;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

type Phase = 'read' | 'check' | 'write';
interface PipelineTiming {
  seconds: number;
  /** Seconds from the first progress event of each phase to the next phase (the last phase runs to the end). */
  phases: Partial<Record<Phase, number>>;
}

async function timeUptakeLoad(data: GeneratedExport, scratch: string): Promise<PipelineTiming> {
  const warehouse = await openWarehouse(join(scratch, 'uptake.duckdb'));
  try {
    const setup = await loadPaths(warehouse, [data.programme, data.services]);
    if (setup.outcome !== 'loaded')
      throw new Error(`The benchmark's services file was not loaded: ${JSON.stringify(setup.problems.slice(0, 3))}`);
    // Where the time goes, from the loader's own progress events: read (hash, reader), check (staging, checks,
    // raw landing), write (the transaction).
    const marks: [Phase, bigint][] = [];
    const onProgress = (event: { phase: Phase }) => {
      if (marks.at(-1)?.[0] !== event.phase) marks.push([event.phase, process.hrtime.bigint()]);
    };
    const start = process.hrtime.bigint();
    const report = await loadPaths(warehouse, [data.uptake], { onProgress });
    const end = process.hrtime.bigint();
    if (report.outcome !== 'loaded' || report.loaded[0]?.rows !== data.rows) {
      throw new Error(
        `The benchmark's uptake file did not load cleanly (${report.outcome}): ${JSON.stringify(report.problems.slice(0, 3))}`
      );
    }
    const phases: PipelineTiming['phases'] = {};
    marks.forEach(([phase, at], i) => (phases[phase] = Number((marks[i + 1]?.[1] ?? end) - at) / 1e9));
    return { seconds: Number(end - start) / 1e9, phases };
  } finally {
    warehouse.close();
  }
}

async function timeReadCsv(data: GeneratedExport, scratch: string): Promise<number> {
  const instance = await DuckDBInstance.create(join(scratch, 'plain.duckdb'));
  const connection = await instance.connect();
  try {
    const start = process.hrtime.bigint();
    await connection.run(
      `CREATE TABLE t AS SELECT * FROM read_csv('${data.uptake.replaceAll("'", "''")}', header = true, dateformat = '%d/%m/%Y')`
    );
    const elapsed = seconds(start);
    const count = Number((await connection.runAndReadAll('SELECT count(*) AS n FROM t')).getRowObjectsJS()[0].n);
    if (count !== data.rows) throw new Error(`read_csv loaded ${count} rows, expected ${data.rows}`);
    return elapsed;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-GB');

export async function run(args: string[], log: (line: string) => void): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: { rows: { type: 'string' }, repeats: { type: 'string' } },
    strict: false
  });
  const rows = Number(String(values.rows ?? DEFAULT_ROWS).replaceAll(/[_,]/g, ''));
  const repeats = Number(values.repeats ?? DEFAULT_REPEATS);
  if (!Number.isInteger(rows) || rows < 1)
    throw new Error(`--rows must be a positive whole number, not ${values.rows}`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new Error(`--repeats must be a positive whole number, not ${values.repeats}`);

  const root = mkdtempSync(join(tmpdir(), 'uptake-bench-'));
  try {
    log(`generating an uptake export of ${grouped(rows)} rows…`);
    const generatedAt = process.hrtime.bigint();
    const data = generateUptakeExport(join(root, 'export'), rows);
    const bytes = statSync(data.uptake).size;
    log(
      `  ${(bytes / 1048576).toFixed(1)} MB, ${grouped(data.serviceCount)} services × ${data.asOfDates} monthly as-of dates, in ${seconds(generatedAt).toFixed(1)} s`
    );

    const pipelineRuns: PipelineTiming[] = [];
    const raw: number[] = [];
    const describePhases = (t: PipelineTiming) =>
      Object.entries(t.phases)
        .map(([p, s]) => `${p} ${s.toFixed(2)}`)
        .join(', ');
    for (let i = 0; i < repeats; i++) {
      let scratch = mkdtempSync(join(root, 'run-'));
      const timing = await timeUptakeLoad(data, scratch);
      pipelineRuns.push(timing);
      log(`  run ${i + 1}/${repeats} uptake load: ${timing.seconds.toFixed(3)} s (${describePhases(timing)})`);
      rmSync(scratch, { recursive: true, force: true });
      scratch = mkdtempSync(join(root, 'run-'));
      raw.push(await timeReadCsv(data, scratch));
      log(`  run ${i + 1}/${repeats} read_csv: ${raw.at(-1)!.toFixed(3)} s`);
      rmSync(scratch, { recursive: true, force: true });
    }
    const pipeline = pipelineRuns.map((t) => t.seconds);
    const bestPipeline = Math.min(...pipeline);
    const bestRun = pipelineRuns[pipeline.indexOf(bestPipeline)];
    const bestRaw = Math.min(...raw);
    const ratio = bestPipeline / bestRaw;
    const row = (method: string, times: number[], best: number) => ({
      method,
      rows: grouped(data.rows),
      [`best of ${repeats} (s)`]: best.toFixed(3),
      'rows/s': grouped(data.rows / best),
      'all runs (s)': times.map((t) => t.toFixed(3)).join(', ')
    });
    return {
      title: `Loading a ${grouped(data.rows)}-row uptake export (${(bytes / 1048576).toFixed(1)} MB CSV, UK dates)`,
      table: [
        row('uptake load (loadPaths: checks, raw landing, one transaction)', pipeline, bestPipeline),
        row('DuckDB read_csv → CREATE TABLE (no checks)', raw, bestRaw)
      ],
      summary: [
        `uptake load takes ${ratio.toFixed(2)}× as long as raw read_csv (target ≤ ${TARGET_RATIO}×): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}.`,
        `Fastest uptake load by phase (s): ${describePhases(bestRun)}.`
      ],
      details: {
        rows: data.rows,
        bytes,
        services: data.serviceCount,
        asOfDates: data.asOfDates,
        repeats,
        secondsUptakeLoad: pipeline,
        phasesUptakeLoad: pipelineRuns.map((t) => t.phases),
        secondsReadCsv: raw,
        rowsPerSecondUptakeLoad: data.rows / bestPipeline,
        rowsPerSecondReadCsv: data.rows / bestRaw,
        ratio,
        targetRatio: TARGET_RATIO,
        machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model }
      }
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
