/**
 * The loader's one pass over a file's bytes (readers/file-scan.ts) must say what the separate passes it replaced say:
 * the SHA-256 of the bytes, the plain-numbers test, and whether a blank line comes before the last record, including
 * across the seam between two 1 MiB chunks and ignoring blank lines at the end.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { plainNumbers } from '../../pipeline/load/readers/csv.ts';
import { scanFile } from '../../pipeline/load/readers/file-scan.ts';

const folder = mkdtempSync(join(tmpdir(), 'uptake-file-scan-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const HEADER = 'as_of,service_id,approached\n';
const ROW = '31/01/2017,SVC-A,12\n'; // 20 bytes

async function scanOf(name: string, text: string) {
  const path = join(folder, name);
  writeFileSync(path, text);
  const scan = await scanFile(path);
  return { ...scan, sha256Matches: scan.sha256 === createHash('sha256').update(readFileSync(path)).digest('hex') };
}

test('the hash and both byte tests, on files small and larger than a chunk', async () => {
  // The blank line "\n\n" straddles the first 1 MiB chunk's end: byte 1,048,575 is its first "\n".
  const filler = ROW.repeat(Math.floor((1048576 - HEADER.length) / ROW.length));
  const pad = 'x'.repeat(1048575 - HEADER.length - filler.length);
  const cases: [string, string, { plainNumbers: boolean; mayHaveInnerBlankLine: boolean }][] = [
    ['plain', HEADER + ROW + ROW, { plainNumbers: true, mayHaveInnerBlankLine: false }],
    ['inner-blank', HEADER + ROW + '\n' + ROW, { plainNumbers: true, mayHaveInnerBlankLine: true }],
    ['inner-blank-crlf', HEADER + ROW + '\r\n' + ROW, { plainNumbers: true, mayHaveInnerBlankLine: true }],
    ['trailing-blanks', HEADER + ROW + '\n\n\r\n', { plainNumbers: true, mayHaveInnerBlankLine: false }],
    ['point', HEADER + '31/01/2017,SVC-A,3.5\n', { plainNumbers: false, mayHaveInnerBlankLine: false }],
    ['seam', HEADER + filler + pad + '\n\n' + ROW, { plainNumbers: false, mayHaveInnerBlankLine: true }]
  ];
  const found = [];
  for (const [name, text] of cases) {
    const { plainNumbers: plain, mayHaveInnerBlankLine, sha256Matches } = await scanOf(`${name}.csv`, text);
    found.push([name, { plainNumbers: plain, mayHaveInnerBlankLine }, sha256Matches]);
    // The standalone test for readers without a scan agrees.
    expect(await plainNumbers(join(folder, `${name}.csv`))).toBe(plain);
  }
  expect(found).toEqual(cases.map(([name, , expected]) => [name, expected, true]));
});
