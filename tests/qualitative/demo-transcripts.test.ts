/**
 * The 16 demo transcripts (data/demo/interviews, invented) through the whole import path. Their README lists four
 * planted identifiers and two decoys with exact code-point offsets, and an emoji in P06 at code point 5076: the
 * detectors and the offset arithmetic are checked against those published numbers.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codePointToUtf16, sliceCodePoints } from '../../pipeline/qualitative/offsets.ts';
import { importParticipantsCsv } from '../../pipeline/qualitative/participants.ts';
import { getTranscript, importTranscriptFiles, type FileImportResult } from '../../pipeline/qualitative/transcripts.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';

const DIR = resolve(import.meta.dirname, '../../data/demo/interviews');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => join(DIR, f));

let warehouse: Warehouse;
let results: FileImportResult[];
beforeAll(async () => {
  warehouse = await emptyWarehouse();
  await importParticipantsCsv(warehouse.connection, join(DIR, 'participants.csv'));
  results = await importTranscriptFiles(warehouse.connection, files, {}, actor('demo'));
});
afterAll(() => warehouse.close());

describe('the demo interviews', () => {
  it('imports all 16, each linked to its participant by file name', () => {
    expect(results.map((r) => [r.file.slice(0, 3), r.participantId, r.outcome])).toEqual(
      Array.from({ length: 16 }, (_, i) => {
        const id = `P${String(i + 1).padStart(2, '0')}`;
        return [id, id, 'imported'];
      })
    );
  });

  it('finds exactly the four planted identifiers, at the published offsets, and not the two decoy numbers', () => {
    const found = results.flatMap((r) => r.proposals.map((p) => [r.file, p.kind, p.start, p.end, p.original]));
    expect(found).toEqual([
      ['P15-programme-team.txt', 'email', 13194, 13218, 'r.adeyemi@example.nhs.uk'],
      ['P15-programme-team.txt', 'phone', 13244, 13257, '020 7946 0718'],
      ['P16-programme-team.txt', 'nhs-number', 2233, 2245, '943 476 5919'],
      ['P16-programme-team.txt', 'postcode', 2318, 2324, 'W2 1NY']
    ]);
  });

  it('stores P16 with the identifiers replaced and the decoys left as they were', async () => {
    const p16 = results.find((r) => r.file.startsWith('P16'))!;
    const { text } = await getTranscript(warehouse.connection, p16.transcriptId!);
    expect(text).toContain('943 476 5918'); // the mistyped number fails modulus 11
    expect(text).toContain('401 882 3716'); // the ticket reference fails modulus 11
    expect(text).not.toContain('943 476 5919');
    expect(text).toContain('[NHS NUMBER]');
    expect(text).toContain('[POSTCODE]');
  });

  it("counts P06's emoji as one code point at 5076, UTF-16 offset 5076 and two units long", async () => {
    const p06 = results.find((r) => r.file.startsWith('P06'))!;
    const { text } = await getTranscript(warehouse.connection, p06.transcriptId!);
    expect(sliceCodePoints(text, 5076, 5077)).toBe('🙂');
    expect(codePointToUtf16(text, 5076)).toBe(5076);
    expect(codePointToUtf16(text, 5077)).toBe(5078);
  });

  it('keeps the header as a preamble and the turns by INTERVIEWER and the participant', async () => {
    const p01 = await getTranscript(warehouse.connection, results[0].transcriptId!);
    expect(p01.turns[0]).toMatchObject({ speaker: null, lineStart: 1, lineEnd: 5 });
    expect([...new Set(p01.turns.slice(1).map((t) => t.speaker))]).toEqual(['INTERVIEWER', 'P01']);
    expect(p01.turns[1]).toMatchObject({ speaker: 'INTERVIEWER', lineStart: 7, lineEnd: 7 });
  });
});
