/**
 * XLSX workbooks through exceljs, one SourceTable per sheet (the sheet name decides the kind). DuckDB's excel extension
 * is not available offline (docs/toolchain.md), so cells go through the appender as text. A date-formatted cell arrives
 * as a JS Date and is written as ISO; a number as its plain decimal text (an Excel serial date stays a number and
 * is recognised by the date parser).
 */
import ExcelJS from 'exceljs';
import { basename } from 'node:path';
import { ReadError, textTable, uniqueHeaders, type ReadContext, type SourceTable } from './types.ts';
import { checkZipFile, ZipRefusedError } from '../../files/zip-guard.ts';

function cellText(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

export async function readXlsx(ctx: ReadContext, path: string, label = basename(path)): Promise<SourceTable[]> {
  // A workbook is a ZIP archive: refuse a zip bomb or a path-traversal entry before exceljs unpacks anything.
  try {
    await checkZipFile(path, label);
  } catch (error) {
    if (error instanceof ZipRefusedError)
      throw new ReadError(label, 'unsafe-archive', `The workbook was refused before it was opened: ${error.detail}`);
    throw error;
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw new ReadError(
      label,
      'malformed-xlsx',
      `The file could not be read as an XLSX workbook: ${(error as Error).message}`
    );
  }
  const tables: SourceTable[] = [];
  let n = 0;
  for (const sheet of workbook.worksheets) {
    const headerRow = sheet.getRow(1);
    const rawHeaders: string[] = [];
    headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
      rawHeaders[col - 1] = cellText(cell.value) ?? '';
    });
    while (rawHeaders.length && rawHeaders[rawHeaders.length - 1].trim() === '') rawHeaders.pop();
    const headers = uniqueHeaders(rawHeaders);
    const rows: { row: number; cells: (string | null)[] }[] = [];
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells = headers.map((_, i) => cellText(row.getCell(i + 1).value));
      if (cells.every((c) => c === null || c.trim() === '')) return; // blank rows at the end of a sheet
      rows.push({ row: rowNumber, cells });
    });
    const table = `${ctx.tempPrefix}_xlsx_${n++}`;
    if (headers.length) await textTable(ctx, table, headers, rows);
    tables.push({
      label: `${label}#${sheet.name}`,
      name: sheet.name,
      headers,
      relation: headers.length ? `"${table}"` : '',
      rowCount: rows.length,
      rowNumbers: 'column'
    });
  }
  return tables;
}
