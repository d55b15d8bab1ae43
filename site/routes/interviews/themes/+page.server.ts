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
import { coderPairs, codingCountsByCode, listCoders } from '$pipeline/qualitative/coding.ts';
import { stakeholderGroups } from '$pipeline/qualitative/participants.ts';
import { NO_GROUP } from '$pipeline/qualitative/framework-matrix.ts';
import { attributeChoice } from '$pipeline/qualitative/attributes.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader(async (connection) => {
    const codebook = await getCodebook(connection);
    const category =
      codebook.find((c) => c.category_id === url.searchParams.get('category')) ?? busiestCategory(codebook);
    if (!category) return { empty: true as const };
    const codes = categoryCodes(category);
    const counts = await codingCountsByCode(connection);
    const code =
      codes.find((c) => c.code_id === url.searchParams.get('code')) ??
      codes.find((c) => counts.get(c.code_id)) ??
      codes[0];
    const groups = await stakeholderGroups(connection, NO_GROUP);
    const group = groups.find((g) => g === url.searchParams.get('group')) ?? '';
    // Only participants with one case attribute value ("gender: female"), when the reader picks one.
    const { choices, chosen: attribute, key: only } = await attributeChoice(connection, url.searchParams.get('only'));
    const pairs = await coderPairs(connection);
    const coders = await listCoders(connection);
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
