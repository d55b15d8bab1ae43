/**
 * A REFI-QDA file that unpacks to far more than a real project is refused with the limit it passed, and reading runs
 * on a worker thread that is stopped at the time limit. (That other requests keep answering while an import is read
 * is shown by bench/faults-under-traffic.ts; timings are not asserted in tests on this shared machine.)
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliEffects } from '../../pipeline/cli/effects.ts';
import { runCli } from '../../pipeline/cli/program.ts';
import { importRefiBytes, importRefiProject } from '../../pipeline/refi-qda/import.ts';
import { IMPORT_LIMITS, ImportLimitError } from '../../pipeline/refi-qda/limits.ts';
import { readRefi } from '../../pipeline/refi-qda/read.ts';
import { readRefiInWorker } from '../../pipeline/refi-qda/read-worker.ts';
import { getCodebook } from '../../pipeline/qualitative/codebook.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { emptyWarehouse } from './helpers.ts';
import { zipOf } from './refi.ts';
import { codeBombQdpx } from './refi-bomb.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

const PROJECT_OPEN = '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="P">';

/** A codebook nested `depth` codes deep. */
function nestedCodebook(depth: number): string {
  let codes = '';
  for (let i = depth - 1; i >= 0; i--)
    codes = `<Code guid="00000000-0000-4000-8000-${String(i).padStart(12, '0')}" name="Level ${i}" isCodable="true">${codes}</Code>`;
  return `<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>${codes}</Codes></CodeBook>`;
}

/** A project with two transcripts of `characters` characters each. */
async function twoTranscripts(characters: number): Promise<Uint8Array> {
  const ids = ['11111111-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000002'];
  const sources = ids
    .map((id, i) => `<TextSource guid="${id}" name="Interview ${i + 1}" plainTextPath="internal://${id}.txt"/>`)
    .join('');
  return zipOf({
    'project.qde': `${PROJECT_OPEN}<Sources>${sources}</Sources></Project>`,
    [`sources/${ids[0]}.txt`]: 'a'.repeat(characters),
    [`sources/${ids[1]}.txt`]: 'b'.repeat(characters)
  });
}

describe('REFI-QDA import limits', () => {
  it('refuses a 3 MB .qdpx that unpacks to 500 MB of <Code> elements, before inflating it, naming the limit', async () => {
    const bomb = codeBombQdpx(6_200_000);
    // The file of the attack: about 3 MB, 500 MB of XML, a ratio the ZIP guard accepts (it refuses above 200).
    expect(bomb.bytes.length).toBeLessThan(3.5 * 1024 * 1024);
    expect(bomb.xmlBytes).toBeGreaterThan(500 * 1000 * 1000);
    expect(bomb.ratio).toBeGreaterThan(150);
    expect(bomb.ratio).toBeLessThan(200);
    const refusal = readRefiInWorker(bomb.bytes, 'codes.qdpx');
    await expect(refusal).rejects.toBeInstanceOf(ImportLimitError);
    await expect(refusal).rejects.toThrow(
      'The project file project.qde unpacks to 478.9 MB of XML; Uptake reads at most 64.0 MB (limit: project XML size). Nothing was imported.'
    );
    expect(await getCodebook(warehouse.connection)).toEqual([]);
  }, 120_000);

  it('refuses project XML over the size limit (a lowered limit: 100,000 bytes against 117,593)', async () => {
    const file = codeBombQdpx(1_450);
    expect(file.xmlBytes).toBe(117_593);
    await expect(
      importRefiBytes(warehouse.connection, file.bytes, 'codes.qdpx', { limits: { maxXmlBytes: 100_000 } })
    ).rejects.toThrow(
      'The project file project.qde unpacks to 0.1 MB of XML; Uptake reads at most 0.1 MB (limit: project XML size). Nothing was imported.'
    );
  });

  it('refuses a codebook (.qdc, plain XML) over the size limit', async () => {
    const xml = new TextEncoder().encode(nestedCodebook(10));
    await expect(readRefi(xml, 'big.qdc', { limits: { maxXmlBytes: xml.length - 1 } })).rejects.toMatchObject({
      name: 'ImportLimitError',
      limit: 'maxXmlBytes'
    });
    await expect(readRefi(xml, 'big.qdc', { limits: { maxXmlBytes: xml.length } })).resolves.toBeTruthy();
  });

  it('refuses more elements than the limit, counting while parsing: 2,003 elements against 2,000', async () => {
    // Project, CodeBook, Codes and 2,000 codes: 2,003 elements.
    const file = codeBombQdpx(2_000);
    await expect(
      importRefiBytes(warehouse.connection, file.bytes, 'codes.qdpx', { limits: { maxElements: 2_000 } })
    ).rejects.toThrow(
      'The project file has more than 2,000 XML elements; Uptake reads at most 2,000 (limit: number of XML elements). Nothing was imported.'
    );
    expect(await getCodebook(warehouse.connection)).toEqual([]);
    // One more allowed, and it reads: 125 distinct codes (the GUID changes every 16th line).
    const read = await readRefi(file.bytes, 'codes.qdpx', { limits: { maxElements: 2_003 } });
    expect(read.project.codes).toHaveLength(2_000);
    expect(new Set(read.project.codes.map((c) => c.guid)).size).toBe(125);
  });

  it('refuses codes nested deeper than the limit (65 levels against 64), where it once recursed without bound', async () => {
    // Codes sit under CodeBook and Codes, so 62 nested codes reach depth 64 and 63 pass it.
    await expect(readRefi(new TextEncoder().encode(nestedCodebook(62)), 'deep.qdc')).resolves.toBeTruthy();
    await expect(readRefi(new TextEncoder().encode(nestedCodebook(63)), 'deep.qdc')).rejects.toThrow(
      'The codebook nests elements more than 64 deep; Uptake reads at most 64 levels (limit: XML nesting depth). Nothing was imported.'
    );
    expect(IMPORT_LIMITS.maxDepth).toBe(64);
  });

  it('refuses transcripts whose text together passes the limit (2 × 60,000 bytes against 100,000)', async () => {
    const file = await twoTranscripts(60_000);
    await expect(
      importRefiBytes(warehouse.connection, file, 'two.qdpx', { limits: { maxSourceTextBytes: 100_000 } })
    ).rejects.toMatchObject({ name: 'ImportLimitError', limit: 'maxSourceTextBytes' });
    const read = await readRefi(file, 'two.qdpx', { limits: { maxSourceTextBytes: 120_000 } });
    expect(read.project.sources.map((s) => s.text?.length)).toEqual([60_000, 60_000]);
  });
});

describe('reading on a worker thread', () => {
  it('gives the same result as reading in-process, and the writer imports it', async () => {
    const file = codeBombQdpx(64); // 4 distinct codes, each repeated 16 times
    const inWorker = await readRefiInWorker(file.bytes, 'codes.qdpx');
    const inProcess = await readRefi(file.bytes, 'codes.qdpx');
    expect(inWorker).toEqual(inProcess);
    const report = await importRefiProject(warehouse.connection, inWorker);
    expect(report.counts.codes).toBe(4);
  });

  it('stops a read that passes the time limit, naming it', async () => {
    const file = codeBombQdpx(200_000); // 16 MB of XML: reading takes well over a second
    const refusal = readRefiInWorker(file.bytes, 'slow.qdpx', { limits: { maxSeconds: 0.05 } });
    await expect(refusal).rejects.toBeInstanceOf(ImportLimitError);
    await expect(refusal).rejects.toThrow(
      'Reading slow.qdpx took longer than 0.05 seconds; it was stopped (limit: import time). Nothing was imported.'
    );
  }, 60_000);
});

describe('uptake qda import', () => {
  it('refuses the 500 MB-of-codes file with exit 1 and one line naming the limit, and creates no database', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'uptake-refi-limits-'));
    try {
      const file = join(folder, 'codes.qdpx');
      writeFileSync(file, codeBombQdpx(6_200_000).bytes);
      let stdout = '';
      let stderr = '';
      const effects: CliEffects = {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        isTTY: false,
        env: {}
      };
      const code = await runCli(['--db', join(folder, 'uptake.duckdb'), 'qda', 'import', file], effects);
      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'uptake: The project file project.qde unpacks to 478.9 MB of XML; Uptake reads at most 64.0 MB (limit: project XML size). Nothing was imported.\n'
      });
      expect(existsSync(join(folder, 'uptake.duckdb'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
