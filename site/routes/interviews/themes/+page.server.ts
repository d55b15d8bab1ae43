/**
 * Interpretation (Gale et al. stage 7): theme prevalence by stakeholder group (participants, not codings), codes that
 * co-occur, a quote bank for one theme filtered by group, and inter-coder agreement for two coders.
 */
import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { getCodebook } from '$pipeline/qualitative/codebook.ts';
import {
  agreementTable,
  busiestCategory,
  categoryCodes,
  coOccurrenceTable,
  themePrevalenceFigure
} from '$pipeline/qualitative/figures.ts';
import { quoteBank } from '$pipeline/qualitative/interpretation.ts';
import { interCoderAgreement, type AgreementUnit } from '$pipeline/qualitative/agreement.ts';
import { rows } from '$pipeline/qualitative/store.ts';
import { attributeChoice } from '$pipeline/qualitative/attributes.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader(async (connection) => {
    const codebook = await getCodebook(connection);
    const category =
      codebook.find((c) => c.category_id === url.searchParams.get('category')) ?? busiestCategory(codebook);
    if (!category) return { empty: true as const };
    const codes = categoryCodes(category);
    const counts = new Map(
      (
        await rows<{ code_id: string; n: number }>(
          connection,
          'SELECT code_id, CAST(count(*) AS INTEGER) AS n FROM coding GROUP BY code_id'
        )
      ).map((r) => [r.code_id, r.n])
    );
    const code =
      codes.find((c) => c.code_id === url.searchParams.get('code')) ??
      codes.find((c) => counts.get(c.code_id)) ??
      codes[0];
    const groups = (
      await rows<{ g: string }>(
        connection,
        `SELECT DISTINCT coalesce(stakeholder_group, 'No group') AS g FROM participant`
      )
    )
      .map((r) => r.g)
      .sort((a, b) => Number(a === 'No group') - Number(b === 'No group') || a.localeCompare(b, 'en'));
    const group = groups.find((g) => g === url.searchParams.get('group')) ?? '';
    // Only participants with one case attribute value ("gender: female"), when the reader picks one.
    const { choices, chosen: attribute, key: only } = await attributeChoice(connection, url.searchParams.get('only'));
    // Coders who coded the same transcripts, most shared first: the pair a team would compare.
    const pairs = await rows<{ a: string; b: string; shared: number }>(
      connection,
      `SELECT x.coder AS a, y.coder AS b, CAST(count(DISTINCT x.transcript_id) AS INTEGER) AS shared
         FROM (SELECT DISTINCT coder, transcript_id FROM coding) x JOIN (SELECT DISTINCT coder, transcript_id FROM coding) y
           ON x.transcript_id = y.transcript_id AND x.coder < y.coder
        GROUP BY ALL ORDER BY shared DESC, a, b`
    );
    const coders = (await rows<{ coder: string }>(connection, 'SELECT DISTINCT coder FROM coding ORDER BY coder')).map(
      (r) => r.coder
    );
    const coderA = coders.find((c) => c === url.searchParams.get('a')) ?? pairs[0]?.a ?? null;
    const coderB = coders.find((c) => c === url.searchParams.get('b')) ?? pairs[0]?.b ?? null;
    const unit: AgreementUnit = url.searchParams.get('unit') === 'turn' ? 'turn' : 'character';
    const agreement =
      coderA && coderB && coderA !== coderB ? await interCoderAgreement(connection, { coderA, coderB, unit }) : null;
    return {
      empty: false as const,
      categories: codebook.map((c) => ({ category_id: c.category_id, name: `${c.number} ${c.name}` })),
      category: { category_id: category.category_id, name: category.name },
      figure: await themePrevalenceFigure(connection, category.category_id, { attribute }),
      attributeChoices: choices,
      only,
      coOccurrence: await coOccurrenceTable(connection, category.category_id),
      codes: codes.map((c) => ({ ...c, codings: counts.get(c.code_id) ?? 0 })),
      code,
      groups,
      group,
      quotes: code
        ? await quoteBank(connection, { codeId: code.code_id, stakeholderGroup: group || undefined, attribute })
        : [],
      coders,
      coderA,
      coderB,
      unit,
      agreement: agreement && agreement.transcriptIds.length ? agreementTable(agreement) : null
    };
  });
