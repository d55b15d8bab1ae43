/**
 * pipeline/files/zip-guard.ts: a real workbook passes with its entries listed; every hostile archive is refused for
 * the right reason with a message that names the entry, before anything is unpacked to disk.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  checkZipBytes,
  checkZipFile,
  DEFAULT_ZIP_LIMITS,
  unsafeEntryName,
  ZipRefusedError,
  type ZipRefusal
} from '../../pipeline/files/zip-guard.ts';
import { writeZip } from './helpers/zip-writer.ts';

async function refusal(bytes: Buffer, limits = DEFAULT_ZIP_LIMITS): Promise<{ reason: ZipRefusal; message: string }> {
  try {
    await checkZipBytes(bytes, 'upload.xlsx', limits);
  } catch (error) {
    if (error instanceof ZipRefusedError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('the archive was accepted');
}

describe('archives that pass', () => {
  test('an XLSX workbook written by exceljs, entries and sizes as stored', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('services');
    sheet.addRow(['service_id', 'service_name']);
    for (let i = 0; i < 200; i++) sheet.addRow([`S${i}`, `Service ${i}`]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const entries = await checkZipBytes(bytes);
    expect(entries.map((e) => e.name)).toContain('xl/workbook.xml');
    expect(entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    for (const entry of entries) expect(entry.method === 0 || entry.method === 8).toBe(true);
  });

  test('the same checks read from a file give the same entries', async () => {
    const bytes = writeZip([
      { name: 'a.txt', data: 'hello', method: 0 },
      { name: 'dir/b.xml', data: '<x/>'.repeat(100) }
    ]);
    const folder = mkdtempSync(join(tmpdir(), 'uptake-zip-'));
    try {
      writeFileSync(join(folder, 'x.zip'), bytes);
      const fromFile = await checkZipFile(join(folder, 'x.zip'));
      expect(fromFile).toEqual(await checkZipBytes(bytes));
      expect(fromFile.map((e) => [e.name, e.uncompressedSize, e.method])).toEqual([
        ['a.txt', 5, 0],
        ['dir/b.xml', 400, 8]
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('path traversal', () => {
  test.each([
    ['../../etc/cron.d/evil', 'points outside the archive'],
    ['xl/../../evil.xml', 'points outside the archive'],
    ['..\\..\\Windows\\evil.dll', 'points outside the archive'],
    ['/etc/passwd', 'has an absolute path'],
    ['\\server\\share\\x', 'has an absolute path'],
    ['C:/Users/x.txt', 'names a drive'],
    ['ok\u0000.xml', 'control character']
  ])('%s is refused: %s', async (name, words) => {
    const { reason, message } = await refusal(
      writeZip([
        { name: 'xl/workbook.xml', data: '<w/>' },
        { name, data: 'x' }
      ])
    );
    expect(reason).toBe('path-traversal');
    expect(message).toContain('upload.xlsx was refused: ');
    expect(message).toContain(words);
  });

  test('unsafeEntryName lets ordinary nested names through', () => {
    expect(unsafeEntryName('xl/worksheets/sheet1.xml')).toBeNull();
    expect(unsafeEntryName('Sources/abc..def.txt')).toBeNull(); // ".." inside a name is not a segment
  });

  test('a symbolic link entry is refused', async () => {
    const { reason, message } = await refusal(
      writeZip([{ name: 'link', data: '/etc/passwd', method: 0, unixMode: 0o120777 }])
    );
    expect(reason).toBe('symlink');
    expect(message).toBe('upload.xlsx was refused: the entry "link" is a symbolic link.');
  });

  test('a local header naming a different file than the table of contents is refused', async () => {
    const { reason, message } = await refusal(
      writeZip([{ name: 'xl/workbook.xml', localName: '../evil.xml', data: '<w/>' }])
    );
    expect(reason).toBe('header-mismatch');
    expect(message).toContain('is named "../evil.xml" in its local header');
  });
});

describe('zip bombs', () => {
  const zeros = Buffer.alloc(50 * 1024 * 1024); // 50 MB of zeros deflates to about 50 KB: a ratio near 1,000

  test('an entry that unpacks more than 200 times larger is refused by its declared ratio', async () => {
    const { reason, message } = await refusal(writeZip([{ name: 'xl/worksheets/sheet1.xml', data: zeros }]));
    expect(reason).toBe('ratio');
    expect(message).toMatch(
      /the entry "xl\/worksheets\/sheet1.xml" would unpack \d+ times larger than it is stored \(a zip bomb\); at most 200 times is accepted\./
    );
  });

  test('an entry that lies about its size (declares 1 KB, unpacks to 50 MB) is caught by counting while inflating', async () => {
    const { reason, message } = await refusal(writeZip([{ name: 'big.xml', data: zeros, declaredSize: 1024 }]));
    expect(reason).toBe('size-mismatch');
    expect(message).toBe(
      'upload.xlsx was refused: the entry "big.xml" unpacks to more or less than the 1024 bytes it declares.'
    );
  });

  test('entries sharing the same compressed data (the overlapping-file bomb) are refused', async () => {
    const { reason, message } = await refusal(
      writeZip([
        // Fifield's construction overlaps the entries' data; the simplest overlap is two records on one local header.
        { name: 'a.xml', data: 'x'.repeat(1000) },
        { name: 'a.xml', data: 'x'.repeat(1000), shareWith: 0 }
      ])
    );
    expect(reason).toBe('overlapping-entries');
    expect(message).toContain('share compressed data (a zip bomb)');
  });

  test('limits on entries and total size', async () => {
    const many = writeZip(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' })));
    expect(await refusal(many, { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 })).toEqual({
      reason: 'too-many-entries',
      message: 'upload.xlsx was refused: it holds 11 entries; at most 10 are accepted.'
    });
    const total = writeZip([
      { name: 'a', data: 'y'.repeat(600) },
      { name: 'b', data: 'y'.repeat(600) }
    ]);
    expect((await refusal(total, { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 1000 })).reason).toBe('total-too-large');
    expect((await refusal(total, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: 500 })).reason).toBe('entry-too-large');
  });
});

describe('archives that cannot be inspected', () => {
  test('encrypted entries, other compression methods, and files that are not ZIP archives', async () => {
    expect((await refusal(writeZip([{ name: 'a.xml', data: 'x', flags: 1 }]))).reason).toBe('encrypted');
    const bzip = writeZip([{ name: 'a.xml', data: 'x', method: 0 }]);
    bzip.writeUInt16LE(12, 30 + 5 + 1 + 10); // the central record's method field (after a 36-byte local entry): 12, bzip2
    expect((await refusal(bzip)).reason).toBe('unsupported-compression');
    expect(await refusal(Buffer.from('service_id,service_name\nS1,One\n'))).toEqual({
      reason: 'not-a-zip',
      message: 'upload.xlsx was refused: it is not a ZIP archive (no end-of-archive record).'
    });
  });
});

describe('the callers', () => {
  test('a .qdpx import (pipeline/refi-qda) goes through the guard: a symbolic link jszip would read is refused', async () => {
    const { readZipSafely, UnsafeArchiveError } = await import('../../pipeline/refi-qda/zip.ts');
    const archive = writeZip([
      { name: 'project.qde', data: '<Project/>' },
      { name: 'Sources/link.txt', data: '/etc/passwd', method: 0, unixMode: 0o120777 }
    ]);
    await expect(readZipSafely(archive)).rejects.toThrow(
      new UnsafeArchiveError('The archive was refused: the entry "Sources/link.txt" is a symbolic link.')
    );
  });

  test('an .xlsx load (pipeline/load) goes through the guard: the batch is rejected with the reason, nothing loaded', async () => {
    const { openWarehouse } = await import('../../pipeline/warehouse/open.ts');
    const { loadPaths } = await import('../../pipeline/load/load.ts');
    const folder = mkdtempSync(join(tmpdir(), 'uptake-zip-load-'));
    const warehouse = await openWarehouse(join(folder, 'w.duckdb'));
    try {
      writeFileSync(
        join(folder, 'services.xlsx'),
        writeZip([
          { name: 'xl/workbook.xml', data: '<w/>' },
          { name: '../../evil.xml', data: 'x' }
        ])
      );
      const report = await loadPaths(warehouse, [join(folder, 'services.xlsx')], { rawDir: join(folder, 'raw') });
      expect(report.outcome).toBe('rejected');
      expect(report.problems.map((p) => [p.file, p.rule, p.message])).toEqual([
        [
          'services.xlsx',
          'unsafe-archive',
          'The workbook was refused before it was opened: the entry "../../evil.xml" points outside the archive\'s folder (path traversal).'
        ]
      ]);
    } finally {
      warehouse.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
