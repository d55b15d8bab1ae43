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
  // The demo study (12 transcripts, 600 codings) is 0.5 MB of XML; NVivo projects of 100 interviews with 20,000
  // codings are around 15 MB. The parsed tree takes roughly ten times the XML's size in memory, so 64 MB stays
  // well under a gigabyte.
  maxXmlBytes: 64 * 1024 * 1024,
  // About three elements per coding (selection, coding, code reference): 300,000 is 100,000 codings, five times the
  // largest study above, and a tree of that size takes about 150 MB.
  maxElements: 300_000,
  // Codebooks nest three or four levels (CFIR 2.0: domain, construct, sub-construct); the deepest part of a project
  // file is Project/Sources/TextSource/PlainTextSelection/Coding/CodeRef. Reading nested codes recurses, so a file
  // nested thousands deep would otherwise overflow the stack.
  maxDepth: 64,
  // An hour's interview is 50–80 KB of text; 128 MB is some 2,000 hours.
  maxSourceTextBytes: 128 * 1024 * 1024,
  // The demo study reads in well under a second and a 15 MB project in a few; two minutes means something is wrong.
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
