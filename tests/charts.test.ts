/**
 * The dashboard's charts (pipeline/charts/): SVG snapshots from fixed data (tests/chart-fixtures.ts), exact summaries,
 * and structure that must hold whatever the styling (bars per status, open bars, zeros written out).
 * The expected figures are worked out by hand in the comments; months are days / 30.4375.
 *
 * Snapshots live in tests/__snapshots__/charts/*.svg and open in a browser. After an intended change to a chart,
 * look at the new SVG, then update with `npx vitest run tests/charts.test.ts -u`.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import {
  adoptionBySetting,
  adoptionCurve,
  featureMatrix,
  goLivePeriods,
  goLivesByPeriod,
  registrationTrend,
  setupDurationBins,
  setupDurations,
  setupTimeline,
  uptakeFunnel,
  type Chart
} from '../pipeline/charts/index.ts';
import { daysBetween, monthsBetween, toIsoDate } from '../pipeline/format/dates.ts';
import { formatCount, formatDate, formatMonths, formatPercent, listNames } from '../pipeline/format/format.ts';
import { CATEGORICAL, contrastRatio, outlineFor } from '../pipeline/charts/palette.ts';
import { escapeAttribute, MAX_WIDTH, wrapText } from '../pipeline/charts/render.ts';
import { dodge } from '../pipeline/charts/registration-trend.ts';
import { MANY_AS_OF, MANY_FUNNEL_ROWS, MANY_SETUP_ROWS } from './chart-fixtures-many.ts';
import {
  AS_OF,
  FEATURE_ROWS,
  FUNNEL_AT_AS_OF,
  FUNNEL_ROWS,
  SETTING_ROWS,
  SETUP_ROWS,
  setupRowsAt
} from './chart-fixtures.ts';

function parse(svg: string) {
  return parseHTML(`<!doctype html><html><body>${svg}</body></html>`).document;
}

function texts(svg: string, selector: string): string[] {
  return [...parse(svg).querySelectorAll(selector)].map((el) => el.textContent ?? '');
}

function count(svg: string, selector: string): number {
  return parse(svg).querySelectorAll(selector).length;
}

describe('format and dates', () => {
  it('writes UK dates, counts, percentages and months', () => {
    expect(formatDate('2017-02-06')).toBe('6 Feb 2017');
    expect(formatDate(new Date(Date.UTC(2014, 9, 1)))).toBe('1 Oct 2014');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(-12)).toBe('−12');
    expect(formatPercent(0.37)).toBe('37%');
    expect(formatPercent(0.125)).toBe('13%');
    expect(formatPercent(null)).toBe('no rate');
    expect(formatMonths(14.226)).toBe('14.2 months');
    expect(formatMonths(30 / 30.4375)).toBe('1.0 month');
    expect(formatMonths(-0.01)).toBe('0.0 months');
    expect(listNames(['A'])).toBe('A');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
    expect(listNames(['A', 'B', 'C', 'D', 'E'])).toBe('A, B, C and 2 others');
  });

  it('counts months as days / 30.4375, across a leap day, in UTC', () => {
    expect(daysBetween('2016-02-28', '2016-03-01')).toBe(2);
    expect(monthsBetween('2014-10-01', '2015-10-01')).toBe(365 / 30.4375);
    expect(toIsoDate('2017-02-06T00:00:00.000Z')).toBe('2017-02-06');
    expect(() => toIsoDate('06/02/2017')).toThrow(/ISO date/);
  });

  it('keeps the NHS colour order and outlines colours under 3:1 on white', () => {
    expect(CATEGORICAL.slice(0, 6)).toEqual(['#005EB8', '#00A499', '#AE2573', '#ED8B00', '#009639', '#41B6E6']);
    expect(CATEGORICAL[6]).toBe('#80AFDC');
    expect(contrastRatio('#005EB8', '#FFFFFF')).toBeCloseTo(6.38, 2);
    expect(outlineFor('#005EB8')).toBe('none');
    expect(outlineFor('#ED8B00')).toBe('#425563');
  });

  it('wraps labels at spaces and after hyphens, and escapes attribute text', () => {
    expect(wrapText('service-specific library content', 70)).toEqual(['service-', 'specific', 'library', 'content']);
    expect(wrapText('Colposcopy & cervical screening', 180)).toEqual(['Colposcopy & cervical', 'screening']);
    expect(escapeAttribute('A & "B" <c>')).toBe('A &amp; &quot;B&quot; &lt;c&gt;');
  });

  it('pushes end labels apart and keeps them inside the plot', () => {
    expect(dodge([100, 105, 200], [15, 15, 15], 0, 300)).toEqual([100, 115, 200]);
    expect(dodge([295, 290], [15, 15], 0, 300)).toEqual([292.5, 277.5]);
  });
});

const ALL_CHARTS: [string, () => Chart][] = [
  ['adoption-curve', () => adoptionCurve(SETUP_ROWS, { asOf: AS_OF })],
  ['setup-timeline', () => setupTimeline(SETUP_ROWS, { asOf: AS_OF })],
  ['uptake-funnel', () => uptakeFunnel(FUNNEL_ROWS, { asOf: AS_OF })],
  ['registration-trend', () => registrationTrend(FUNNEL_ROWS, { asOf: AS_OF })],
  ['feature-matrix', () => featureMatrix(FEATURE_ROWS, { asOf: AS_OF })],
  ['adoption-by-setting', () => adoptionBySetting(SETTING_ROWS, { asOf: AS_OF })],
  // More than 25 services: the forms that stay the same size (tests/charts-many.test.ts checks their figures).
  ['adoption-curve-many', () => adoptionCurve(MANY_SETUP_ROWS, { asOf: MANY_AS_OF })],
  ['go-lives', () => goLivesByPeriod(goLivePeriods(MANY_SETUP_ROWS, MANY_AS_OF), { asOf: MANY_AS_OF })],
  ['setup-durations', () => setupDurations(setupDurationBins(MANY_SETUP_ROWS, MANY_AS_OF), { asOf: MANY_AS_OF })],
  ['uptake-funnel-many', () => uptakeFunnel(MANY_FUNNEL_ROWS, { asOf: MANY_AS_OF })],
  ['registration-bands', () => registrationTrend(MANY_FUNNEL_ROWS, { asOf: MANY_AS_OF })]
];

describe.each(ALL_CHARTS)('%s', (name, render) => {
  it('matches its committed SVG', async () => {
    await expect(render().svg).toMatchFileSnapshot(`./__snapshots__/charts/${name}.svg`);
  });

  it('is the same every time it is rendered (no clock, no counters)', () => {
    expect(render().svg).toBe(render().svg);
  });

  it('is an accessible, printable, well-formed SVG', () => {
    const { svg, summary } = render();
    const root = parse(svg).querySelector('svg')!;
    expect(root.getAttribute('role')).toBe('img');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    // The accessible name is the generated summary (escaped in the markup, so the SVG stays valid XML).
    expect(svg).toContain(`aria-label="${escapeAttribute(summary)}"`);
    expect(Number(root.getAttribute('width'))).toBeLessThanOrEqual(MAX_WIDTH);
    // axe's aria-prohibited-attr: every labelled <g> must have a role (docs/toolchain.md, gotcha 3).
    const labelledGroups = [...root.querySelectorAll('g[aria-label]')];
    expect(labelledGroups.length).toBeGreaterThan(0);
    expect(labelledGroups.filter((g) => g.getAttribute('role') !== 'group')).toEqual([]);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#\d+;)/);
  });
});

describe('adoption curve', () => {
  it('steps up at each go-live and names every live service', () => {
    const { svg, summary } = adoptionCurve(SETUP_ROWS, { asOf: AS_OF });
    // Live by 6 Feb 2017, days after launch (1 Oct 2014): neuro 0, ild 306 (10.1), eip 365 (12.0), rheum 523 (17.2),
    // colp 726 (23.9). Dermatology goes live on 1 Mar 2017, after the as-of date. Median 365 days = 12.0 months.
    // As of day 859 (28.2 months), the last 12 months hold rheum and colp.
    expect(summary).toBe(
      'Step chart of services live by months since programme launch, 1 Oct 2014 to 6 Feb 2017; 5 of 9 services live; ' +
        'first live Neuro-oncology at 0.0 months, most recent Colposcopy & cervical screening at 23.9 months; ' +
        'median 12.0 months from launch to live; 2 went live in the 12 months to 6 Feb 2017; ' +
        'not yet live: Dermatology, Diabetes, Elderly care and 1 other.'
    );
    expect(count(svg, 'g.uptake-go-live circle')).toBe(5);
    expect(texts(svg, 'g.uptake-go-live-label text').sort()).toEqual([
      'Colposcopy & cervical screening',
      'Early intervention in psychosis',
      'Interstitial lung disease',
      'Neuro-oncology',
      'Rheumatology'
    ]);
    expect(texts(svg, 'text')).toContain('9 services in the programme');
    expect(texts(svg, 'text')).toContain('as of 6 Feb 2017');
  });

  it('judges the same dates at an earlier as-of date, ignoring rows for other dates', () => {
    const earlier = setupRowsAt('2015-09-01');
    const { summary } = adoptionCurve([...SETUP_ROWS, ...earlier], { asOf: '2015-09-01' });
    // Only neuro (0.0) and ild (10.1) are live on 1 Sep 2015 (day 335, 11.0 months); median (0 + 10.05) / 2 = 5.0.
    expect(summary).toBe(
      'Step chart of services live by months since programme launch, 1 Oct 2014 to 1 Sep 2015; 2 of 9 services live; ' +
        'first live Neuro-oncology at 0.0 months, most recent Interstitial lung disease at 10.1 months; ' +
        'median 5.0 months from launch to live; 2 went live in the 12 months to 1 Sep 2015; ' +
        'not yet live: Colposcopy & cervical screening, Dermatology, Diabetes and 4 others.'
    );
  });

  it('says so when nothing is loaded', () => {
    const { svg, summary } = adoptionCurve([], { asOf: AS_OF });
    expect(summary).toBe('No services loaded for 6 Feb 2017.');
    expect(texts(svg, 'text')).toEqual(['No services loaded for 6 Feb 2017.']);
  });
});

describe('setup timeline', () => {
  const { svg, summary } = setupTimeline(SETUP_ROWS, { asOf: AS_OF });

  it('summarises set-up times, slippage and services still waiting', () => {
    // Approach → live: rheum 280 days (9.2), eip 269 (8.8), ild 154 (5.1), neuro 30 (1.0), colp 25 (0.8).
    // Late: eip 122 days (4.0), rheum 63 (2.1). Overdue at 6 Feb 2017: diab 433 days (14.2), derm 5 (0.2).
    // In set-up longest: diab since 2 Feb 2015, 735 days (24.1).
    expect(summary).toBe(
      'Timeline of set-up by service in months since programme launch (1 Oct 2014), to 6 Feb 2017; ' +
        '5 of 9 services live, 3 in set-up, 1 not approached; ' +
        'longest from approach to live Rheumatology (9.2 months), shortest Colposcopy & cervical screening (0.8 months); ' +
        '2 went live later than planned, the latest Early intervention in psychosis (4.0 months late); ' +
        '2 not live past their planned date, the furthest behind Diabetes (14.2 months late); ' +
        'longest in set-up Diabetes (24.1 months); not approached: Elderly care.'
    );
  });

  it('draws filled bars for live services and open bars for the rest, one row per service', () => {
    expect(count(svg, 'g.uptake-bar-live rect')).toBe(5);
    expect(count(svg, 'g.uptake-bar-open rect')).toBe(3);
    expect(parse(svg).querySelector('g.uptake-bar-open')!.getAttribute('fill')).toBe('white');
    // Rows in order of approach; the service never approached comes last.
    expect(texts(svg, 'g[aria-label="y-axis tick label"] text')).toEqual([
      'Neuro-oncology',
      'Early intervention in psychosis',
      'Diabetes',
      'Interstitial lung disease',
      'Rheumatology',
      'Dermatology',
      'Colposcopy & cervicalscreening',
      'Hillingdon paediatrics',
      'Elderly care'
    ]);
  });

  it('marks the plan with a tick and slippage with a pattern and a label, not colour alone', () => {
    expect(count(svg, 'g.uptake-planned line')).toBe(8);
    expect(count(svg, 'g.uptake-bar-late rect')).toBe(4);
    expect(parse(svg).querySelector('g.uptake-bar-late')!.getAttribute('fill')).toBe(
      'url(#uptake-setup-timeline-late)'
    );
    expect(count(svg, 'pattern#uptake-setup-timeline-late')).toBe(1);
    expect(texts(svg, 'g.uptake-status-label text')).toEqual([
      'live',
      'live, 4.0 months late',
      'not live, 14.2 months late',
      'live',
      'live, 2.1 months late',
      'not live, 0.2 months late',
      'live',
      'not live',
      'not approached'
    ]);
    expect(texts(svg, 'g[aria-label="key"] text')).toEqual([
      'live',
      'not yet live (to the as-of date)',
      'planned go-live',
      'later than planned'
    ]);
  });

  it('judges status at the as-of date: early on, one service live and the rest not yet approached', () => {
    const early = setupRowsAt('2015-01-01');
    const chart = setupTimeline(early, { asOf: '2015-01-01' });
    // Neuro-oncology: approached 1 Sep 2014, live 1 Oct 2014 (30 days). Everyone else is approached from 5 Jan 2015.
    expect(chart.summary).toBe(
      'Timeline of set-up by service in months since programme launch (1 Oct 2014), to 1 Jan 2015; ' +
        '1 of 9 services live, 8 not approached; Neuro-oncology took 1.0 month from approach to live; ' +
        'none went live later than planned; not approached: Colposcopy & cervical screening, Dermatology, Diabetes and 5 others.'
    );
    expect(count(chart.svg, 'g.uptake-bar-live rect')).toBe(1);
    expect(count(chart.svg, 'g.uptake-bar-open rect')).toBe(0);
    expect(texts(chart.svg, 'g.uptake-status-label text').filter((t) => t === 'not approached')).toHaveLength(8);
  });

  it('prefixes pattern ids so two timelines can share a page', () => {
    const other = setupTimeline(SETUP_ROWS, { asOf: AS_OF, idPrefix: 'second' }).svg;
    expect(count(other, 'pattern#second-late')).toBe(1);
    expect(other).not.toContain('uptake-setup-timeline-late');
  });
});

describe('uptake funnel', () => {
  const { svg, summary } = uptakeFunnel(FUNNEL_ROWS, { asOf: AS_OF });

  it('totals the stages and names the highest and lowest registration rates', () => {
    // Approached 60+20+55+30+150+0 = 315; consented 200; registered 104 (52%); sharing = larger of carer/professional
    // per service: 5+2+0+0+2+0 = 9 (8.7% → 9%). Registered/consented: eip 80%, neuro 75%, ild 57%, rheum 50%, colp 37%.
    expect(summary).toBe(
      'Grouped bar chart of patients approached, consented, registered and sharing by service, 6 Feb 2017; ' +
        'in total 315 approached, 200 consented, 104 registered (52% of consented) and at least 9 sharing with a carer or professional (9% of registered); ' +
        'highest registration rate Early intervention in psychosis (80%), lowest Colposcopy & cervical screening (37%); ' +
        'most approached Colposcopy & cervical screening (150); no patients yet: Diabetes.'
    );
  });

  it('heads each block with its service, most approached first, and labels every bar, zero or unreported', () => {
    expect(texts(svg, 'g.uptake-funnel-service text')).toEqual([
      'Colposcopy & cervical screening',
      'Neuro-oncology',
      'Interstitial lung disease',
      'Rheumatology',
      'Early intervention in psychosis'
    ]);
    // 5 services with patients × 4 stages, less rheumatology's unreported sharing.
    expect(count(svg, 'g.uptake-funnel-bar rect')).toBe(19);
    // Labels in drawing order, four per service block.
    const labels = texts(svg, 'g.uptake-funnel-label text');
    const block = (i: number) => labels.slice(i * 4, i * 4 + 4);
    expect(labels).toHaveLength(20);
    expect(block(0)).toEqual(['150', '100 (67% of approached)', '37 (37% of consented)', '2 (5% of registered)']);
    expect(block(2)).toEqual(['55', '35 (64% of approached)', '20 (57% of consented)', '0 (0% of registered)']);
    expect(block(3)).toEqual(['30', '10 (33% of approached)', '5 (50% of consented)', 'not reported']);
    // Stage names on the axis, a blank tick for each heading band.
    expect(texts(svg, 'g[aria-label="y-axis tick label"] text').slice(0, 6)).toEqual([
      '',
      'approached',
      'consented',
      'registered',
      'sharing',
      ''
    ]);
  });

  it('names services with no patients once, under the chart, instead of drawing empty blocks', () => {
    expect(texts(svg, 'g.uptake-funnel-idle text')).toEqual(['No patients yet: Diabetes.']);
    expect(texts(svg, 'g.uptake-funnel-service text')).not.toContain('Diabetes');
  });

  it('uses only the as-of date’s rows', () => {
    expect(uptakeFunnel(FUNNEL_ROWS, { asOf: AS_OF }).svg).toBe(uptakeFunnel(FUNNEL_AT_AS_OF, { asOf: AS_OF }).svg);
    expect(uptakeFunnel(FUNNEL_ROWS, { asOf: '2017-02-07' }).summary).toBe('No uptake figures for 7 Feb 2017.');
  });
});

describe('registration trend', () => {
  it('describes the change in registrations over the snapshots', () => {
    const { svg, summary } = registrationTrend(FUNNEL_ROWS, { asOf: AS_OF });
    // Totals: 7 Nov 2016 22+8+14+1+10+0 = 55; 6 Feb 2017 30+12+20+5+37+0 = 104. Colposcopy 10 → 37 (+27).
    expect(summary).toBe(
      'Line chart of patients registered by service, 7 Nov 2016 to 6 Feb 2017; total registered rose from 55 to 104 (+49); ' +
        'on 6 Feb 2017 highest Colposcopy & cervical screening (37), lowest Diabetes (0); largest rise Colposcopy & cervical screening (+27).'
    );
    expect(count(svg, 'g.uptake-trend-line path')).toBe(6);
    // Direct labels at the line ends (name and latest count), largest first.
    expect(texts(svg, 'g.uptake-trend-label text')).toEqual([
      'Colposcopy & cervical screening(37)',
      'Neuro-oncology (30)',
      'Interstitial lung disease (20)',
      'Early intervention in psychosis(12)',
      'Rheumatology (5)',
      'Diabetes (0)'
    ]);
    expect(texts(svg, 'g[aria-label="x-axis tick label"] text')).toEqual([
      'Nov 2016',
      'Dec 2016',
      'Jan 2017',
      'Feb 2017'
    ]);
  });

  it('stops at the as-of date', () => {
    const { summary } = registrationTrend(FUNNEL_ROWS, { asOf: '2017-01-09' });
    expect(summary).toBe(
      'Line chart of patients registered by service, 7 Nov 2016 to 9 Jan 2017; total registered rose from 55 to 91 (+36); ' +
        'on 9 Jan 2017 highest Colposcopy & cervical screening (30), lowest Diabetes (0); largest rise Colposcopy & cervical screening (+20).'
    );
  });

  it('drops a date tick that would touch its neighbour, keeping the latest, and keeps dates in order', () => {
    // Snapshots five days apart (1 and 6 Feb): two months repeat, so ticks show full dates, and "1 Feb 2017" would
    // overlap "6 Feb 2017".
    const rows = FUNNEL_ROWS.filter((r) => r.as_of === '2016-11-07' || r.as_of === AS_OF);
    const early = FUNNEL_ROWS.filter((r) => r.as_of === '2017-01-09').map((r) => ({ ...r, as_of: '2017-02-01' }));
    const { svg, summary } = registrationTrend([...rows, ...early], { asOf: AS_OF });
    expect(texts(svg, 'g[aria-label="x-axis tick label"] text')).toEqual(['7 Nov 2016', '6 Feb 2017']);
    expect(
      summary.startsWith(
        'Line chart of patients registered by service, 7 Nov 2016 to 6 Feb 2017; total registered rose from 55 to 104 (+49)'
      )
    ).toBe(true);
  });

  it('reads a single snapshot as a point in time', () => {
    const { summary } = registrationTrend(FUNNEL_AT_AS_OF, { asOf: AS_OF });
    expect(summary).toBe(
      'Line chart of patients registered by service, 6 Feb 2017 only; total registered 104; ' +
        'on 6 Feb 2017 highest Colposcopy & cervical screening (37), lowest Diabetes (0).'
    );
  });
});

describe('feature matrix', () => {
  const { svg, summary } = featureMatrix(FEATURE_ROWS, { asOf: AS_OF });

  it('counts core and additional features per service at the as-of date', () => {
    // Core: eip's calendar is switched on 1 Mar 2017, after the as-of date; rheum has no imaging.
    expect(summary).toBe(
      'Matrix of features enabled by service, 6 Feb 2017; 5 core and 4 additional features across 5 services; ' +
        '3 of 5 services have all 5 core features, fewest Early intervention in psychosis and Rheumatology (4 of 5); ' +
        'additional features: most Interstitial lung disease (4 of 4), fewest Early intervention in psychosis (0 of 4); ' +
        'most widely enabled additional feature messaging (4 of 5 services).'
    );
  });

  it('shows a ✓ as well as a fill, core columns before additional ones', () => {
    // 25 core cells + 4+4+4+3+4 additional (rheumatology does not report care plans).
    expect(count(svg, 'g.uptake-feature-cell rect')).toBe(44);
    const symbols = texts(svg, 'g.uptake-feature-symbol text');
    expect(symbols.filter((s) => s === '✓')).toHaveLength(32);
    expect(symbols.filter((s) => s === '–')).toHaveLength(12);
    expect(texts(svg, 'g[aria-label="feature groups"] text')).toEqual(['Core features', 'Additional features']);
    expect(texts(svg, 'g.uptake-feature-header text').slice(0, 6)).toEqual([
      'general library',
      'discussions',
      'laboratory',
      'imaging',
      'calendar',
      'messaging'
    ]);
    expect(texts(svg, 'g[aria-label="key"] text')).toEqual(['✓', 'enabled', '–', 'not enabled', 'blank: not reported']);
    expect(texts(svg, 'title')).toContain('Early intervention in psychosis, calendar: not enabled until 1 Mar 2017');
  });
});

describe('adoption by setting', () => {
  const { svg, summary } = adoptionBySetting(SETTING_ROWS, { asOf: AS_OF });

  it('lists every setting and makes a zero plain', () => {
    expect(summary).toBe(
      'Bar chart of services approached and live by setting, 6 Feb 2017; acute: 6 approached, 4 live; mental health: 1 approached, 1 live; ' +
        'community: 1 approached, 0 live; primary care: 2 approached, 0 live; social care: 0 approached, 0 live; ' +
        'most live: acute (4); none live in community, primary care and social care.'
    );
    expect(texts(svg, 'g[aria-label="fy-axis tick label"] text')).toEqual([
      'Acute',
      'Mental health',
      'Community',
      'Primary care',
      'Social care'
    ]);
    expect(count(svg, 'g.uptake-setting-bar rect')).toBe(10);
    // Labels per setting block, in the order above: primary care says "0 live" in words, not just an absent bar.
    const primaryCare = parse(svg).querySelectorAll('g.uptake-setting-label')[3];
    expect([...primaryCare.querySelectorAll('text')].map((t) => t.textContent)).toEqual(['2 approached', '0 live']);
  });

  it('can point at the summary shown on the page instead of repeating it', () => {
    const root = parse(
      adoptionBySetting(SETTING_ROWS, { asOf: AS_OF, labelledBy: 'figure-settings-summary' }).svg
    ).querySelector('svg')!;
    expect(root.getAttribute('aria-labelledby')).toBe('figure-settings-summary');
    expect(root.hasAttribute('aria-label')).toBe(false);
    expect(root.getAttribute('role')).toBe('img');
  });

  it('caps the width at what prints on A4', () => {
    const wide = adoptionBySetting(SETTING_ROWS, { asOf: AS_OF, width: 1200 }).svg;
    expect(parse(wide).querySelector('svg')!.getAttribute('width')).toBe(String(MAX_WIDTH));
  });
});
