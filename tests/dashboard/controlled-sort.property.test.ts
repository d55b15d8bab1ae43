/**
 * For funders and the public, no ordering, search or page of a dashboard table reveals more than the controlled
 * table itself (fast-check). Two properties over random tables skewed towards small counts:
 *  - what a request returns is exactly the controlled table's rows sorted by what they show (ties by name, then by
 *    every shown cell), then paged: the same multiset of rows whatever the order asked for;
 *  - two warehouses whose exact figures control to the same table (every count moved within its controlled class:
 *    1–7 stays in 1–7, 12 becomes anything that rounds to 10, and the rows arrive in another order) answer every
 *    request identically. So any pair of requests tells a funder nothing the controlled table does not.
 * The request is made as the server makes it: search on the labels, then the rows sorted by the *exact* values (as
 * SQL does for the committee), then controlled with the table's declared order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { controlFigureTable } from '../../pipeline/dashboard/controlled.ts';
import { pageInfo, pageRows, type Column, type DataTable, type Row } from '../../pipeline/dashboard/table.ts';
import { roundToNearest } from '../../pipeline/disclosure/index.ts';

const COLUMNS: Column[] = [
  { key: 'name', label: 'Service', kind: 'text', rowHeader: true },
  { key: 'organisation', label: 'Organisation', kind: 'text' },
  { key: 'consented', label: 'Consented', kind: 'integer', counts: 'patients' },
  { key: 'registered', label: 'Registered', kind: 'integer', counts: 'patients' },
  { key: 'rate', label: '% registered', kind: 'percent', rate: { numerator: 'registered', denominator: 'consented' } },
  { key: 'shared', label: 'Shared with a carer', kind: 'integer', counts: 'patients' },
  { key: 'features', label: 'Features', kind: 'integer', counts: 'services' }
];
const SORTABLE = COLUMNS.map((c) => c.key);
const PAGE = 3;

const countArb = fc.option(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 60 })), { freq: 10 });
const rowArb: fc.Arbitrary<Row> = fc.record({
  // Few names, so that ties by name (and whole rows alike) happen.
  name: fc.constantFrom('Alpha', 'Beta', 'beta', 'Gamma', 'Delta'),
  organisation: fc.constantFrom('North', 'South'),
  consented: countArb,
  registered: countArb,
  rate: fc.constant(null),
  shared: countArb,
  features: fc.integer({ min: 0, max: 3 })
});
const requestArb = fc.record({
  sort: fc.constantFrom(...SORTABLE),
  dir: fc.constantFrom('asc' as const, 'desc' as const),
  q: fc.constantFrom('', 'a', 'et', 'North', 'zzz'),
  page: fc.integer({ min: 1, max: 4 })
});

type Request = { sort: string; dir: 'asc' | 'desc'; q: string; page: number };

/** What the server does for a controlled audience; null when the page does not exist (a 400). */
function answer(rows: Row[], request: Request): string[][] | null {
  const found = rows.filter(
    (r) => request.q === '' || `${r.name} ${r.organisation}`.toLowerCase().includes(request.q.toLowerCase())
  );
  const exact = [...found].sort((a, b) => exactCompare(a, b, request));
  const table: DataTable = {
    caption: 'Services',
    columns: COLUMNS,
    rows: exact,
    order: { by: request.sort, dir: request.dir }
  };
  const controlled = controlFigureTable(table, 'nhs-digital');
  const shown = controlled.rows.map((row) => COLUMNS.map((c) => row[c.key].shown));
  let info;
  try {
    info = pageInfo(shown.length, request.page, PAGE);
  } catch {
    return null;
  }
  return pageRows(shown, info);
}

/** The exact order a committee gets (and the order the leak came from): by value, NULLS LAST, ties by name. */
function exactCompare(a: Row, b: Row, request: Request): number {
  const x = a[request.sort];
  const y = b[request.sort];
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const sign = request.dir === 'desc' ? -1 : 1;
  if (x !== y) return sign * (x! < y! ? -1 : 1);
  return String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0;
}

/** Another exact figure with the same controlled value under nhs-digital. */
function sameControlled(n: number | null, pick: number): number | null {
  if (n === null || n === 0) return n;
  if (n <= 7) return 1 + (pick % 7);
  const base = roundToNearest(n, 5);
  const options = [base - 2, base - 1, base, base + 1, base + 2].filter((m) => m >= 8 && roundToNearest(m, 5) === base);
  return options[pick % options.length];
}

function perturb(rows: Row[], picks: number[], order: number[]): Row[] {
  const moved = rows.map((r, i) => ({
    ...r,
    consented: sameControlled(r.consented as number | null, picks[(3 * i) % picks.length]),
    registered: sameControlled(r.registered as number | null, picks[(3 * i + 1) % picks.length]),
    shared: sameControlled(r.shared as number | null, picks[(3 * i + 2) % picks.length])
  }));
  // Rows in another order, as another warehouse (or another query plan) might hand them over.
  return moved
    .map((r, i) => ({ r, k: order[i % order.length] * 1000 + i }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.r);
}

const text = (row: string[]) => row.join('\u0000');

describe('a controlled table answers sorting, search and paging from what it shows', () => {
  it('every answer is the controlled rows sorted by what they show, then paged', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 12 }), requestArb, (rows, request) => {
        const got = answer(rows, request);
        // Every page: the page asked for is one slice of the whole answer, which is put together page by page.
        const whole = (r: Request) => {
          const pages: string[][] = [];
          for (let p = 1; ; p++) {
            const page = answer(rows, { ...r, page: p });
            if (page === null) return pages;
            pages.push(...page);
            if (page.length < PAGE) return pages;
          }
        };
        const sorted = whole(request);
        const byName = whole({ ...request, sort: 'name', dir: 'asc' });
        if (got !== null) expect(got).toEqual(sorted.slice((request.page - 1) * PAGE, request.page * PAGE));
        else expect(sorted.length).toBeLessThanOrEqual((request.page - 1) * PAGE);
        // The same rows whatever the order...
        expect([...sorted].map(text).sort()).toEqual([...byName].map(text).sort());
        // ...and the order is the reference sort of the shown cells.
        expect(sorted).toEqual(
          referenceSort(
            byName,
            COLUMNS.findIndex((c) => c.key === request.sort),
            request
          )
        );
      }),
      { numRuns: 300 }
    );
  });

  it('warehouses that control to the same table give identical answers to every request', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.array(requestArb, { minLength: 1, maxLength: 4 }),
        (rows, picks, order, requests) => {
          const other = perturb(rows, picks, order);
          for (const request of requests) expect(answer(other, request)).toEqual(answer(rows, request));
        }
      ),
      { numRuns: 300 }
    );
  });

  it('the regression: hidden counts ordered differently still give the same answer in both directions', () => {
    // Three services all showing * for carer sharing; exact 1, 7, 4 in one warehouse and 7, 1, 4 in the other.
    const make = (shared: number[]): Row[] =>
      ['Alpha', 'Beta', 'Gamma'].map((name, i) => ({
        name,
        organisation: 'North',
        consented: 20,
        registered: 10,
        rate: null,
        shared: shared[i],
        features: 1
      }));
    for (const dir of ['asc', 'desc'] as const) {
      const request = { sort: 'shared', dir, q: '', page: 1 };
      const names = (rows: Row[]) => answer(rows, request)!.map((r) => r[0]);
      expect(names(make([1, 7, 4]))).toEqual(['Alpha', 'Beta', 'Gamma']);
      expect(names(make([7, 1, 4]))).toEqual(['Alpha', 'Beta', 'Gamma']);
    }
  });
});

/** The rule over shown text only (as in controlled-sort.test.ts). */
function referenceSort(rows: string[][], column: number, request: Request): string[][] {
  const kind = COLUMNS[column].kind;
  const key = (cell: string): [number, number | string] => {
    if (cell === '') return [2, 0];
    if (kind === 'text') return [0, cell];
    if (cell === '*') return kind === 'integer' ? [0, 0.5] : [1, 0];
    return [0, Number(cell.replace(/[,%]/g, ''))];
  };
  const sign = request.dir === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [ga, va] = key(a[column]);
    const [gb, vb] = key(b[column]);
    if (ga !== gb) return ga - gb;
    if (va !== vb) return sign * (va < vb ? -1 : 1);
    return text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
  });
}
