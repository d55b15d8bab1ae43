/**
 * How much of a REFI-QDA file Uptake will read, and for how long. A 3 MB .qdpx can unpack to 500 MB of <Code>
 * elements at a compression ratio the ZIP guard accepts (166 against its 200), and reading that into a tree took the
 * server from 0.5 to 3.9 GB and minutes of one core. Real projects are far smaller: a .qde holds codes, codings and
 * memos but not the transcripts' text (that is in sources/), so a large study is a few MB of XML. Each limit below is
 * set well above that, and each refusal names the limit it hit.
 */

export interface ImportLimits {
  /** The project (.qde) or codebook (.qdc) XML, in bytes, before it is parsed. */
  maxXmlBytes: number;
  /** XML elements in that file. */
  maxElements: number;
  /** How deeply elements nest (codes within codes within codes…). */
  maxDepth: number;
  /** Every transcript and memo text file in the archive together, in bytes. */
  maxSourceTextBytes: number;
  /** The whole read, from opening the archive to the finished description, in seconds. */
  maxSeconds: number;
}

export const IMPORT_LIMITS: ImportLimits = {
  // Uptake's own export of the demo study (16 transcripts, 51 codes, 44 codings) is 67 KB of XML and 689 elements;
  // each coding adds about 500 bytes and three elements, so a study of 100 interviews with 20,000 codings is about
  // 10 MB and 60,000 elements. The parsed tree takes roughly ten times the XML's size in memory: 64 MB stays under a
  // gigabyte.
  maxXmlBytes: 64 * 1024 * 1024,
  // Three elements per coding (selection, coding, code reference): 300,000 is about 100,000 codings, five times the
  // large study above.
  maxElements: 300_000,
  // Codebooks nest three or four levels (CFIR 2.0: domain, construct, sub-construct); the deepest part of a project
  // file is Project/Sources/TextSource/PlainTextSelection/Coding/CodeRef. Reading nested codes recurses, so a file
  // nested thousands deep would otherwise overflow the stack.
  maxDepth: 64,
  // An hour's interview is 50–80 KB of text; 128 MB is some 2,000 hours.
  maxSourceTextBytes: 128 * 1024 * 1024,
  // The demo study reads in well under a second, a file at the element limit in a few seconds on a busy 2-core
  // machine; two minutes means something is wrong.
  maxSeconds: 120
};

const LABELS: Record<keyof ImportLimits, string> = {
  maxXmlBytes: 'project XML size',
  maxElements: 'number of XML elements',
  maxDepth: 'XML nesting depth',
  maxSourceTextBytes: 'total transcript text size',
  maxSeconds: 'import time'
};

/** A file refused because it passed one of the limits above; `limit` names which. */
export class ImportLimitError extends Error {
  constructor(
    readonly limit: keyof ImportLimits | 'memory',
    message: string
  ) {
    super(message);
    this.name = 'ImportLimitError';
  }
}

export const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The refusal for a measured value over its limit, naming the limit ("limit: number of XML elements, 300,000"). */
export function overLimit(limit: keyof ImportLimits, what: string, allowed: string): ImportLimitError {
  return new ImportLimitError(
    limit,
    `${what}; Uptake reads at most ${allowed} (limit: ${LABELS[limit]}). Nothing was imported.`
  );
}

export function withLimits(overrides: Partial<ImportLimits> = {}): ImportLimits {
  return { ...IMPORT_LIMITS, ...overrides };
}
