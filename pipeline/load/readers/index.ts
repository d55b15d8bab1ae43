/** Readers by file extension: a reader for a new format is one new file and one line here. */
import { extname } from 'node:path';
import { readCsv } from './csv.ts';
import { readJson } from './json.ts';
import { readXlsx } from './xlsx.ts';
import type { ReadContext, SourceTable } from './types.ts';

export type Reader = (ctx: ReadContext, path: string, label?: string) => Promise<SourceTable[]>;

export const READERS: Record<string, Reader> = {
  '.csv': readCsv,
  '.tsv': readCsv,
  '.xlsx': readXlsx,
  '.json': readJson
};

export function readerFor(path: string): Reader | undefined {
  return READERS[extname(path).toLowerCase()];
}

export { ReadError, type SourceTable, type ReadContext } from './types.ts';
