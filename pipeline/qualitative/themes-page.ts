/**
 * What the Themes page shows (interpretation, Gale et al. stage 7), from the choices in its URL: theme prevalence by
 * stakeholder group for one category (the busiest unless one is chosen), codes that co-occur, a quote bank for one
 * code filtered by group, and inter-coder agreement for two coders. A choice that names nothing that exists falls back
 * to the default, so an old or edited link still opens a page.
 */
import { getCodebook } from './codebook.ts';
import { agreementTable, busiestCategory, categoryCodes, coOccurrenceTable, themePrevalenceFigure } from './figures.ts';
import { quoteBank } from './interpretation.ts';
import { interCoderAgreement, type AgreementUnit } from './agreement.ts';
import { coderPairs, codingCountsByCode, listCoders } from './coding.ts';
import { stakeholderGroups } from './participants.ts';
import { NO_GROUP } from './framework-matrix.ts';
import { attributeChoice } from './attributes.ts';
import type { Connection } from './store.ts';

/**
 * `choice` holds the URL's parameters: `category`, `code`, `group`, `only` (a case attribute, "gender: female"),
 * `a` and `b` (the coders compared) and `unit` (`turn`, else character).
 */
export async function themesPage(connection: Connection, choice: URLSearchParams) {
  const codebook = await getCodebook(connection);
  const category = codebook.find((c) => c.category_id === choice.get('category')) ?? busiestCategory(codebook);
  if (!category) return { empty: true as const };
  const codes = categoryCodes(category);
  const counts = await codingCountsByCode(connection);
  const code =
    codes.find((c) => c.code_id === choice.get('code')) ?? codes.find((c) => counts.get(c.code_id)) ?? codes[0];
  const groups = await stakeholderGroups(connection, NO_GROUP);
  const group = groups.find((g) => g === choice.get('group')) ?? '';
  // Only participants with one case attribute value ("gender: female"), when the reader picks one.
  const { choices, chosen: attribute, key: only } = await attributeChoice(connection, choice.get('only'));
  const pairs = await coderPairs(connection);
  const coders = await listCoders(connection);
  const coderA = coders.find((c) => c === choice.get('a')) ?? pairs[0]?.a ?? null;
  const coderB = coders.find((c) => c === choice.get('b')) ?? pairs[0]?.b ?? null;
  const unit: AgreementUnit = choice.get('unit') === 'turn' ? 'turn' : 'character';
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
}
