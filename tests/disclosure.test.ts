/**
 * Disclosure control by worked example: every expected value here is reasoned out by hand in the comment beside it.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import {
  controlCount,
  controlRate,
  controlTable,
  csvField,
  DisclosureError,
  footnote,
  measureColumn,
  pinnedCells,
  suppressSecondary,
  toCsv,
  type ColumnSpec,
  type ControlledTable
} from '../pipeline/disclosure/index.ts';
import { formatPercentOf } from '../pipeline/format/format.ts';

/** What a reader sees, row by row (total row last), one string per row. */
function shown(table: ControlledTable): string[] {
  return [...table.rows, ...(table.totalRow ? [table.totalRow] : [])].map((row) =>
    table.columns.map((c) => row[c.key].shown).join(' | ')
  );
}

const label: ColumnSpec = { key: 'group', kind: 'label' };
const count = (key: string): ColumnSpec => ({ key, kind: 'patient-count' });

describe('nhs-digital: single counts', () => {
  it('keeps 0, hides 1 to 7 and rounds the rest to the nearest 5', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [1, '*'],
      [7, '*'],
      [8, '10'],
      [9, '10'],
      [10, '10'],
      [12, '10'],
      [13, '15'],
      [1234, '1,235']
    ];
    for (const [n, expected] of cases) expect(controlCount(n).shown, `count ${n}`).toBe(expected);
  });

  it('marks what it did', () => {
    expect(controlCount(0)).toEqual({ shown: '0', value: 0, suppressed: false, rounded: false, reason: 'exact' });
    expect(controlCount(5)).toEqual({
      shown: '*',
      value: null,
      suppressed: true,
      rounded: false,
      reason: 'suppressed'
    });
    expect(controlCount(12)).toEqual({ shown: '10', value: 10, suppressed: false, rounded: true, reason: 'rounded' });
    expect(controlCount(null)).toMatchObject({ shown: '', value: null, reason: 'not reported' });
  });

  it('reads counts as the warehouse returns them (BIGINT sums arrive as strings or bigint)', () => {
    expect(controlCount('13').value).toBe(15);
    expect(controlCount(13n).value).toBe(15);
  });

  it('refuses figures that cannot be patient counts rather than guess', () => {
    expect(() => controlCount(-3)).toThrow(DisclosureError);
    expect(() => controlCount(2.5)).toThrow(DisclosureError);
    expect(() => controlCount('twelve')).toThrow(DisclosureError);
    expect(() => controlCount(5, 'threshold-5')).toThrow(/Unknown disclosure profile "threshold-5"/);
  });
});

describe('nhs-digital: rates', () => {
  it('computes the psychosis registration rate from the rounded parts: 12 of 15 → 10 of 15 → 67%', () => {
    // Exact 12/15 is 80%; rounded parts give 10/15 = 66.7%, whole percent because 15 < 4,000.
    expect(controlRate(12, 15)).toEqual({
      shown: '67%',
      value: 10 / 15,
      suppressed: false,
      rounded: true,
      reason: 'rounded'
    });
  });

  it('hides a rate when either part is hidden', () => {
    expect(controlRate(4, 20)).toMatchObject({ shown: '*', suppressed: true, reason: 'part suppressed' });
    expect(controlRate(4, 5)).toMatchObject({ shown: '*', suppressed: true });
    expect(controlRate(0, 5)).toMatchObject({ shown: '*', suppressed: true });
  });

  it('shows nothing for a rate out of 0, and 0% for none of many', () => {
    expect(controlRate(0, 0)).toMatchObject({ shown: '', value: null, reason: 'not applicable' });
    expect(controlRate(0, 40)).toMatchObject({ shown: '0%', value: 0 });
  });

  it('gives one decimal place only from a rounded denominator of 4,000', () => {
    // 1234 → 1235 and 4321 → 4320: 1235 / 4320 = 28.588% → 28.6%.
    expect(controlRate(1234, 4321).shown).toBe('28.6%');
    // 3998 → 4000: one decimal place even though the exact denominator is under 4,000. 1000/4000 = 25.0%.
    expect(controlRate(1001, 3998).shown).toBe('25.0%');
    // 3997 → 3995: whole percent. 1000/3995 = 25.03% → 25%.
    expect(controlRate(1001, 3997).shown).toBe('25%');
  });

  it('rounds a percentage half up exactly (no floating-point 14.499…)', () => {
    expect(formatPercentOf(29, 200)).toBe('15%'); // 14.5%
    expect(formatPercentOf(1, 8)).toBe('13%'); // 12.5%
    expect(formatPercentOf(29, 20000)).toBe('0.1%'); // 0.145% → 0.1%
    expect(formatPercentOf(12345, 12345)).toBe('100.0%');
  });
});

describe('nhs-digital: tables', () => {
  it('works totals out from the exact figures: 3 + 3 + 3 = 9 → 10 although every cell is *', () => {
    const table = controlTable({
      columns: [label, count('consented')],
      rows: [
        { group: 'A', consented: 3 },
        { group: 'B', consented: 3 },
        { group: 'C', consented: 3 }
      ],
      totals: { row: true }
    });
    expect(shown(table)).toEqual(['A | *', 'B | *', 'C | *', 'Total | 10']);
    expect(table.totalRow!.consented).toMatchObject({ value: 10, rounded: true });
  });

  it('controls a funnel with rates from rounded parts, service counts exact, and names its profile', () => {
    const table = controlTable({
      columns: [
        { key: 'service', label: 'Service', kind: 'label' },
        { key: 'live_services', label: 'Services live', kind: 'service-count' },
        measureColumn('consented'),
        measureColumn('registered'),
        {
          key: 'registration_rate',
          label: 'Registered',
          kind: 'rate',
          numerator: 'registered',
          denominator: 'consented'
        }
      ],
      rows: [
        { service: 'Early intervention psychosis', live_services: 3, consented: 15, registered: 12 },
        { service: 'Renal', live_services: 1, consented: 1040, registered: 386 },
        { service: 'Sexual health', live_services: 2, consented: 6, registered: 2 }
      ],
      totals: { row: 'All services' }
    });
    // Renal: 1040 → 1040, 386 → 385, 385/1040 = 37.02% → 37%. Sexual health: 6 and 2 → * and *, so the rate is *.
    // Totals from exact: consented 1061 → 1060, registered 400 → 400; 400/1060 = 37.7% → 38%. Services 6, exact.
    expect(shown(table)).toEqual([
      'Early intervention psychosis | 3 | 15 | 10 | 67%',
      'Renal | 1 | 1,040 | 385 | 37%',
      'Sexual health | 2 | * | * | *',
      'All services | 6 | 1,060 | 400 | 38%'
    ]);
    expect(table.profile).toBe('nhs-digital');
    expect(table.footnote).toBe(footnote('nhs-digital'));
    expect(table.footnote).toContain('profile: nhs-digital');
    expect(table.footnote).toContain('* means a count of between 1 and 7 patients');
    expect(table.footnote).toContain('rounded to the nearest 5');
  });

  it('adds a total column and a grand total, each from exact figures', () => {
    const table = controlTable({
      columns: [label, count('carer'), count('professional')],
      rows: [
        { group: 'Acute', carer: 4, professional: 4 },
        { group: 'Community', carer: 21, professional: 0 }
      ],
      totals: { row: true, column: { key: 'both', label: 'Either', of: ['carer', 'professional'] } }
    });
    // Acute 4 + 4 = 8 → 10; carer total 25 → 25; professional total 4 → *; grand 29 → 30.
    expect(shown(table)).toEqual(['Acute | * | * | 10', 'Community | 20 | 0 | 20', 'Total | 25 | * | 30']);
    expect(table.columns.map((c) => c.label)).toEqual(['group', 'carer', 'professional', 'Either']);
  });

  it('refuses to let a patient count through under another kind (the measure catalogue says it counts patients)', () => {
    expect(() =>
      controlTable({
        columns: [label, { key: 'consented', kind: 'service-count' }],
        rows: [{ group: 'A', consented: 3 }]
      })
    ).toThrow(/counts patients/);
    expect(() => controlTable({ columns: [{ key: 'registered', kind: 'label' }], rows: [{ registered: 3 }] })).toThrow(
      /"registered" counts patients/
    );
  });

  it('controls a rate part that is not shown as a patient count (fails closed)', () => {
    const table = controlTable({
      columns: [label, { key: 'rate', kind: 'rate', numerator: 'registered', denominator: 'consented' }],
      rows: [
        { group: 'A', registered: 5, consented: 40 },
        { group: 'B', registered: 12, consented: 40 }
      ]
    });
    expect(shown(table)).toEqual(['A | *', 'B | 25%']); // 12 → 10, 10/40
  });
});

describe('none: exact figures through the same function', () => {
  it('shows everything exactly and says it is not for publication', () => {
    const table = controlTable(
      {
        columns: [
          label,
          count('consented'),
          count('registered'),
          { key: 'r', kind: 'rate', numerator: 'registered', denominator: 'consented' }
        ],
        rows: [
          { group: 'Psychosis', consented: 15, registered: 12 },
          { group: 'Other', consented: 3, registered: 0 }
        ],
        totals: { row: true }
      },
      'none'
    );
    expect(shown(table)).toEqual(['Psychosis | 15 | 12 | 80%', 'Other | 3 | 0 | 0%', 'Total | 18 | 12 | 67%']);
    expect(table.footnote).toMatch(/^Exact figures \(profile: none\)/);
    expect(controlRate(12, 15, 'none').rounded).toBe(false);
  });
});

describe('threshold-10', () => {
  it('hides counts under 10 including 0, shows the rest exactly', () => {
    expect([0, 9, 10, 12, 13].map((n) => controlCount(n, 'threshold-10').shown)).toEqual(['*', '*', '10', '12', '13']);
  });

  it('hides the smallest other cell when one hidden cell would follow from the total', () => {
    // 5 hidden; 55 − 20 − 30 would give it away, so 20 (the smallest other) goes too. 30 and the total stay.
    const table = controlTable(
      {
        columns: [label, count('n')],
        rows: [
          { group: 'A', n: 5 },
          { group: 'B', n: 20 },
          { group: 'C', n: 30 }
        ],
        totals: { row: true }
      },
      'threshold-10'
    );
    expect(shown(table)).toEqual(['A | *', 'B | *', 'C | 30', 'Total | 55']);
    expect(table.rows[1].n.reason).toBe('secondary');
  });

  it('suppresses across rows and columns to a fixed point', () => {
    // Primary: x.a = 5. Column a then has one hidden cell → hide y.a = 40 (smaller than 70). Row x has one → hide
    // x.b = 20. Column b now has one (x.b) → hide y.b = 50. Row y has two. Four hidden cells in a 2 × 2 block, each
    // row and column with two: the block can shift by ±1 around its cycle, so none can be worked out.
    const table = controlTable(
      {
        columns: [label, count('a'), count('b'), count('c')],
        rows: [
          { group: 'x', a: 5, b: 20, c: 30 },
          { group: 'y', a: 40, b: 50, c: 60 },
          { group: 'z', a: 70, b: 80, c: 90 }
        ],
        totals: { row: true, column: { key: 't', label: 'Total', of: ['a', 'b', 'c'] } }
      },
      'threshold-10'
    );
    expect(shown(table)).toEqual([
      'x | * | * | 30 | 55',
      'y | * | * | 60 | 150',
      'z | 70 | 80 | 90 | 240',
      'Total | 115 | 150 | 180 | 445'
    ]);
  });

  it('hides complements for a hidden column total, and rates with a hidden part', () => {
    // Column a (3, 4, total 7) is all hidden. The total row then has one hidden figure (7) → hide the smallest other
    // column total, b = 25. Rows x and y each have one hidden cell → hide x.b = 12 and y.b = 13. Column b's cells and
    // total are then all hidden. The rate b / c is hidden wherever b is.
    const table = controlTable(
      {
        columns: [
          label,
          count('a'),
          count('b'),
          count('c'),
          { key: 'r', kind: 'rate', numerator: 'b', denominator: 'c' }
        ],
        rows: [
          { group: 'x', a: 3, b: 12, c: 40 },
          { group: 'y', a: 4, b: 13, c: 50 }
        ],
        totals: { row: true, column: { key: 't', label: 'Total', of: ['a', 'b', 'c'] } }
      },
      'threshold-10'
    );
    expect(shown(table)).toEqual([
      'x | * | * | 40 | * | 55',
      'y | * | * | 50 | * | 67',
      'Total | * | * | 90 | * | 122'
    ]);
  });

  it('breaks a hidden cell that links two hidden blocks (every row and column has two or more hidden, yet it is pinned)', () => {
    // Primary (under 10): the block r1–r2 × c1–c2, the block r3–r4 × c3–c4, and r2.c3 = 5 joining them. Each row and
    // column has 0 or ≥ 2 hidden cells, but (row r1 + row r2 − column c1 − column c2) leaves r2.c3 alone: pinned.
    // The audit hides the smallest shown figure beside it (row r2 or column c3): r1.c3 = 10. That closes the cycle
    // r2 → c3 → r1 → c1 → r2, so r2.c3 can move and nothing is pinned.
    const table = controlTable(
      {
        columns: [label, count('c1'), count('c2'), count('c3'), count('c4')],
        rows: [
          { group: 'r1', c1: 1, c2: 2, c3: 10, c4: 40 },
          { group: 'r2', c1: 3, c2: 4, c3: 5, c4: 50 },
          { group: 'r3', c1: 60, c2: 70, c3: 6, c4: 7 },
          { group: 'r4', c1: 80, c2: 90, c3: 8, c4: 9 }
        ],
        totals: { row: true, column: { key: 't', label: 'Total', of: ['c1', 'c2', 'c3', 'c4'] } }
      },
      'threshold-10'
    );
    expect(shown(table)).toEqual([
      'r1 | * | * | * | 40 | 53',
      'r2 | * | * | * | 50 | 62',
      'r3 | 60 | 70 | * | * | 143',
      'r4 | 80 | 90 | * | * | 187',
      'Total | 144 | 166 | 29 | 106 | 445'
    ]);
    expect(table.rows[0].c3.reason).toBe('secondary');
  });

  it('hides a part when the total is hidden and every part is shown', () => {
    const figures = [
      { value: 30, hidden: true },
      { value: 10, hidden: false },
      { value: 20, hidden: false }
    ];
    expect(suppressSecondary(figures, [{ total: 0, parts: [1, 2] }])).toEqual([1]);
    expect(pinnedCells(figures, [{ total: 0, parts: [1, 2] }])).toEqual([]);
  });

  it('knows when subtraction pins a hidden figure', () => {
    // total 30 shown, parts 10 hidden and 20 shown: 10 is pinned.
    const figures = [
      { value: 30, hidden: false },
      { value: 10, hidden: true },
      { value: 20, hidden: false }
    ];
    expect(pinnedCells(figures, [{ total: 0, parts: [1, 2] }])).toEqual([1]);
  });
});

describe('CSV export', () => {
  it('neutralises text a spreadsheet would run, keeps numbers typed', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+44 20')).toBe("'+44 20");
    expect(csvField('-3')).toBe("'-3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField(-3)).toBe('-3');
    expect(csvField(2.5)).toBe('2.5');
    expect(csvField('Renal, Imperial')).toBe('"Renal, Imperial"');
    expect(csvField('*')).toBe('*');
    expect(csvField(null)).toBe('');
  });

  it('writes a controlled table as what the reader sees, with the footnote', () => {
    const table = controlTable({
      columns: [
        { key: 'service', label: 'Service', kind: 'label' },
        { key: 'slippage', label: 'Slippage (months)', kind: 'number', decimals: 1 },
        measureColumn('consented', 'Consented'),
        measureColumn('registered', 'Registered'),
        { key: 'rate', label: 'Registration rate', kind: 'rate', numerator: 'registered', denominator: 'consented' }
      ],
      rows: [
        { service: '=cmd|"/c calc"!A1', slippage: -3, consented: 15, registered: 12 },
        { service: 'Renal', slippage: 2.25, consented: 5, registered: 1 }
      ],
      totals: { row: true }
    });
    const csv = toCsv(table);
    const lines = csv.split('\r\n');
    expect(lines.slice(0, 5)).toEqual([
      'Service,Slippage (months),Consented,Registered,Registration rate',
      `"'=cmd|""/c calc""!A1",-3,15,10,67%`,
      'Renal,2.3,*,*,*', // 2.25.toFixed(1) is '2.3'; 5 and 1 hidden
      'Total,,20,15,75%', // 20 → 20, 13 → 15, 15/20
      ''
    ]);
    expect(lines[5]).toBe(`"Note: ${table.footnote}"`);
    // A spreadsheet-grade parser reads the cells back as the reader saw them.
    const parsed = Papa.parse<string[]>(csv, { newline: '\r\n', delimiter: ',', skipEmptyLines: true }).data;
    expect(parsed[1]).toEqual([`'=cmd|"/c calc"!A1`, '-3', '15', '10', '67%']);
    expect(toCsv(table, { notes: false, bom: true }).startsWith('\uFEFFService,')).toBe(true);
    expect(toCsv(table, { notes: false }).split('\r\n')).toHaveLength(5); // heading, 2 rows, total, final line end
  });
});
