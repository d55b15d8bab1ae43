/**
 * What the loader asks of a file's bytes, in two passes run one after the other beside DuckDB's first reads: its
 * SHA-256 (its identity in the raw store and the manifest: hashFile), and two quick byte searches (byteTests): whether
 * read_csv may parse its counts itself (plainNumbers, csv.ts), and whether it may have a blank line before its last
 * record (csv-blank-lines.ts). The searches are indexOf over 1 MiB chunks (~0.03 s per 36 MB) and a reader needs
 * their answers first; the hash costs most of a pass, so the loader starts it after them and awaits the digest only
 * where the skip rule needs it (load.ts): it is computed while DuckDB reads the file's columns and first rows.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export interface FileScan extends ByteTests {
  sha256: string;
}

export interface ByteTests {
  /** No byte after the header line lets read_csv's integer parsing accept what the count rule refuses. */
  plainNumbers: boolean;
  /** A blank line ("\n\n" or "\n\r\n") ends before the file's last non-blank byte: row numbers need the exact scan. */
  mayHaveInnerBlankLine: boolean;
}

/**
 * Bytes that DuckDB's integer parser accepts inside a number and Uptake's count rule does not: a sign ("+12"), a
 * decimal point ("3.5" would become 4), an exponent ("1e2"), hex or binary ("0x10", "0b11"), digit separators ("1_000")
 * and whitespace other than spaces. A lone carriage return is one too; CRLF line ends are not (checked apart).
 */
const NOT_IN_PLAIN_NUMBERS = [...'+._eExXbB\t\v\f'].map((c) => c.charCodeAt(0));
const CR = 0x0d;
const LF = 0x0a;
const isSpace = (b: number) => b === LF || b === CR || b === 0x20 || b === 0x09;
const CHUNK = 1 << 20;

/**
 * The plain-numbers test fed chunk by chunk: true when no byte after the header line is one that could make
 * read_csv's integer parsing differ from the count rule. Searched for in the whole file, not per column, so a letter e
 * in a name is enough to say no; files of codes, dates and numbers say yes.
 */
export function plainNumbersTest() {
  let first = true;
  let previous = 0;
  let plain = true;
  return {
    push(chunk: Buffer): boolean {
      if (!plain) return false;
      let data = chunk;
      if (first) {
        const headerEnd = chunk.indexOf(LF);
        if (headerEnd < 0) return true; // a header longer than a chunk
        first = false;
        data = chunk.subarray(headerEnd + 1);
      }
      if (previous === CR && data[0] !== LF) return (plain = false);
      for (const byte of NOT_IN_PLAIN_NUMBERS) if (data.indexOf(byte) >= 0) return (plain = false);
      for (let at = data.indexOf(CR); at >= 0; at = data.indexOf(CR, at + 1)) {
        if (at + 1 < data.length && data[at + 1] !== LF) return (plain = false);
      }
      previous = data.length ? data[data.length - 1] : previous;
      return true;
    },
    result: () => plain && previous !== CR
  };
}

/** Where the first blank line ends (the offset of its last byte), across chunk seams; Infinity when there is none. */
function firstBlankLineTest() {
  let offset = 0;
  let before = Buffer.alloc(0);
  let found = Infinity;
  const search = (data: Buffer, base: number) => {
    for (const pattern of ['\n\n', '\n\r\n']) {
      const at = data.indexOf(pattern);
      if (at >= 0) found = Math.min(found, base + at + pattern.length - 1);
    }
  };
  return {
    push(chunk: Buffer) {
      if (found !== Infinity) return;
      // The two bytes before each chunk, so a blank line split across chunks is seen too.
      search(Buffer.concat([before, chunk.subarray(0, 2)]), offset - before.length);
      search(chunk, offset);
      before = Buffer.from(chunk.subarray(Math.max(chunk.length - 2, 0)));
      offset += chunk.length;
    },
    /** The offset of the last byte of the first blank line, or Infinity. */
    result: () => found
  };
}

/** The file's SHA-256, read in 1 MiB chunks, so it can run while the main thread awaits DuckDB. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await eachChunk(path, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}

/** The quick byte searches: no hash. */
export async function byteTests(path: string): Promise<ByteTests> {
  const plain = plainNumbersTest();
  const blank = firstBlankLineTest();
  // The last byte that is not whitespace: trailing blank lines lie after it and do not matter.
  let contentEnd = -1;
  await eachChunk(path, (chunk, position) => {
    plain.push(chunk);
    blank.push(chunk);
    for (let i = chunk.length - 1; i >= 0; i--) {
      if (!isSpace(chunk[i])) {
        contentEnd = position + i;
        break;
      }
    }
  });
  return { plainNumbers: plain.result(), mayHaveInnerBlankLine: blank.result() < contentEnd };
}

/** Both, for a caller that wants everything at once. */
export async function scanFile(path: string): Promise<FileScan> {
  const [sha256, tests] = await Promise.all([hashFile(path), byteTests(path)]);
  return { sha256, ...tests };
}

/** Calls `use` with each chunk of the file in order (the buffer is reused: `use` must not keep it) and its offset. */
async function eachChunk(path: string, use: (chunk: Buffer, position: number) => void): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      use(buffer.subarray(0, bytesRead), position);
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}
