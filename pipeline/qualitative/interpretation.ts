/**
 * Interpretation (Gale et al. stage 7): looking across the matrix for patterns between groups.
 *
 *  - themePrevalence: per code and stakeholder group, how many PARTICIPANTS have at least one coding of it (presence,
 *    not frequency: one talkative interviewee coded twenty times counts once). The denominator is the group's
 *    participants who have a transcript. With evidence 'codings-or-summaries', a written cell summary also counts as
 *    presence (rapid analysis fills cells without coding), and participants with a summary count in the denominator.
 *  - codeCoOccurrence: pairs of codes whose codings overlap in the same transcript (by any coder, or one).
 *  - quoteBank: the coded passages of a theme, with who said them and where, filtered by stakeholder group.
 */
import { lineAt, lineStarts } from './offsets.ts';
import { NO_GROUP } from './framework-matrix.ts';
import { rows, type Connection } from './store.ts';

export interface Prevalence {
  code_id: string;
  code_name: string;
  category_id: string;
  stakeholder_group: string;
  participants_with_code: number;
  participants_in_group: number;
  /** participants_with_code / participants_in_group, NULL when the group has nobody. */
  share: number | null;
}

/** Only participants with this case attribute (participant_attribute; an attribute without a value reads "yes"). */
export interface AttributeFilter {
  name: string;
  value: string;
}

const HAS_ATTRIBUTE = `($attr IS NULL OR EXISTS (SELECT 1 FROM participant_attribute a
   WHERE a.participant_id = p.participant_id AND a.name = $attr AND coalesce(a.value, 'yes') = $attrValue))`;

export async function themePrevalence(
  connection: Connection,
  options: { categoryId?: string; evidence?: 'codings' | 'codings-or-summaries'; attribute?: AttributeFilter } = {}
): Promise<Prevalence[]> {
  const summaries = options.evidence === 'codings-or-summaries';
  return rows<Prevalence>(
    connection,
    `WITH evidence AS (
       SELECT DISTINCT t.participant_id, g.code_id FROM coding g JOIN transcript t USING (transcript_id) WHERE t.participant_id IS NOT NULL
       UNION
       SELECT participant_id, code_id FROM matrix_cell WHERE $summaries AND trim(summary) <> ''
     ),
     interviewed AS (
       SELECT participant_id FROM transcript WHERE participant_id IS NOT NULL
       UNION SELECT participant_id FROM matrix_cell WHERE $summaries AND trim(summary) <> ''
     ),
     groups AS (
       SELECT coalesce(p.stakeholder_group, $noGroup) AS stakeholder_group, count(DISTINCT p.participant_id) AS n
         FROM participant p JOIN interviewed i USING (participant_id) WHERE ${HAS_ATTRIBUTE} GROUP BY ALL
     )
     SELECT c.code_id, c.name AS code_name, c.category_id, gr.stakeholder_group,
            CAST(count(DISTINCT e.participant_id) AS INTEGER) AS participants_with_code,
            CAST(gr.n AS INTEGER) AS participants_in_group,
            CAST(count(DISTINCT e.participant_id) AS DOUBLE) / nullif(gr.n, 0) AS share
       FROM code c CROSS JOIN groups gr
       LEFT JOIN participant p ON coalesce(p.stakeholder_group, $noGroup) = gr.stakeholder_group AND ${HAS_ATTRIBUTE}
       LEFT JOIN evidence e ON e.code_id = c.code_id AND e.participant_id = p.participant_id
      WHERE ($category IS NULL OR c.category_id = $category)
      GROUP BY c.code_id, c.name, c.category_id, c.is_other, c.sort_order, gr.stakeholder_group, gr.n
      ORDER BY c.category_id, c.is_other, c.sort_order, gr.stakeholder_group`,
    {
      summaries,
      noGroup: NO_GROUP,
      category: options.categoryId ?? null,
      attr: options.attribute?.name ?? null,
      attrValue: options.attribute?.value ?? null
    }
  );
}

export interface CoOccurrence {
  code_a: string;
  code_a_name: string;
  code_b: string;
  code_b_name: string;
  /** Overlapping pairs of codings. */
  overlaps: number;
  transcripts: number;
  participants: number;
}

export async function codeCoOccurrence(
  connection: Connection,
  options: { coder?: string; categoryId?: string } = {}
): Promise<CoOccurrence[]> {
  return rows<CoOccurrence>(
    connection,
    `WITH g AS (
       SELECT g.*, c.name, c.category_id FROM coding g JOIN code c USING (code_id)
        WHERE ($coder IS NULL OR g.coder = $coder) AND ($category IS NULL OR c.category_id = $category)
     )
     SELECT a.code_id AS code_a, a.name AS code_a_name, b.code_id AS code_b, b.name AS code_b_name,
            CAST(count(*) AS INTEGER) AS "overlaps", CAST(count(DISTINCT a.transcript_id) AS INTEGER) AS transcripts,
            CAST(count(DISTINCT t.participant_id) AS INTEGER) AS participants
       FROM g a JOIN g b ON a.transcript_id = b.transcript_id AND a.code_id < b.code_id
                        AND a.start_cp < b.end_cp AND b.start_cp < a.end_cp
       JOIN transcript t ON t.transcript_id = a.transcript_id
      GROUP BY ALL ORDER BY "overlaps" DESC, code_a_name, code_b_name`,
    { coder: options.coder ?? null, category: options.categoryId ?? null }
  );
}

export interface BankQuote {
  transcript_id: string;
  start_cp: number;
  end_cp: number;
  text: string;
  participant_id: string | null;
  pseudonym: string | null;
  stakeholder_group: string | null;
  title: string;
  line_start: number;
  line_end: number;
  coders: string[];
  coding_ids: string[];
}

/** One entry per distinct passage (two coders coding the same span give one quote with both names). */
export async function quoteBank(
  connection: Connection,
  options: { codeId: string; stakeholderGroup?: string; attribute?: AttributeFilter }
): Promise<BankQuote[]> {
  const found = await rows<
    Omit<BankQuote, 'line_start' | 'line_end' | 'coders' | 'coding_ids'> & {
      body: string;
      coders: string;
      coding_ids: string;
    }
  >(
    connection,
    `SELECT g.transcript_id, g.start_cp, g.end_cp, any_value(substring(t.text, g.start_cp + 1, g.end_cp - g.start_cp)) AS text,
            any_value(t.text) AS body, any_value(t.participant_id) AS participant_id, any_value(p.pseudonym) AS pseudonym,
            any_value(p.stakeholder_group) AS stakeholder_group, any_value(t.title) AS title,
            string_agg(DISTINCT g.coder, '\u0001' ORDER BY g.coder) AS coders, string_agg(g.coding_id, '\u0001' ORDER BY g.coding_id) AS coding_ids
       FROM coding g JOIN transcript t USING (transcript_id) LEFT JOIN participant p ON p.participant_id = t.participant_id
      WHERE g.code_id = $code AND ($group IS NULL OR coalesce(p.stakeholder_group, $noGroup) = $group) AND ${HAS_ATTRIBUTE}
      GROUP BY g.transcript_id, g.start_cp, g.end_cp
      ORDER BY stakeholder_group NULLS LAST, participant_id, g.transcript_id, g.start_cp`,
    {
      code: options.codeId,
      group: options.stakeholderGroup ?? null,
      noGroup: NO_GROUP,
      attr: options.attribute?.name ?? null,
      attrValue: options.attribute?.value ?? null
    }
  );
  return found.map(({ body, coders, coding_ids, ...q }) => {
    const starts = lineStarts(body);
    return {
      ...q,
      line_start: lineAt(starts, q.start_cp),
      line_end: lineAt(starts, Math.max(q.start_cp, q.end_cp - 1)),
      coders: coders.split('\u0001'),
      coding_ids: coding_ids.split('\u0001')
    };
  });
}
