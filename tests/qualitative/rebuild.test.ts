/** `rebuild` recreates the landed tables from data/raw/ and must carry the workbench's user-authored rows across. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildWarehouse } from '../../pipeline/load/rebuild.ts';
import { QUALITATIVE_TABLES } from '../../pipeline/qualitative/schema.ts';
import { addCoding } from '../../pipeline/qualitative/coding.ts';
import { addCellQuote, saveCellSummary } from '../../pipeline/qualitative/matrix.ts';
import { addMemo } from '../../pipeline/qualitative/memos.ts';
import { USER_AUTHORED_TABLES } from '../../pipeline/warehouse/open.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { snapshot } from './refi.ts';
import { smallStudy } from './study.ts';

describe('rebuild keeps the interviews workbench', () => {
  it('lists every qualitative table as user-authored', () => {
    for (const table of QUALITATIVE_TABLES) expect(USER_AUTHORED_TABLES).toContain(table);
  });

  it('participants, transcripts, codes, codings, memos, cells and quotes are the same after a rebuild', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'uptake-rebuild-'));
    const db = join(folder, 'uptake.duckdb');
    const warehouse = await openWarehouse(db);
    const { governance, transcripts, amy } = await smallStudy(warehouse.connection);
    const coding = await addCoding(
      warehouse.connection,
      { transcriptId: transcripts.P01, start: 3, end: 19, codeId: governance.code_id },
      amy
    );
    await addMemo(warehouse.connection, { target: { kind: 'code', codeId: governance.code_id }, body: 'Keep' }, amy);
    await addCellQuote(warehouse.connection, 'P01', governance.code_id, { codingId: coding.coding_id }, amy);
    await saveCellSummary(
      warehouse.connection,
      { participantId: 'P01', codeId: governance.code_id, summary: 'IG [Q1]' },
      amy
    );
    const before = await snapshot(warehouse.connection);
    warehouse.close();
    await rebuildWarehouse(db, { rawDir: join(folder, 'raw') });
    const after = await openWarehouse(db);
    try {
      expect(await snapshot(after.connection)).toEqual(before);
    } finally {
      after.close();
    }
  });
});
