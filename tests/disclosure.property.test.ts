/**
 * Disclosure control as properties over random tables (fast-check): whatever the figures, nothing leaves that shows a
 * patient count of 1 to 7, nhs-digital shows only multiples of 5, and under threshold-10 no hidden cell can be worked
 * out from the figures shown. Tables are small (up to 6 × 5) and skewed towards small counts, where the rules bite.
 */
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  controlTable,
  csvField,
  pinnedCells,
  roundToNearest,
  toCsv,
  type ControlledTable,
  type ControlledValue
} from '../pipeline/disclosure/index.ts';

type Grid = (number | null)[][];

/** Counts: mostly small (0–12), some larger, now and then not reported. */
const countArb = fc.option(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 300 })), { freq: 12 });
const gridArb: fc.Arbitrary<Grid> = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }))
  .chain(([rows, columns]) =>
    fc.array(fc.array(countArb, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows })
  );

const keyOf = (j: number) => `c${j}`;

/** A cross-tabulation of the grid with a total row, a total column and a grand total; rate c0 / c1 when possible. */
function tableOf(grid: Grid, profile: string): ControlledTable {
  const width = grid[0].length;
  const keys = [...Array(width).keys()].map(keyOf);
  return controlTable(
    {
      columns: [
        { key: 'unit', kind: 'label' },
        ...keys.map((key) => ({ key, kind: 'patient-count' as const })),
        ...(width >= 2 ? [{ key: 'rate', kind: 'rate' as const, numerator: 'c0', denominator: 'c1' }] : [])
      ],
      rows: grid.map((row, i) => ({ unit: `unit ${i}`, ...Object.fromEntries(row.map((n, j) => [keyOf(j), n])) })),
      totals: { row: true, column: { key: 'total', label: 'Total', of: keys } }
    },
    profile
  );
}

/** Every patient-count cell of the output, totals included, with the exact figure behind it (null = not reported). */
function countCells(grid: Grid, table: ControlledTable): { cell: ControlledValue; exact: number | null }[] {
  const width = grid[0].length;
  const exact = (row: (number | null)[]) => {
    const present = row.filter((n): n is number => n !== null);
    return present.length ? present.reduce((a, b) => a + b, 0) : null;
  };
  const withRowTotals = grid.map((row) => [...row, exact(row)]);
  const totalRow = [...Array(width + 1).keys()].map((j) => exact(withRowTotals.map((row) => row[j])));
  const all = [...withRowTotals, totalRow];
  const outRows = [...table.rows, table.totalRow!];
  return all.flatMap((row, i) => row.map((n, j) => ({ cell: outRows[i][j < width ? keyOf(j) : 'total'], exact: n })));
}

/**
 * Hidden cells pinned by the shown figures, found without linear algebra. Rows 0..R (R = total row) and columns
 * 0..C (C = total column) are the nodes of a bipartite graph and each hidden cell is an edge. Every node carries one
 * published equation (its cells add up to its total). A hidden cell on a cycle of hidden cells can move by +1/−1
 * around the cycle without changing any equation, so it is safe; a hidden cell on no cycle (a bridge) is fixed by
 * adding up the equations on one side of it. So: pinned ⇔ its two ends are disconnected once it is removed.
 */
function bridges(hidden: boolean[][]): [number, number][] {
  const rows = hidden.length;
  const columns = hidden[0].length;
  const edges: [number, number][] = [];
  hidden.forEach((row, i) => row.forEach((h, j) => h && edges.push([i, j])));
  return edges.filter(([i0, j0]) => {
    // Breadth-first search from row node i0 to column node j0 avoiding the edge itself.
    const seen = new Set<string>([`r${i0}`]);
    const queue: string[] = [`r${i0}`];
    while (queue.length) {
      const node = queue.shift()!;
      const index = Number(node.slice(1));
      const next =
        node[0] === 'r'
          ? [...Array(columns).keys()]
              .filter((j) => hidden[index][j] && !(index === i0 && j === j0))
              .map((j) => `c${j}`)
          : [...Array(rows).keys()].filter((i) => hidden[i][index] && !(i === i0 && index === j0)).map((i) => `r${i}`);
      for (const n of next) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
      }
    }
    return !seen.has(`c${j0}`);
  });
}

/** The hidden pattern of the output, with the total row and column, as a boolean grid (not reported = not hidden). */
function hiddenGrid(grid: Grid, table: ControlledTable): boolean[][] {
  const width = grid[0].length;
  return [...table.rows, table.totalRow!].map((row) =>
    [...[...Array(width).keys()].map(keyOf), 'total'].map((key) => row[key].suppressed)
  );
}

const RUNS = { numRuns: 400 };

describe('no controlled output shows a patient count of 1 to 7', () => {
  for (const profile of ['nhs-digital', 'threshold-10']) {
    it(profile, () => {
      fc.assert(
        fc.property(gridArb, (grid) => {
          const table = tableOf(grid, profile);
          for (const { cell } of countCells(grid, table)) {
            if (cell.suppressed) expect(cell.shown).toBe('*');
            else if (cell.value !== null) expect(cell.value < 1 || cell.value > 7, `shown ${cell.shown}`).toBe(true);
          }
        }),
        RUNS
      );
    });
  }
});

describe('nhs-digital', () => {
  it('shows every patient count as a multiple of 5, totals from the exact figures, and hides nothing else', () => {
    fc.assert(
      fc.property(gridArb, (grid) => {
        for (const { cell, exact } of countCells(grid, tableOf(grid, 'nhs-digital'))) {
          if (exact === null) expect(cell.reason).toBe('not reported');
          else if (exact >= 1 && exact <= 7) expect(cell.suppressed).toBe(true);
          else {
            expect(cell.value! % 5).toBe(0);
            expect(cell.value).toBe(roundToNearest(exact, 5));
            expect(Math.abs(cell.value! - exact)).toBeLessThanOrEqual(2);
          }
        }
      }),
      RUNS
    );
  });

  it('computes each rate from the rounded parts, hidden when either part is hidden', () => {
    fc.assert(
      fc.property(
        gridArb.filter((g) => g[0].length >= 2),
        (grid) => {
          const table = tableOf(grid, 'nhs-digital');
          for (const row of [...table.rows, table.totalRow!]) {
            const [numerator, denominator, rate] = [row.c0, row.c1, row.rate];
            if (numerator.suppressed || denominator.suppressed) expect(rate.shown).toBe('*');
            else if (numerator.value !== null && denominator.value)
              expect(rate.value).toBe(numerator.value / denominator.value);
            else expect(rate.suppressed).toBe(false);
          }
        }
      ),
      RUNS
    );
  });
});

describe('threshold-10', () => {
  it('shows only exact counts of 10 or more', () => {
    fc.assert(
      fc.property(gridArb, (grid) => {
        for (const { cell, exact } of countCells(grid, tableOf(grid, 'threshold-10'))) {
          if (exact === null || cell.suppressed) continue;
          expect(cell.value).toBe(exact);
          expect(exact).toBeGreaterThanOrEqual(10);
        }
      }),
      RUNS
    );
  });

  it('leaves no row or column (totals included) with exactly one hidden figure', () => {
    fc.assert(
      fc.property(gridArb, (grid) => {
        const hidden = hiddenGrid(grid, tableOf(grid, 'threshold-10'));
        for (const row of hidden) expect(row.filter(Boolean).length).not.toBe(1);
        for (let j = 0; j < hidden[0].length; j++) expect(hidden.filter((row) => row[j]).length).not.toBe(1);
      }),
      RUNS
    );
  });

  it('never lets the shown cells and totals pin a hidden cell', () => {
    fc.assert(
      fc.property(gridArb, (grid) => {
        expect(bridges(hiddenGrid(grid, tableOf(grid, 'threshold-10')))).toEqual([]);
      }),
      RUNS
    );
  });

  it('hides a rate whenever either of its parts is hidden (secondary included)', () => {
    fc.assert(
      fc.property(
        gridArb.filter((g) => g[0].length >= 2),
        (grid) => {
          const table = tableOf(grid, 'threshold-10');
          for (const row of [...table.rows, table.totalRow!]) {
            if (row.c0.suppressed || row.c1.suppressed) expect(row.rate.suppressed).toBe(true);
          }
        }
      ),
      RUNS
    );
  });
});

describe('the linear-algebra audit (pinnedCells) agrees with the graph check on any hidden pattern', () => {
  it('finds exactly the bridges', () => {
    const patternArb = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
      .chain(([r, c]) =>
        fc.array(fc.array(fc.boolean(), { minLength: c, maxLength: c }), { minLength: r, maxLength: r })
      );
    fc.assert(
      fc.property(patternArb, (pattern) => {
        // Build the full table (with totals) as figures and relations, values irrelevant to pinning.
        const rows = pattern.length + 1;
        const columns = pattern[0].length + 1;
        const hidden = [...pattern, pattern[0].map(() => false)].map((row) => [...row, false]);
        // Hide some totals too: the last column/row mirror the first cell's flag, to vary the pattern.
        hidden[rows - 1][0] = pattern[0][0];
        hidden[0][columns - 1] = pattern[pattern.length - 1][0];
        const id = (i: number, j: number) => i * columns + j;
        const figures = hidden.flat().map((h) => ({ value: 10, hidden: h }));
        const relations = [
          ...[...Array(rows).keys()].map((i) => ({
            total: id(i, columns - 1),
            parts: [...Array(columns - 1).keys()].map((j) => id(i, j))
          })),
          ...[...Array(columns).keys()].map((j) => ({
            total: id(rows - 1, j),
            parts: [...Array(rows - 1).keys()].map((i) => id(i, j))
          }))
        ];
        const expected = bridges(hidden)
          .map(([i, j]) => id(i, j))
          .sort((a, b) => a - b);
        expect(pinnedCells(figures, relations)).toEqual(expected);
      }),
      { numRuns: 600 }
    );
  });
});

describe('CSV neutraliser', () => {
  /** OWASP's list, written out here rather than taken from the module under test. */
  const RUNNABLE_STARTS = ['=', '+', '-', '@', '\t', '\r'];
  const risky = fc.tuple(fc.constantFrom('', ...RUNNABLE_STARTS), fc.string({ unit: 'binary' })).map(([a, b]) => a + b);

  /** RFC 4180 unquoting of one field, written independently of the writer. */
  const unquote = (field: string) => (field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field);

  it('never emits a text cell starting with = + - @ tab or carriage return, and loses nothing else', () => {
    fc.assert(
      fc.property(risky, (text) => {
        const cell = unquote(csvField(text));
        expect(RUNNABLE_STARTS.includes(cell[0] ?? '')).toBe(false);
        expect(cell === text || cell === `'${text}`).toBe(true);
      }),
      { numRuns: 1000 }
    );
  });

  it('keeps numbers, negative ones included, as numbers', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(Number(csvField(n))).toBe(n === 0 ? 0 : n); // -0 is written as 0
      }),
      { numRuns: 500 }
    );
  });

  it('writes whole controlled tables that a CSV parser reads back with no runnable text cell', () => {
    const labelArb = fc.tuple(fc.constantFrom('', ...RUNNABLE_STARTS), fc.string()).map(([a, b]) => a + b);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(labelArb, fc.integer({ min: -50, max: 50 }), countArb), { minLength: 1, maxLength: 6 }),
        (rows) => {
          const table = controlTable({
            columns: [
              { key: 'id', kind: 'label' },
              { key: 'service', kind: 'label' },
              { key: 'slippage', kind: 'number' },
              { key: 'consented', kind: 'patient-count' }
            ],
            rows: rows.map(([service, slippage, consented], i) => ({ id: `s${i}`, service, slippage, consented })),
            totals: { row: true }
          });
          const parsed = Papa.parse<string[]>(toCsv(table, { notes: false }), {
            newline: '\r\n',
            delimiter: ','
          }).data.slice(1, -1);
          expect(parsed).toHaveLength(rows.length + 1);
          rows.forEach(([service, slippage], i) => {
            const [, text, number, count] = parsed[i];
            expect(RUNNABLE_STARTS.includes(text[0] ?? '')).toBe(false);
            expect(text === service || text === `'${service}`).toBe(true);
            expect(Number(number)).toBe(slippage);
            expect(count === '' || count === '*' || (Number(count) % 5 === 0 && Number(count) >= 0)).toBe(true);
          });
        }
      ),
      { numRuns: 300 }
    );
  });
});
