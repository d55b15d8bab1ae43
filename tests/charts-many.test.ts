/**
 * The charts with many units (pipeline/charts/many-units.ts): past 25 services they switch to distributions and
 * top-and-bottom views, their aggregate rows are exact (worked out by hand in tests/chart-fixtures-many.ts), and
 * years of daily snapshots render without error.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import {
  adoptionCurve,
  funnelExtremes,
  goLivePeriods,
  goLivesByPeriod,
  registrationTrend,
  setupDurationBins,
  setupDurations,
  setupTimeline,
  thinDates,
  trendBands,
  uptakeFunnel
} from '../pipeline/charts/index.ts';
import { maxOf, quantileSorted } from '../pipeline/charts/many-units.ts';
import { dailyRows, MANY_AS_OF, MANY_EARLIER, MANY_FUNNEL_ROWS, MANY_SETUP_ROWS } from './chart-fixtures-many.ts';
import { AS_OF, FUNNEL_ROWS, SETUP_ROWS } from './chart-fixtures.ts';

const parse = (svg: string) => parseHTML(`<!doctype html><html><body>${svg}</body></html>`).document;
const count = (svg: string, selector: string) => parse(svg).querySelectorAll(selector).length;
const texts = (svg: string, selector: string) =>
  [...parse(svg).querySelectorAll(selector)].map((el) => el.textContent ?? '');

describe('helpers', () => {
  it('interpolates quantiles as DuckDB quantile_cont does', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // h = (n − 1) p: p10 → 0.9 → 1 + 0.9 × 1; median → 4.5 → 5.5
    expect(quantileSorted(values, 0.1)).toBeCloseTo(1.9, 10);
    expect(quantileSorted(values, 0.5)).toBe(5.5);
    expect(quantileSorted(values, 0.9)).toBeCloseTo(9.1, 10);
    expect(quantileSorted([7], 0.25)).toBe(7);
  });

  it('takes the max of a million values without spreading them', () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => i % 977);
    expect(maxOf(values, 1)).toBe(976);
    expect(maxOf([], 1)).toBe(1);
  });

  it('thins 2,000 daily dates to the last date of each quarter (66 months are too many)', () => {
    const dates = [...new Set(dailyRows(1, 2000).map((r) => String(r.as_of)))];
    expect(dates.at(-1)).toBe('2025-06-22');
    const thinned = thinDates(dates);
    expect(thinned.period).toBe('quarter');
    expect(thinned.dates).toHaveLength(22); // Q1 2020 … Q2 2025
    expect(thinned.dates.slice(0, 2)).toEqual(['2020-03-31', '2020-06-30']);
    expect(thinned.dates.at(-1)).toBe('2025-06-22');
    // 36 monthly dates stay as they are.
    expect(thinDates(dates.slice(0, 36)).period).toBe('date');
    // 100 days are thinned to their 4 months
    expect(thinDates(dates.slice(0, 100))).toEqual({
      dates: ['2020-01-31', '2020-02-29', '2020-03-31', '2020-04-09'],
      period: 'month'
    });
  });
});

describe('registration trend with many services: percentile bands', () => {
  it('computes the bands per date exactly', () => {
    const bands = trendBands(MANY_FUNNEL_ROWS, MANY_AS_OF);
    // 30 April: 0 … 29 → p10 at h = 2.9; 30 June: 2, 4 … 60 → p10 = 2 + 2.9 × 2
    const expected = [
      { as_of: MANY_EARLIER, units: 30, total: 435, p10: 2.9, p25: 7.25, median: 14.5, p75: 21.75, p90: 26.1 },
      { as_of: MANY_AS_OF, units: 30, total: 930, p10: 7.8, p25: 16.5, median: 31, p75: 45.5, p90: 54.2 }
    ];
    expect(bands).toHaveLength(2);
    bands.forEach((band, i) => {
      expect(band.as_of).toBe(expected[i].as_of);
      for (const key of ['units', 'total', 'p10', 'p25', 'median', 'p75', 'p90'] as const)
        expect(band[key] as number).toBeCloseTo(expected[i][key], 10);
    });
  });

  it('draws bands and a median with five end labels, never a line per service', () => {
    const { svg, summary } = registrationTrend(MANY_FUNNEL_ROWS, { asOf: MANY_AS_OF });
    expect(count(svg, '.uptake-band-median')).toBe(1);
    expect(count(svg, '.uptake-trend-line')).toBe(0);
    expect(texts(svg, '.uptake-band-label text')).toEqual([
      '90th percentile (54.2)',
      '75th percentile (45.5)',
      'Median (31)',
      '25th percentile (16.5)',
      '10th percentile (7.8)'
    ]);
    expect(summary).toBe(
      'Percentile band chart of patients registered per unit, 30 Apr 2017 to 30 Jun 2017, 2 dates shown; on 30 Jun 2017 30 units reported, 930 registered in total; median 31 per unit, middle half 16.5 to 45.5, 10th to 90th percentile 7.8 to 54.2; median rose from 14.5 on 30 Apr 2017.'
    );
  });

  it('renders 2,000 daily snapshots without error, per service (20) and as bands (100)', () => {
    const few = registrationTrend(dailyRows(20, 2000), { asOf: '2025-06-22' });
    // 12 highlighted services × 22 quarterly dates, each a dot
    expect(count(few.svg, 'g[aria-label="dot"] circle')).toBe(12 * 22);
    // The first quarter is shown by its last date
    expect(few.summary).toContain('31 Mar 2020 to 22 Jun 2025');
    const many = registrationTrend(dailyRows(100, 2000), { asOf: '2025-06-22' });
    expect(count(many.svg, '.uptake-band-median')).toBe(1);
    // At 22 Jun 2025 registered is s + 1999 for s = 1 … 100: median 2049.5
    expect(many.summary).toContain('median 2,049.5 per unit');
    expect(many.svg.length).toBeLessThan(20_000);
  });

  it('keeps one line per service for 25 or fewer', () => {
    const { svg } = registrationTrend(FUNNEL_ROWS, { asOf: AS_OF });
    expect(count(svg, '.uptake-band-median')).toBe(0);
    expect(count(svg, '.uptake-trend-line')).toBeGreaterThan(0);
  });
});

describe('uptake funnel with many services: top and bottom 10 and the mean of the rest', () => {
  it('picks the rows exactly', () => {
    const rows = funnelExtremes(MANY_FUNNEL_ROWS, MANY_AS_OF);
    expect(rows).toHaveLength(21);
    expect(rows.slice(0, 10).map((r) => r.service_id)).toEqual(
      [30, 29, 28, 27, 26, 25, 24, 23, 22, 21].map((i) => `s${i}`)
    );
    expect(rows.slice(11).map((r) => r.service_id)).toEqual([
      's10',
      's09',
      's08',
      's07',
      's06',
      's05',
      's04',
      's03',
      's02',
      's01'
    ]);
    // Services 11–20: mean approached 155, consented 77.5 → 78, registered 31, carer 15.5 → 16
    expect(rows[10]).toMatchObject({
      service_name: 'Mean of the other 10 services',
      group: 'rest',
      services: 10,
      approached: 155,
      consented: 78,
      registered: 31,
      shared_with_carer: 16,
      shared_with_professional: 0,
      shared_with_anyone_max: 16
    });
  });

  it('draws 21 blocks and sums every service in its summary', () => {
    const { svg, summary } = uptakeFunnel(MANY_FUNNEL_ROWS, { asOf: MANY_AS_OF });
    const names = texts(svg, '.uptake-funnel-service text');
    expect(names).toHaveLength(21);
    expect(names[0]).toBe('Practice 30');
    expect(names[10]).toBe('Mean of the other 10 services');
    expect(names[20]).toBe('Practice 01');
    // Totals over all 30: approached 10 × 465, consented 5 × 465, registered 2 × 465, sharing 465
    expect(summary).toContain('in total 4,650 approached, 2,325 consented, 930 registered (40% of consented)');
    expect(summary).toMatch(/^Grouped bar chart of .* for the 10 services with the most and the 10 with the fewest/);
  });
});

describe('uptake funnel for a controlled audience: the ten drawn are chosen by what the audience sees', () => {
  // Nine services well ahead, then Zeta (42) and Alpha (41), then 19 well behind. Exactly, Zeta is 10th and Alpha is
  // not drawn; under nearest-5 rounding both show 40, so choosing by the exact figure would tell a funder that Zeta
  // registered more. Ranked as shown, the tie goes by name: Alpha is drawn.
  const row = (name: string, registered: number) => ({
    as_of: '2017-02-06',
    service_id: name,
    service_name: name,
    approached: 500,
    consented: 400,
    registered,
    shared_with_carer: 0,
    shared_with_professional: 0
  });
  const rows = [
    ...Array.from({ length: 9 }, (_, i) => row(`Ahead ${i + 1}`, 200 + i * 10)),
    row('Zeta', 42),
    row('Alpha', 41),
    ...Array.from({ length: 19 }, (_, i) => row(`Behind ${String(i + 1).padStart(2, '0')}`, 20 - i))
  ];
  const nearestFive = (count: number | null) => (count === null ? null : Math.round(count / 5) * 5);
  const tenth = (ranked: ReturnType<typeof funnelExtremes>) => ranked[9].service_name;

  it('exact figures put Zeta tenth; figures as a funder sees them put Alpha tenth, by name', () => {
    expect(tenth(funnelExtremes(rows, '2017-02-06'))).toBe('Zeta');
    expect(tenth(funnelExtremes(rows, '2017-02-06', nearestFive))).toBe('Alpha');
  });
});

describe('setup with many services: go-lives by quarter and a histogram of setup durations', () => {
  it('counts go-lives and planned go-lives per quarter exactly', () => {
    const periods = goLivePeriods(MANY_SETUP_ROWS, MANY_AS_OF);
    expect(periods.map((p) => [p.period, p.went_live, p.planned_live, p.live_by_end])).toEqual([
      ['Q1 2015', 2, 0, 2],
      ['Q2 2015', 4, 0, 6],
      ['Q3 2015', 3, 0, 9],
      ['Q4 2015', 3, 0, 12],
      ['Q1 2016', 3, 30, 15],
      ['Q2 2016', 3, 0, 18],
      ['Q3 2016', 3, 0, 21],
      ['Q4 2016', 3, 0, 24],
      ['Q1 2017', 0, 0, 24],
      ['Q2 2017', 0, 0, 24]
    ]);
  });

  it('bins setup durations exactly', () => {
    const bins = setupDurationBins(MANY_SETUP_ROWS, MANY_AS_OF);
    expect(bins).toHaveLength(12);
    // 30i days = 0.9856i months: three services per 3-month bin up to 24 months; the six in setup are at 29.9 months
    expect(bins.map((b) => [b.bin, b.live, b.in_setup])).toEqual([
      ['0–3 months', 3, 0],
      ['3–6 months', 3, 0],
      ['6–9 months', 3, 0],
      ['9–12 months', 3, 0],
      ['12–15 months', 3, 0],
      ['15–18 months', 3, 0],
      ['18–21 months', 3, 0],
      ['21–24 months', 3, 0],
      ['24–27 months', 0, 0],
      ['27–30 months', 0, 6],
      ['30–33 months', 0, 0],
      ['33 months or more', 0, 0]
    ]);
  });

  it('draws one bar per quarter and per bin, and the per-service timeline becomes the histogram', () => {
    const goLives = goLivesByPeriod(goLivePeriods(MANY_SETUP_ROWS, MANY_AS_OF), { asOf: MANY_AS_OF });
    expect(count(goLives.svg, '.uptake-go-lives rect')).toBe(10);
    expect(goLives.summary).toBe(
      'Bar chart of services going live by quarter, Q1 2015 to Q2 2017; 24 went live and 30 were planned to by 30 Jun 2017; most in Q2 2015 (4); 6 in the last 4 quarters.'
    );
    const durations = setupDurations(setupDurationBins(MANY_SETUP_ROWS, MANY_AS_OF), { asOf: MANY_AS_OF });
    expect(durations.summary).toBe(
      'Histogram of months from approach to live, in 3-month bins, 30 Jun 2017; 24 live services, most often 0–3 months (3), median in 9–12 months; 6 still in setup, the longest 27–30 months so far.'
    );
    expect(setupTimeline(MANY_SETUP_ROWS, { asOf: MANY_AS_OF }).svg).toBe(durations.svg);
    expect(setupTimeline(SETUP_ROWS, { asOf: AS_OF }).summary).toMatch(/^Timeline/);
  });

  it('draws the adoption curve without a dot or a name per service', () => {
    const { svg, summary } = adoptionCurve(MANY_SETUP_ROWS, { asOf: MANY_AS_OF });
    expect(count(svg, '.uptake-go-live circle')).toBe(0);
    expect(texts(svg, '.uptake-go-live-label text').sort()).toEqual(['Practice 01', 'Practice 24']);
    expect(summary).toContain('24 of 30 services live');
    expect(summary).toContain('6 not yet live');
  });
});
