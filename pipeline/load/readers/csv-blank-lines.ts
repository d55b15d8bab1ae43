/**
 * Row numbers in CSVs with blank lines. DuckDB's read_csv skips blank lines, so after a blank line in the middle of a
 * file a record's position undercounts the row a spreadsheet shows it on (a problem on row 4 would say row 3). Almost
 * no export has one, so the common path is a native byte search; only a file that has a blank line before its last
 * record is scanned exactly (quote-aware: a line break inside a quoted cell is not a new row, as in a spreadsheet).
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const isSpace = (b: number) => b === NL || b === CR || b === 0x20 || b === 0x09;

/** Offset just after the last byte that is not whitespace (trailing blank lines lie after it and do not matter). */
function contentEnd(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 65536);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    let i = length;
    while (i > 0 && isSpace(buffer[i - 1])) i--;
    return size - length + i;
  } finally {
    closeSync(fd);
  }
}

async function mayHaveInnerBlankLine(path: string, end: number): Promise<boolean> {
  // The two bytes before each chunk, so a blank line split across chunks is seen too.
  let before = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, {
    end: Math.max(end - 1, 0),
    highWaterMark: 1 << 20
  }) as AsyncIterable<Buffer>) {
    if (chunk.indexOf('\n\n') >= 0 || chunk.indexOf('\n\r\n') >= 0) return true;
    const seam = Buffer.concat([before, chunk.subarray(0, 2)]);
    if (seam.indexOf('\n\n') >= 0 || seam.indexOf('\n\r\n') >= 0) return true;
    before = Buffer.from(chunk.subarray(Math.max(chunk.length - 2, 0)));
  }
  return false;
}

/**
 * The spreadsheet rows (header = row 1) of blank lines that come before a later record: empty for nearly every file.
 */
export async function innerBlankRows(path: string, mayHaveOne?: boolean): Promise<number[]> {
  const end = contentEnd(path);
  // The loader's one scan of the file (file-scan.ts) has already searched for one.
  if (!(mayHaveOne ?? (await mayHaveInnerBlankLine(path, end)))) return [];
  const blanks: number[] = [];
  let pending: number[] = [];
  let row = 1;
  let lineEmpty = true;
  let quoted = false;
  for await (const chunk of createReadStream(path, { end: Math.max(end - 1, 0) })) {
    for (const b of chunk as Buffer) {
      if (b === QUOTE) {
        quoted = !quoted;
        lineEmpty = false;
      } else if (b === NL && !quoted) {
        if (lineEmpty) pending.push(row);
        else if (pending.length) {
          blanks.push(...pending);
          pending = [];
        }
        row++;
        lineEmpty = true;
      } else if (b !== CR) lineEmpty = false;
    }
  }
  // The scan stops at the last record's last byte, so blank lines still pending precede it.
  if (!lineEmpty) blanks.push(...pending);
  return blanks;
}

/**
 * SQL for the spreadsheet row of the record at 0-based position `k` (an SQL expression), given innerBlankRows: the
 * k-th record sits after every blank line that has at most k records before it.
 */
export function rowOfRecordSql(k: string, blanks: number[]): string {
  // Records before the i-th blank line (0-based i) at row b: rows 2 … b-1, less the i blank lines among them.
  const recordsBefore = blanks.map((b, i) => b - 2 - i);
  return `(${k} + 2 + len(list_filter([${recordsBefore.join(', ')}]::INTEGER[], lambda d: d <= ${k})))::INTEGER`;
}
