/**
 * The theme-prevalence heatmap (pipeline/charts/theme-prevalence.ts) from fixed rows: every cell written out as
 * "n of N" (colour never carries it alone), dark cells with white text, the exact summary, the accessible name, and
 * the same SVG on every render. The SVG snapshot is tests/__snapshots__/theme-prevalence.svg (open it in a browser;
 * after an intended change, look at it and run with -u).
 */
import { expect, test } from 'vitest';
import { parseHTML } from 'linkedom';
import { themePrevalence, inkFor, shadeFor, type ThemePrevalenceRow } from '../pipeline/charts/theme-prevalence.ts';
import { contrastRatio, NHS_BLACK, NHS_BLUE, NHS_WHITE } from '../pipeline/charts/palette.ts';

const row = (code: string, group: string, withCode: number, inGroup: number): ThemePrevalenceRow => ({
  code,
  stakeholder_group: group,
  participants_with_code: withCode,
  participants_in_group: inGroup
});

// Two groups (3 clinicians, 2 funders) and three codes; workload is raised by every clinician and no funder.
const ROWS = [
  row('4.1 National data sharing policy', 'clinician', 2, 3),
  row('4.1 National data sharing policy', 'funder', 1, 2),
  row('4.4 Clinician workload', 'clinician', 3, 3),
  row('4.4 Clinician workload', 'funder', 0, 2),
  row('4.6 Other', 'clinician', 0, 3),
  row('4.6 Other', 'funder', 0, 2)
];

const texts = (svg: string, selector: string) =>
  [...parseHTML(`<!doctype html><html><body>${svg}</body></html>`).document.querySelectorAll(selector)].map(
    (e) => e.textContent ?? ''
  );

test('every cell says how many of the group raised the code, or – for nobody', () => {
  const { svg } = themePrevalence(ROWS);
  const cellTexts = texts(svg, 'g[aria-label="text"] text');
  expect(cellTexts).toEqual(['2 of 3', '1 of 2', '3 of 3', '–', '–', '–']);
  expect(texts(svg, 'g[aria-label="y-axis tick label"] text')).toEqual([
    '4.1 National data sharing policy',
    '4.4 Clinician workload',
    '4.6 Other'
  ]);
});

test('the summary names the widest theme, themes everyone in a group raised, and those nobody raised', () => {
  expect(themePrevalence(ROWS).summary).toBe(
    'Heatmap of how many participants in each stakeholder group raised each code; 3 codes across 2 groups of 5 interviewed participants; ' +
      'raised in the most groups: 4.1 National data sharing policy (3 participants in 2 groups: clinician and funder); ' +
      'raised by everyone in the group: 4.4 Clinician workload (clinician); not raised yet: 1 code.'
  );
});

test('accessible: role="img" named by the summary, or by the page element given; text readable on every shade', () => {
  const chart = themePrevalence(ROWS);
  expect(chart.svg).toMatch(/^<svg[^>]* role="img"/);
  expect(chart.svg).toContain(`aria-label="${chart.summary}"`);
  const labelled = themePrevalence(ROWS, { labelledBy: 'figure-summary' }).svg;
  expect(labelled).toContain('aria-labelledby="figure-summary"');
  expect(labelled).not.toContain('aria-label="Heatmap');
  expect(inkFor(shadeFor(1))).toBe(NHS_WHITE);
  expect(inkFor(shadeFor(0.1))).toBe(NHS_BLACK);
  for (let share = 0.05; share <= 1; share += 0.05) {
    const fill = shadeFor(share);
    expect(contrastRatio(inkFor(fill), fill)).toBeGreaterThanOrEqual(4.5);
  }
  expect(shadeFor(1)).toBe(NHS_BLUE);
});

test('the same rows give the same SVG; no rows give a message instead of a chart', async () => {
  const { svg } = themePrevalence(ROWS);
  expect(themePrevalence(ROWS).svg).toBe(svg);
  await expect(svg).toMatchFileSnapshot('__snapshots__/theme-prevalence.svg');
  expect(themePrevalence([]).summary).toBe(
    'No codes or no interviewed participants yet, so there is no prevalence to show.'
  );
});
