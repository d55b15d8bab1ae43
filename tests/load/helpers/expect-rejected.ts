/**
 * Assertions shared by the check tests: a rejected batch reports exactly the expected problems, writes nothing to the
 * model tables or the raw store, and leaves a record of itself (load_file rows marked 'rejected', its problems in
 * load_problem) for the Data page.
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import type { LoadReport, Problem } from '../../../pipeline/load/load.ts';
import { rejectionRecord, type ScratchWarehouse } from './scratch-warehouse.ts';

/** A blocking problem, written in the order the fields appear in Problem. */
export const error = (
  file: string,
  row: number | null,
  column: string | null,
  value: string | null,
  rule: string,
  message: string
): Problem => ({
  file,
  row,
  column,
  value,
  rule,
  message,
  severity: 'error'
});

export const warning = (
  file: string,
  row: number | null,
  column: string | null,
  value: string | null,
  rule: string,
  message: string
): Problem => ({
  file,
  row,
  column,
  value,
  rule,
  message,
  severity: 'warning'
});

const byPlace = (a: Problem, b: Problem) =>
  a.file.localeCompare(b.file) ||
  (a.row ?? 0) - (b.row ?? 0) ||
  (a.column ?? '').localeCompare(b.column ?? '') ||
  a.rule.localeCompare(b.rule);

export async function expectRejected(
  scratch: ScratchWarehouse,
  report: LoadReport,
  problems: Problem[],
  files: string[]
): Promise<void> {
  expect(report.outcome).toBe('rejected');
  expect(report.loaded).toEqual([]);
  expect(report.problems).toEqual(problems);
  expect(await scratch.counts()).toEqual({ programme: 0, service: 0, feature: 0, snapshot: 0 });
  // Raw bytes are landed only once a batch has passed its checks.
  expect(existsSync(scratch.rawDir)).toBe(false);

  const record = await rejectionRecord(scratch, report.batchId);
  expect(record.files).toEqual([...files].sort().map((file_name) => ({ file_name, outcome: 'rejected' })));
  expect([...record.problems].sort(byPlace)).toEqual([...problems].sort(byPlace));
}
