/**
 * Reports at national scale: a table of more than 25 rows shows its first and last 10 and says how many it leaves
 * out, a bar chart draws its first and last 10, and `|list` names 20 then "and N others", so a report for
 * 7,000 practices stays as small as one for 13 services. Rendered on the demo warehouse from SQL that makes 30 rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { openDemoWarehouse } from './helpers/demo-fixture.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { parseNotebook, renderNotebook } from '../pipeline/notebooks/index.ts';

let warehouse: Warehouse;
let dispose: () => void;
beforeAll(async () => {
  ({ warehouse, dispose } = await openDemoWarehouse());
});
afterAll(() => dispose?.());

const NOTEBOOK = `---
title: Thirty rows
description: a table, a chart and a list of thirty rows
audience: committee
---

\`\`\`sql name=units services=n
SELECT 'Unit ' || lpad(CAST(i AS VARCHAR), 2, '0') AS unit, CAST(31 - i AS INTEGER) AS n FROM range(1, 31) t(i) ORDER BY i
\`\`\`

\`\`\`table units
caption: Thirty units
column unit: Unit
column n: Services
total: All units
\`\`\`

\`\`\`chart units
mark: barX
x: n
y: unit
caption: Thirty bars
\`\`\`

Units: {units.unit|list}.
`;

describe('a report of 30 rows', () => {
  it('shows the first and last 10 rows of a table, one row saying 10 are not listed, and the total of all 30', async () => {
    const report = await renderNotebook(warehouse.connection, parseNotebook(NOTEBOOK, 'test'), {});
    const doc = parseHTML(`<!doctype html><html><body>${report.fragment}</body></html>`).document;
    const rows = [...doc.querySelectorAll('table tbody tr')].map((tr) => tr.textContent!.trim());
    expect(rows).toHaveLength(21);
    expect(rows[0]).toBe('Unit 0130');
    expect(rows[9]).toBe('Unit 1021');
    expect(rows[10]).toBe(
      '10 more rows, not listed: this table shows the first 10 and the last 10 of 30 in the order above; the total covers all of them.'
    );
    expect(rows[11]).toBe('Unit 2110');
    expect(rows[20]).toBe('Unit 301');
    expect(doc.querySelector('table tbody tr.report-rows-omitted td')!.getAttribute('colspan')).toBe('2');
    // 30 + 29 + … + 1
    expect(doc.querySelector('table tfoot tr')!.textContent!.trim()).toBe('All units465');

    const bars = doc.querySelectorAll('.report-chart svg g[aria-label="bar"] rect');
    expect(bars.length).toBe(20);
    expect(doc.querySelector('.report-chart .report-summary')!.textContent).toContain(
      'the first and last 10 rows are drawn, and 10 rows between them are not (20 to 11)'
    );

    expect(doc.body.textContent).toContain(
      'Units: Unit 01, Unit 02, Unit 03, Unit 04, Unit 05, Unit 06, Unit 07, Unit 08, Unit 09, Unit 10, Unit 11, Unit 12, Unit 13, Unit 14, Unit 15, Unit 16, Unit 17, Unit 18, Unit 19, Unit 20 and 10 others.'
    );
  });
});
