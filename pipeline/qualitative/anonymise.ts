/**
 * Anonymisation on import. Two steps, so a person decides:
 *  1. proposeAnonymisation(text) finds what looks identifying and proposes a replacement for each:
 *     - names from the researcher's list → consistent pseudonyms by role ([CLINICIAN 1], [HOSPITAL A]);
 *     - NHS numbers (10 digits, plain or spaced 3-3-4, with a valid modulus-11 check digit only), e-mail addresses,
 *       UK phone numbers, UK postcodes, and dates of birth (a date shortly after "born", "DOB" or "date of birth").
 *  2. applyAnonymisation(text, confirmed) makes the stored text from the proposals the researcher kept.
 *
 * The key (pseudonym → real names) lives in a PseudonymBook in memory. It is never written to the warehouse: only to a
 * file the caller names (writeKeyFile), or nowhere. Reading that file back (readKeyFile) keeps pseudonyms consistent
 * across separate imports. Identifiers found by the detectors are redacted to a label, not keyed: nobody needs them
 * back.
 *
 * Offsets in proposals are code points over the text given (offsets.ts). A proposal never spans a line break, so
 * applying proposals keeps the line count, and subtitle timings (kept per line) stay right.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { OffsetIndex } from './offsets.ts';

export type IdentifierKind = 'name' | 'nhs-number' | 'email' | 'phone' | 'postcode' | 'date-of-birth';

export interface Proposal {
  /** Stable for the same text: `${kind}:${start}-${end}`. */
  id: string;
  kind: IdentifierKind;
  start: number;
  end: number;
  original: string;
  replacement: string;
  reason: string;
}

/** One person or organisation from the researcher's list, with every way the transcripts may write it. */
export interface NameEntry {
  role: string;
  variants: string[];
}

/** Roles whose pseudonyms are lettered ([HOSPITAL A]); every other role is numbered ([CLINICIAN 1]). */
export const LETTERED_ROLES = new Set([
  'hospital',
  'trust',
  'practice',
  'surgery',
  'ccg',
  'organisation',
  'organization',
  'company',
  'supplier',
  'site',
  'service',
  'council',
  'charity',
  'clinic',
  'ward',
  'borough',
  'place',
  'team'
]);

export const REDACTION_LABELS: Record<Exclude<IdentifierKind, 'name'>, string> = {
  'nhs-number': '[NHS NUMBER]',
  email: '[EMAIL]',
  phone: '[PHONE]',
  postcode: '[POSTCODE]',
  'date-of-birth': '[DATE OF BIRTH]'
};

/** A, B, … Z, AA, AB … (spreadsheet column letters). */
function letters(n: number): string {
  let label = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) label = String.fromCharCode(65 + ((k - 1) % 26)) + label;
  return label;
}

export interface KeyEntry {
  pseudonym: string;
  role: string;
  variants: string[];
}

/**
 * Consistent pseudonyms: the same entity gets the same pseudonym in every transcript of an import, and in later
 * imports when the key file is read back. Numbering follows the order entities are first added.
 */
export class PseudonymBook {
  private readonly byVariant = new Map<string, KeyEntry>();
  private readonly entries: KeyEntry[] = [];
  private readonly counters = new Map<string, number>();

  constructor(private readonly letteredRoles: Set<string> = LETTERED_ROLES) {}

  /** The pseudonym of an entity, assigning the next one for its role when it is new. */
  pseudonymFor(entry: NameEntry): string {
    for (const variant of entry.variants) {
      const known = this.byVariant.get(variant);
      if (known) {
        for (const v of entry.variants) {
          if (known.variants.includes(v)) continue;
          known.variants.push(v);
          this.byVariant.set(v, known);
        }
        return known.pseudonym;
      }
    }
    const role = entry.role.trim().toLowerCase() || 'person';
    const n = (this.counters.get(role) ?? 0) + 1;
    this.counters.set(role, n);
    const pseudonym = `[${role.toUpperCase()} ${this.letteredRoles.has(role) ? letters(n) : n}]`;
    this.add({ pseudonym, role, variants: [...entry.variants] });
    return pseudonym;
  }

  private add(entry: KeyEntry): void {
    this.entries.push(entry);
    for (const variant of entry.variants) this.byVariant.set(variant, entry);
  }

  /** The key, for writeKeyFile only. */
  key(): KeyEntry[] {
    return this.entries.map((e) => ({ ...e, variants: [...e.variants] }));
  }

  static fromKey(entries: KeyEntry[], letteredRoles: Set<string> = LETTERED_ROLES): PseudonymBook {
    const book = new PseudonymBook(letteredRoles);
    for (const entry of entries) {
      book.add({ ...entry, variants: [...entry.variants] });
      const number = /\s(\d+|[A-Z]+)\]$/.exec(entry.pseudonym)?.[1] ?? '0';
      const n = /^\d+$/.test(number)
        ? Number(number)
        : [...number].reduce((sum, c) => sum * 26 + (c.charCodeAt(0) - 64), 0);
      book.counters.set(entry.role, Math.max(book.counters.get(entry.role) ?? 0, n));
    }
    return book;
  }
}

/**
 * The researcher's names list: one person or organisation per line, `role: name; other form; …`, e.g.
 * `clinician: Dr Jane Okafor; Jane Okafor; Dr Okafor`. A line without `role:` is a person. `#` starts a comment.
 */
export function parseNamesList(text: string): NameEntry[] {
  const entries: NameEntry[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const match = /^([A-Za-z][A-Za-z -]{0,30}):\s*(.+)$/.exec(line);
    const role = match ? match[1].trim().toLowerCase() : 'person';
    const variants = (match ? match[2] : line)
      .split(';')
      .map((v) => v.trim())
      .filter(Boolean);
    if (variants.length) entries.push({ role, variants });
  }
  return entries;
}

// ——— Detectors ———

/** NHS number check digit (modulus 11): weights 10…2 on the first nine digits; 11 → 0; 10 means no valid number. */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 9)].reduce((total, d, i) => total + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

interface Found {
  kind: IdentifierKind;
  start16: number;
  end16: number;
  replacement: string;
  reason: string;
}

const NHS_NUMBER = /(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Digits with spaces, hyphens or brackets between them; the national number is checked after matching.
const PHONE = /(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(?0)\d[\d() \t-]{6,15}\d(?!\d)/g;
const POSTCODE =
  /\b(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY]) ?\d[ABD-HJLNP-UW-Z]{2})\b/gi;
const DOB_TRIGGER = /\b(?:born|D\.?O\.?B\.?|date of birth)\b/gi;
const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const DATE = new RegExp(
  [
    String.raw`\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)`,
    String.raw`\d{4}-\d{2}-\d{2}`,
    String.raw`\d{1,2}(?:st|nd|rd|th)?(?: of)? ${MONTH},? \d{4}`,
    String.raw`${MONTH} \d{1,2}(?:st|nd|rd|th)?,? \d{4}`
  ].join('|'),
  'i'
);
/** How far after the trigger word a date may start (same line): "born on the 3rd of", "DOB is". */
const DOB_WINDOW = 30;

function ukNationalNumber(candidate: string): string | null {
  let digits = candidate.replace(/\D/g, '');
  if (candidate.trim().startsWith('+44')) digits = digits.slice(2).replace(/^0/, '');
  else digits = digits.replace(/^0/, '');
  // UK national numbers are 9 or 10 digits after the 0, in the 01, 02, 03, 05, 07, 08 and 09 ranges.
  return /^[1235789]\d{8,9}$/.test(digits) ? digits : null;
}

/**
 * The identifiers one pattern finds on its own, in the order they are looked for; `accept` rules out a match that only
 * looks like one (a wrong NHS check digit, a number outside the UK's ranges).
 */
const PATTERN_DETECTORS: {
  kind: Exclude<IdentifierKind, 'name' | 'date-of-birth'>;
  pattern: RegExp;
  reason: string;
  accept?: (match: RegExpExecArray) => boolean;
}[] = [
  {
    kind: 'nhs-number',
    pattern: NHS_NUMBER,
    reason: '10 digits with a valid NHS number check digit',
    accept: (m) => isValidNhsNumber(m[1] + m[3] + m[4])
  },
  { kind: 'email', pattern: EMAIL, reason: 'an e-mail address' },
  { kind: 'phone', pattern: PHONE, reason: 'a UK phone number', accept: (m) => ukNationalNumber(m[0]) !== null },
  { kind: 'postcode', pattern: POSTCODE, reason: 'a UK postcode' }
];

function detectIdentifiers(text: string): Found[] {
  const found: Found[] = [];
  const add = (kind: Exclude<IdentifierKind, 'name'>, start16: number, end16: number, reason: string) =>
    found.push({ kind, start16, end16, replacement: REDACTION_LABELS[kind], reason });
  const each = (pattern: RegExp, visit: (m: RegExpExecArray) => void) => {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) visit(m);
  };
  for (const { kind, pattern, reason, accept } of PATTERN_DETECTORS)
    each(pattern, (m) => {
      if (!accept || accept(m)) add(kind, m.index, m.index + m[0].length, reason);
    });
  each(DOB_TRIGGER, (m) => {
    const after = m.index + m[0].length;
    const lineEnd = text.indexOf('\n', after);
    const window = text.slice(after, lineEnd < 0 ? undefined : lineEnd);
    const date = DATE.exec(window);
    if (date && date.index <= DOB_WINDOW)
      add('date-of-birth', after + date.index, after + date.index + date[0].length, `a date after "${m[0]}"`);
  });
  return found;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whole-word, case-sensitive; a straight or curly apostrophe matches either, and any run of spaces matches a space. */
function namePattern(variant: string): RegExp {
  const body = escapeRegExp(variant).replace(/['’]/g, "['’]").replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'gu');
}

function detectNames(text: string, names: NameEntry[], book: PseudonymBook): Found[] {
  const found: Found[] = [];
  for (const entry of names) {
    const pseudonym = book.pseudonymFor(entry);
    for (const variant of entry.variants) {
      const pattern = namePattern(variant);
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        if (m[0].includes('\n')) continue;
        found.push({
          kind: 'name',
          start16: m.index,
          end16: m.index + m[0].length,
          replacement: pseudonym,
          reason: `on the names list (${entry.role})`
        });
      }
    }
  }
  return found;
}

/** Overlaps are resolved in favour of the earliest start, then the longest match (so "Dr Jane Okafor" beats "Jane"). */
function withoutOverlaps(found: Found[]): Found[] {
  const sorted = [...found].sort((a, b) => a.start16 - b.start16 || b.end16 - a.end16);
  const kept: Found[] = [];
  for (const f of sorted) {
    const last = kept[kept.length - 1];
    if (!last || f.start16 >= last.end16) kept.push(f);
  }
  return kept;
}

export interface ProposeOptions {
  names?: NameEntry[];
  /** Shared across the transcripts of one study so pseudonyms stay consistent; a new one is made when absent. */
  book?: PseudonymBook;
  /** Which detectors run (all by default). Names on the list are always proposed. */
  detectors?: Exclude<IdentifierKind, 'name'>[];
}

export function proposeAnonymisation(text: string, options: ProposeOptions = {}): Proposal[] {
  const book = options.book ?? new PseudonymBook();
  const enabled = new Set(options.detectors ?? Object.keys(REDACTION_LABELS));
  const found = [
    ...detectNames(text, options.names ?? [], book),
    ...detectIdentifiers(text).filter((f) => enabled.has(f.kind))
  ].filter((f) => !text.slice(f.start16, f.end16).includes('\n'));
  const index = new OffsetIndex(text);
  return withoutOverlaps(found).map((f) => {
    const start = index.toCodePoint(f.start16);
    const end = index.toCodePoint(f.end16);
    return {
      id: `${f.kind}:${start}-${end}`,
      kind: f.kind,
      start,
      end,
      original: text.slice(f.start16, f.end16),
      replacement: f.replacement,
      reason: f.reason
    };
  });
}

/** The stored text: each confirmed proposal's span replaced by its replacement. Overlapping proposals are refused. */
export function applyAnonymisation(text: string, confirmed: Proposal[]): string {
  const index = new OffsetIndex(text);
  const sorted = [...confirmed].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const p of sorted) {
    if (p.start < at) throw new Error(`Anonymisation proposals overlap at code point ${p.start} (${p.id})`);
    const from = index.toUtf16(p.start);
    const to = index.toUtf16(p.end);
    if (text.slice(from, to) !== p.original)
      throw new Error(`Proposal ${p.id} does not match the text ("${p.original}")`);
    if (/\n/.test(p.replacement)) throw new Error(`Proposal ${p.id}: a replacement may not contain a line break`);
    out += text.slice(index.toUtf16(at), from) + p.replacement;
    at = p.end;
  }
  return out + text.slice(index.toUtf16(at));
}

/**
 * Writes the key to `path` (JSON, readable by the owner only), atomically. This is the only place the real names are
 * written; the caller decides whether there is a path at all.
 */
export function writeKeyFile(path: string, book: PseudonymBook): void {
  const body = JSON.stringify(
    { warning: 'Pseudonym key: real names. Keep apart from the transcripts.', entries: book.key() },
    null,
    2
  );
  writeFileAtomic(path, body + '\n', { mode: 0o600 });
}

export function readKeyFile(path: string): PseudonymBook {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { entries?: KeyEntry[] };
  return PseudonymBook.fromKey(parsed.entries ?? []);
}
