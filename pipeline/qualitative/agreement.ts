/**
 * Inter-coder agreement when two coders coded the same transcripts: percentage agreement and Cohen's kappa per code.
 *
 * The unit is chosen and always named in the result:
 *  - 'character' (default, as NVivo's coding comparison does): every code point of each transcript is one unit, coded
 *    or not coded with the code by each coder (a coder's overlapping codings of one code count once);
 *  - 'turn': every speaker turn is one unit, coded when any of the coder's codings of the code overlaps it.
 * For each code, over the units of every transcript both coders coded:
 *   agreement = (both + neither) / units
 *   kappa = (po − pe) / (1 − pe), po = agreement, pe = (A_yes·B_yes + A_no·B_no) / units²
 * When pe = 1 (the two coders agree that the code applies everywhere, or nowhere) kappa is reported as 1, as NVivo
 * does. Many framework-method teams discuss disagreements instead of computing kappa (domain notes); this is there for
 * those who report it.
 */
import { unionOfSpans, type Span } from './coding.ts';
import { rows, QualitativeError, type Connection } from './store.ts';

export type AgreementUnit = 'character' | 'turn';

export interface CodeAgreement {
  code_id: string;
  code_name: string;
  units: number;
  both: number;
  only_a: number;
  only_b: number;
  neither: number;
  agreement: number;
  kappa: number;
}

export interface AgreementReport {
  coderA: string;
  coderB: string;
  unit: AgreementUnit;
  transcriptIds: string[];
  codes: CodeAgreement[];
}

export interface Table2x2 {
  both: number;
  only_a: number;
  only_b: number;
  neither: number;
}

export function cohensKappa(t: Table2x2): { agreement: number; kappa: number } {
  const n = t.both + t.only_a + t.only_b + t.neither;
  if (n === 0) throw new QualitativeError('No units to compare');
  const po = (t.both + t.neither) / n;
  const aYes = t.both + t.only_a;
  const bYes = t.both + t.only_b;
  const pe = (aYes * bYes + (n - aYes) * (n - bYes)) / (n * n);
  return { agreement: po, kappa: pe === 1 ? 1 : (po - pe) / (1 - pe) };
}

/** Code points covered by both / only one of two sets of disjoint sorted spans, within [0, length). */
function overlapLength(a: Span[], b: Span[]): number {
  let total = 0;
  let j = 0;
  for (const s of a) {
    while (j < b.length && b[j].end <= s.start) j++;
    for (let k = j; k < b.length && b[k].start < s.end; k++)
      total += Math.min(s.end, b[k].end) - Math.max(s.start, b[k].start);
  }
  return total;
}

const spanLength = (spans: Span[]) => spans.reduce((sum, s) => sum + s.end - s.start, 0);

export async function interCoderAgreement(
  connection: Connection,
  options: { coderA: string; coderB: string; transcriptIds?: string[]; unit?: AgreementUnit }
): Promise<AgreementReport> {
  const unit = options.unit ?? 'character';
  const shared = await rows<{ transcript_id: string; length_cp: number }>(
    connection,
    `SELECT transcript_id, length_cp FROM transcript
      WHERE transcript_id IN (SELECT transcript_id FROM coding WHERE coder = $a)
        AND transcript_id IN (SELECT transcript_id FROM coding WHERE coder = $b)
      ORDER BY transcript_id`,
    { a: options.coderA, b: options.coderB }
  );
  const transcripts = options.transcriptIds
    ? shared.filter((t) => options.transcriptIds!.includes(t.transcript_id))
    : shared;
  const codings = await rows<{
    transcript_id: string;
    code_id: string;
    code_name: string;
    coder: string;
    start_cp: number;
    end_cp: number;
  }>(
    connection,
    `SELECT g.transcript_id, g.code_id, c.name AS code_name, g.coder, g.start_cp, g.end_cp
       FROM coding g JOIN code c USING (code_id) WHERE g.coder IN ($a, $b) ORDER BY c.name, g.code_id`,
    { a: options.coderA, b: options.coderB }
  );
  const turns =
    unit === 'turn'
      ? await rows<{ transcript_id: string; start_cp: number; end_cp: number }>(
          connection,
          'SELECT transcript_id, start_cp, end_cp FROM transcript_turn ORDER BY transcript_id, turn_index'
        )
      : [];
  const inScope = new Set(transcripts.map((t) => t.transcript_id));
  const codes = new Map<string, string>();
  for (const c of codings) if (inScope.has(c.transcript_id)) codes.set(c.code_id, c.code_name);

  const result: CodeAgreement[] = [];
  for (const [codeId, codeName] of codes) {
    const table: Table2x2 = { both: 0, only_a: 0, only_b: 0, neither: 0 };
    for (const t of transcripts) {
      const spansOf = (coder: string) =>
        unionOfSpans(
          codings
            .filter((c) => c.transcript_id === t.transcript_id && c.code_id === codeId && c.coder === coder)
            .map((c) => ({ start: c.start_cp, end: c.end_cp }))
        );
      const a = spansOf(options.coderA);
      const b = spansOf(options.coderB);
      if (unit === 'character') {
        const both = overlapLength(a, b);
        table.both += both;
        table.only_a += spanLength(a) - both;
        table.only_b += spanLength(b) - both;
        table.neither += t.length_cp - spanLength(a) - spanLength(b) + both;
      } else {
        for (const turn of turns.filter((u) => u.transcript_id === t.transcript_id)) {
          const unitSpan = [{ start: turn.start_cp, end: turn.end_cp }];
          const inA = overlapLength(unitSpan, a) > 0;
          const inB = overlapLength(unitSpan, b) > 0;
          if (inA && inB) table.both++;
          else if (inA) table.only_a++;
          else if (inB) table.only_b++;
          else table.neither++;
        }
      }
    }
    const units = table.both + table.only_a + table.only_b + table.neither;
    if (units === 0) continue;
    result.push({ code_id: codeId, code_name: codeName, units, ...table, ...cohensKappa(table) });
  }
  return {
    coderA: options.coderA,
    coderB: options.coderB,
    unit,
    transcriptIds: transcripts.map((t) => t.transcript_id),
    codes: result
  };
}
