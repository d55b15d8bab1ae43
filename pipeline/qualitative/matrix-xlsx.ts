/**
 * The framework matrix as an Excel workbook, the form teams charting by
 * hand already use: one sheet per category, a row per participant grouped by stakeholder group, a column per code.
 * Each cell holds the summary followed by the quotes it cites ([Q1] “…” — where it is); the cell's status and version
 * are its Excel note. Codings without a summary are not copied: the workbook is the charted matrix, not the coding.
 */
import ExcelJS from 'exceljs';
import { getCodebook } from './codebook.ts';
import { frameworkMatrix, type MatrixCell } from './framework-matrix.ts';
import type { Connection } from './store.ts';

/** Excel refuses sheet names over 31 characters and a few characters; numbers keep the names unique. */
export function sheetName(number: string, name: string): string {
  return `${number} ${name}`
    .replace(/[\\/?*[\]:]/g, ' ')
    .slice(0, 31)
    .trim();
}

export function cellText(cell: MatrixCell): string {
  const quotes = cell.quotes.map((q) => `[Q${q.ordinal}] “${q.text}” — ${q.reference}`);
  return [cell.summary.trim(), ...quotes].filter(Boolean).join('\n');
}

export async function matrixWorkbook(connection: Connection, options: { now?: Date } = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Uptake';
  // A fixed date keeps two exports of the same matrix byte-comparable in tests; real exports get the time they ran.
  workbook.created = workbook.modified = options.now ?? new Date();
  for (const category of await getCodebook(connection)) {
    const matrix = await frameworkMatrix(connection, category.category_id);
    const sheet = workbook.addWorksheet(sheetName(category.number, category.name), {
      views: [{ state: 'frozen', xSplit: 3, ySplit: 1 }]
    });
    sheet.columns = [
      { header: 'Stakeholder group', key: 'group', width: 18 },
      { header: 'Participant', key: 'pseudonym', width: 20 },
      { header: 'Id', key: 'id', width: 8 },
      ...matrix.columns.map((c) => ({ header: `${c.number} ${c.name}`, key: c.code_id, width: 45 }))
    ];
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
    for (const group of matrix.groups) {
      for (const row of group.rows) {
        const values: Record<string, string> = {
          group: group.group,
          pseudonym: row.participant.pseudonym,
          id: row.participant.participant_id
        };
        for (const cell of row.cells) values[cell.code_id] = cellText(cell);
        const added = sheet.addRow(values);
        added.alignment = { wrapText: true, vertical: 'top' };
        row.cells.forEach((cell, i) => {
          if (cell.version > 0) added.getCell(4 + i).note = `${cell.status}, version ${cell.version}`;
        });
      }
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
