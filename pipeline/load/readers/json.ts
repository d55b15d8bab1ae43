/**
 * JSON exports: either an array of row objects (the file name decides the kind, like a CSV) or an object whose keys
 * name tables, each an array of row objects (like the sheets of a workbook). `row` in problems is the record's
 * position counted as a spreadsheet would (first record = row 2), so messages read the same for every format.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ReadError, textTable, uniqueHeaders, type ReadContext, type SourceTable } from './types.ts';

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export async function readJson(ctx: ReadContext, path: string, label = basename(path)): Promise<SourceTable[]> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ReadError(label, 'malformed-json', `The file is not valid JSON: ${(error as Error).message}`);
  }
  const groups: [string, string, unknown][] = Array.isArray(data)
    ? [[label, basename(label, extname(label)), data]]
    : data && typeof data === 'object'
      ? Object.entries(data).map(([k, v]) => [`${label}#${k}`, k, v] as [string, string, unknown])
      : [];
  if (!groups.length)
    throw new ReadError(
      label,
      'malformed-json',
      'The JSON must be an array of rows, or an object of named arrays of rows.'
    );
  const tables: SourceTable[] = [];
  let n = 0;
  for (const [tableLabel, name, records] of groups) {
    if (!Array.isArray(records) || records.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) {
      throw new ReadError(tableLabel, 'malformed-json', `"${name}" must be an array of objects, one per row.`);
    }
    const keys = [...new Set(records.flatMap((r) => Object.keys(r as object)))];
    const headers = uniqueHeaders(keys);
    const rows = records.map((r, i) => ({
      row: i + 2,
      cells: keys.map((k) => text((r as Record<string, unknown>)[k]))
    }));
    const table = `${ctx.tempPrefix}_json_${n++}`;
    if (headers.length) await textTable(ctx, table, headers, rows);
    tables.push({
      label: tableLabel,
      name,
      headers,
      relation: headers.length ? `"${table}"` : '',
      rowCount: rows.length,
      rowNumbers: 'column'
    });
  }
  return tables;
}
