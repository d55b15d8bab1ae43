/**
 * The examples in docs/templates.md load as written: each ```csv block under a template's heading is saved as a file
 * of that kind and the lot is loaded as one batch, so the documentation cannot drift from what the loader accepts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPaths } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../docs/templates.md'), 'utf8');

/** Every ```csv block with the `## heading` it sits under. */
function examples(): { kind: string; csv: string }[] {
  const found: { kind: string; csv: string }[] = [];
  let kind = '';
  for (const part of DOC.split(/^```/m).map((text, i) => ({ text, code: i % 2 === 1 }))) {
    if (!part.code) {
      const headings = [...part.text.matchAll(/^## (\w+)/gm)];
      if (headings.length) kind = headings[headings.length - 1][1];
    } else if (part.text.startsWith('csv\n')) {
      found.push({ kind, csv: part.text.slice(4) });
    }
  }
  return found;
}

let folder: string;
let warehouse: Warehouse;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-templates-doc-'));
  warehouse = await openWarehouse(join(folder, 'doc.duckdb'));
});
afterAll(() => {
  warehouse?.close();
  rmSync(folder, { recursive: true, force: true });
});

it('has an example for each of the four templates', () => {
  expect(examples().map((e) => e.kind)).toEqual(['programme', 'services', 'features', 'uptake', 'uptake']);
});

it('loads every example as one batch, without a problem', async () => {
  const paths = examples().map(({ kind, csv }, i) => {
    const path = join(folder, `${kind}-example-${i}.csv`);
    writeFileSync(path, csv);
    return path;
  });
  const report = await loadPaths(warehouse, paths, {
    rawDir: join(folder, 'raw'),
    now: new Date('2017-02-07T09:00:00Z')
  });
  expect(report.problems).toEqual([]);
  expect(report.outcome).toBe('loaded');

  // Day-first dates, ✓ flags and the semicolon file's reordered headers all landed as meant.
  const colposcopy = await queryRows(
    warehouse.connection,
    `
    SELECT approached_on, live_on, (SELECT enabled_on FROM feature WHERE feature = 'clinic letters') AS letters_on,
           (SELECT list(registered ORDER BY as_of) FROM snapshot WHERE service_id = 'IMP-COLP') AS registered
    FROM service WHERE service_id = 'IMP-COLP'`
  );
  expect(colposcopy).toEqual([
    { approached_on: '2016-06-06', live_on: '2016-06-27', letters_on: '2016-06-27', registered: [71, 74] }
  ]);
  const [programme] = await queryRows(warehouse.connection, 'SELECT * FROM programme_latest');
  expect(programme).toEqual({ programme: 'Care Information Exchange (North West London)', launched_on: '2014-10-01' });
});
