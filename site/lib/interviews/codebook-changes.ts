/**
 * A codebook change-log row in words ("Merged “A” into “B”: 3 codings moved"), from the JSON detail the engine writes
 * with every edit (pipeline/qualitative/codebook.ts `logChange`).
 */
import type { CodebookChange } from '$pipeline/qualitative/codebook.ts';

type Detail = Record<string, unknown> & {
  name?: string;
  before?: unknown;
  after?: unknown;
  source?: { name?: string };
  target?: { name?: string };
  codings?: number;
  from?: { name?: string };
  into?: { name?: string; codings?: unknown[] }[];
  remaining?: number;
  framework?: string;
  categories?: number;
  childCodes?: number;
};

const count = (n: number | undefined, one: string, many = `${one}s`) => `${n ?? 0} ${n === 1 ? one : many}`;

/**
 * `codeName`: the code's current name, for edits whose detail does not carry it; `codes`: how many a framework load
 * added.
 */
export function describeChange(
  change: Pick<CodebookChange, 'action' | 'detail'>,
  codeName?: string | null,
  codes?: number
): string {
  const d = (change.detail ?? {}) as Detail;
  switch (change.action) {
    case 'add-category':
      return `Added the category “${d.name}”`;
    case 'add-code':
      return `Added the code “${d.name}”${d.parent ? ' under another code' : ''}`;
    case 'rename':
      return `Renamed “${d.before}” to “${d.after}”`;
    case 'redefine':
      return codeName ? `Changed the definition of “${codeName}”` : 'Changed a definition';
    case 'move':
      return `Moved ${codeName ? `“${codeName}”` : 'a code'}${d.childCodes ? ` with ${count(d.childCodes, 'child code')}` : ''}`;
    case 'merge':
      return `Merged “${d.source?.name}” into “${d.target?.name}”: ${count(d.codings, 'coding')} moved`;
    case 'split':
      return `Split “${d.from?.name}” into ${(d.into ?? []).map((p) => `“${p.name}” (${count(p.codings?.length, 'coding')})`).join(', ')}; ${count(d.remaining, 'coding')} stayed`;
    case 'delete-code':
      return `Deleted the unused code “${d.name}”`;
    case 'load-framework':
      return `Loaded the starter framework “${d.name}” (${count(d.categories, 'category', 'categories')}${codes ? `, ${count(codes, 'code')}` : ''})`;
    default:
      return change.action;
  }
}
