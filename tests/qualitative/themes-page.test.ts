/** The Themes page's data from the choices in its URL: defaults, choices that exist, and choices that do not. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addCoding } from '../../pipeline/qualitative/coding.ts';
import { themesPage } from '../../pipeline/qualitative/themes-page.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';
import { smallStudy } from './study.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

describe('the Themes page', () => {
  it('says there is nothing to show before the codebook has a category', async () => {
    expect(await themesPage(warehouse.connection, new URLSearchParams())).toEqual({ empty: true });
  });

  it('picks the busiest category, the first code with codings and the first pair of coders by default', async () => {
    const { transcripts, workload, governance, amy } = await smallStudy(warehouse.connection);
    // P02 "Workload worried us." (3–23) coded by amy and by ben: one pair of coders who agree on every character.
    for (const coder of [amy, actor('ben')])
      await addCoding(
        warehouse.connection,
        { transcriptId: transcripts.P02, start: 3, end: 23, codeId: workload.code_id },
        coder
      );
    const page = await themesPage(warehouse.connection, new URLSearchParams());
    if (page.empty) throw new Error('expected a page');
    expect(page.categories.map((c) => c.name)).toEqual(['1 Barriers']);
    expect(page.codes.map((c) => [c.label, c.codings])).toEqual([
      ['1.1 Information governance', 0],
      ['1.2 Workload', 2],
      ['1.3 Other', 0]
    ]);
    expect(page.code?.code_id).toBe(workload.code_id);
    // The quote bank lists a passage once, however many coders coded it.
    expect(page.quotes.map((q) => [q.text, q.coders])).toEqual([['Workload worried us.', ['amy', 'ben']]]);
    expect([page.group, page.groups]).toEqual(['', ['clinicians', 'funders']]);
    expect([page.coderA, page.coderB, page.unit]).toEqual(['amy', 'ben', 'character']);
    expect(page.agreement).not.toBeNull();

    // Choices that exist are kept; a category that does not exist falls back to the busiest.
    const chosen = await themesPage(
      warehouse.connection,
      new URLSearchParams({ category: 'no-such-category', code: governance.code_id, group: 'funders', unit: 'turn' })
    );
    if (chosen.empty) throw new Error('expected a page');
    expect([chosen.category.name, chosen.code?.code_id, chosen.group, chosen.unit]).toEqual([
      'Barriers',
      governance.code_id,
      'funders',
      'turn'
    ]);
    expect(chosen.quotes).toEqual([]);
  });
});
