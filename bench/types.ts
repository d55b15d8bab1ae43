/** The contract between bench/run.ts and each benchmark module (bench/README.md). */

/** One line of the printed table: column name → value (numbers are right-aligned). */
export type BenchRow = Record<string, string | number>;

export interface BenchResult {
  /** What was measured, in one line. */
  title: string;
  table: BenchRow[];
  /** Lines printed under the table: the ratio, the target, whether it was met. */
  summary: string[];
  /** Anything else worth keeping in bench/output/<name>.json (raw timings, machine, sizes). */
  details?: Record<string, unknown>;
}

/** A benchmark module exports `run`; `args` are the command-line arguments after `npm run bench --`. */
export type BenchRun = (args: string[], log: (line: string) => void) => Promise<BenchResult>;
