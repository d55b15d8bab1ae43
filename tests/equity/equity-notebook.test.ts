/**
 * The funder report's "Who the programme reaches" section (notebooks/funder-impact.md) on the hand-worked fixture
 * (tests/fixtures/equity): controlled counts for the funder, the SII and RII as equity-metrics.test.ts works them out,
 * and the verdict on the trend; on the demo programme (no characteristics loaded) it says so instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { loadNotebook, renderNotebook } from '../../pipeline/notebooks/index.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity');
const NOW = new Date('2026-11-25T12:00:00Z');

let warehouse: Warehouse;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-equity-notebook-'));
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const rawDir = join(folder, 'raw');
  await loadPaths(warehouse, [join(FIXTURES, 'practices')], {
    now: NOW,
    rawDir
  });
  await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
    profile: 'public-health-indicators',
    now: NOW,
    rawDir
  });
});
afterAll(() => {
  warehouse.close();
  rmSync(folder, { recursive: true, force: true });
});

function tableRows(fragment: string, caption: string): Record<string, string>[] {
  const { document } = parseHTML(`<!doctype html><html><body>${fragment}</body></html>`);
  const found = [...document.querySelectorAll('table')].find((t) =>
    t.querySelector('caption')?.textContent?.startsWith(caption)
  );
  if (!found) throw new Error(`No table captioned "${caption}"`);
  const headers = [...found.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
  return [...found.querySelectorAll('tbody tr, tfoot tr')].map((tr) =>
    Object.fromEntries(
      [...tr.querySelectorAll('th, td')].map((c, i) => {
        const hidden = c.querySelector('[aria-hidden="true"]');
        return [headers[i], (hidden ? hidden.textContent : c.textContent)!.trim()];
      })
    )
  );
}

test('for a funder: quintile counts controlled, rates from the controlled parts, the gap widening', async () => {
  const report = await renderNotebook(warehouse.connection, loadNotebook('funder-impact'), { audience: 'funder' });
  expect(report.profile).toBe('nhs-digital');
  const quintiles = tableRows(report.fragment, 'Registration against list size by quintile');
  expect(quintiles.map((r) => [r.Quintile, r.Units, r.Registered, r['List size'], r['% registered']])).toEqual([
    ['Quintile 1 (highest values)', '5', '1,000', '10,000', '10.0%'],
    ['Quintile 2', '5', '2,250', '15,000', '15.0%'],
    ['Quintile 3', '5', '5,000', '25,000', '20.0%'],
    ['Quintile 4', '5', '6,250', '25,000', '25.0%'],
    ['Quintile 5 (lowest values)', '5', '7,500', '25,000', '30.0%'],
    ['All units with a value', '25', '22,000', '100,000', '22.0%']
  ]);
  expect(quintiles[0].Of).toBe('Deprivation score (IMD 2019) (2019)');
  // Latest first: 31 July 2026 then 31 January 2026 (hand calculation in equity-metrics.test.ts).
  expect(tableRows(report.fragment, 'The gap at each snapshot')).toEqual([
    {
      'As of': '31 Jul 2026',
      'Slope index': '22.6',
      'Slope index, lower limit': '21.7',
      'Slope index, upper limit': '23.5',
      'Relative index': '3.11',
      'Relative index, lower limit': '2.95',
      'Relative index, upper limit': '3.28',
      'Since the first snapshot': 'Widening'
    },
    {
      'As of': '31 Jan 2026',
      'Slope index': '11.3',
      'Slope index, lower limit': '10.6',
      'Slope index, upper limit': '12.0',
      'Relative index': '3.11',
      'Relative index, lower limit': '2.87',
      'Relative index, upper limit': '3.37',
      'Since the first snapshot': 'First snapshot'
    }
  ]);
});
