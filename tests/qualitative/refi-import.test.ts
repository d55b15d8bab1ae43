import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getCodebook } from '../../pipeline/qualitative/codebook.ts';
import { listCodings } from '../../pipeline/qualitative/coding.ts';
import { listMemos } from '../../pipeline/qualitative/memos.ts';
import { listParticipants } from '../../pipeline/qualitative/participants.ts';
import { listParticipantAttributes } from '../../pipeline/qualitative/attributes.ts';
import { getTranscript, listTranscripts } from '../../pipeline/qualitative/transcripts.ts';
import { importRefiBytes } from '../../pipeline/refi-qda/import.ts';
import { normaliseSourceText } from '../../pipeline/refi-qda/read.ts';
import { isUnsafeEntryName, readZipSafely, UnsafeArchiveError } from '../../pipeline/refi-qda/zip.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { emptyWarehouse } from './helpers.ts';
import { zipOf } from './refi.ts';

let warehouse: Warehouse;
beforeEach(async () => (warehouse = await emptyWarehouse()));
afterEach(() => warehouse.close());

const SOURCE = 'AAAAAAAA-1111-2222-3333-444444444444';
const CODE = '{0B0B0B0B-1111-2222-3333-444444444444}';
const PARENT = '5c5c5c5c-1111-2222-3333-444444444444';

/**
 * A project as another tool might write it. Options put in the quirks one at a time. The text is
 * "Line one 😀\r\nLine two" when crlf is set (positions then count CRLF per the origin), else with \n.
 */
function project(options: { namespace?: string; origin?: string; selection?: [number, number]; bom?: boolean } = {}) {
  const ns =
    options.namespace === undefined
      ? ' xmlns="urn:QDA-XML:project:1.0"'
      : options.namespace
        ? ` xmlns="${options.namespace}"`
        : '';
  const [start, end] = options.selection ?? [9, 10];
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<Project${ns} name="Elsewhere" origin="${options.origin ?? 'OtherTool 3'}">
  <Users><User guid="{11111111-2222-3333-4444-555555555555}" name="Dana"/></Users>
  <CodeBook><Codes>
    <Code guid="${PARENT}" name="Barriers" isCodable="true">
      <Code guid="${CODE}" name="Emoji" isCodable="true"><Description>Where the smile is</Description></Code>
      <Code guid="c001" name="Hand-made id" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{${SOURCE}}" name="Interview 7" plainTextPath="internal://${SOURCE}.txt">
      <PlainTextSelection guid="{99999999-8888-7777-6666-555555555555}" startPosition="${start}" endPosition="${end}" creatingUser="{11111111-2222-3333-4444-555555555555}">
        <Coding guid="{77777777-8888-7777-6666-555555555555}" creatingUser="{11111111-2222-3333-4444-555555555555}"><CodeRef targetGUID="${CODE}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>`;
  return (options.bom ? '\uFEFF' : '') + xml;
}

const text = (crlf: boolean, bom = false) =>
  new TextEncoder().encode(`${bom ? '\uFEFF' : ''}Line one 😀${crlf ? '\r\n' : '\n'}Line two`);

async function importArchive(entries: Record<string, string | Uint8Array>, options = {}) {
  return importRefiBytes(warehouse.connection, await zipOf(entries), 'elsewhere.qdpx', options);
}

describe('importing what real tools write', () => {
  it('brace GUIDs, uppercase GUIDs, a non-GUID id, Project.qde and Sources/ (ATLAS.ti 8.4 style): carried, every deviation reported', async () => {
    const report = await importArchive({ 'Project.qde': project(), [`Sources/${SOURCE}.txt`]: text(false) });
    const braces = (where: string, guid: string) => `${where}: GUID in braces {${guid}}`;
    expect(report.deviations.map((d) => d.message)).toEqual([
      'The project file is named Project.qde (the standard says project.qde)',
      'The sources folder is named Sources/ (the standard says sources/)',
      braces('Code "Emoji"', '0B0B0B0B-1111-2222-3333-444444444444'),
      'Code "Hand-made id": "c001" is not a GUID; it was given the GUID 74b178fa-1c3b-517d-8f3f-200c01a5973b',
      braces('User "Dana"', '11111111-2222-3333-4444-555555555555'),
      braces('Source "Interview 7"', SOURCE),
      braces('A selection in "Interview 7"', '99999999-8888-7777-6666-555555555555'),
      braces('A coding of the selection 9–10 in "Interview 7"', '77777777-8888-7777-6666-555555555555'),
      braces('The CodeRef of a coding of the selection 9–10 in "Interview 7"', '0B0B0B0B-1111-2222-3333-444444444444'),
      braces('A coding creatingUser', '11111111-2222-3333-4444-555555555555'),
      braces('A selection creatingUser', '11111111-2222-3333-4444-555555555555')
    ]);
    expect(report.notCarried).toEqual([]);
    // Nothing added: no Other code. The codable top-level "Barriers" is a category and (codable) its own code.
    expect(report.counts).toMatchObject({ sources: 1, codings: 1, categories: 1, codes: 3 });
    const [transcript] = await listTranscripts(warehouse.connection);
    expect(transcript.transcript_id).toBe(SOURCE.toLowerCase());
    const [coding] = await listCodings(warehouse.connection, transcript.transcript_id);
    expect([coding.code_name, coding.coder, coding.text, coding.start_cp, coding.end_cp]).toEqual([
      'Emoji',
      'Dana',
      '😀',
      9,
      10
    ]);
    const [category] = await getCodebook(warehouse.connection);
    expect([category.name, category.codes.map((c) => [c.name, c.definition])]).toEqual([
      'Barriers',
      [
        ['Barriers', null],
        ['Emoji', 'Where the smile is'],
        ['Hand-made id', null]
      ]
    ]);
  });

  it('a BOM before <?xml and in the source text: stripped before counting, reported', async () => {
    const report = await importArchive({
      'project.qde': project({ bom: true }),
      [`sources/${SOURCE}.txt`]: text(false, true)
    });
    expect(report.deviations.filter((d) => d.kind === 'bom').map((d) => d.message)).toEqual([
      'The project file starts with a byte-order mark',
      'Source "Interview 7" starts with a byte-order mark; it was removed before counting positions'
    ]);
    const [coding] = await listCodings(warehouse.connection, SOURCE.toLowerCase());
    expect(coding.text).toBe('😀');
  });

  it('CRLF counted as two characters by default, as one for ATLAS.ti; the text is stored with LF either way', async () => {
    // "Line two" starts at code point 12 counting CRLF as two, 11 counting it as one (and in the stored LF text).
    await importArchive({ 'project.qde': project({ selection: [12, 16] }), [`sources/${SOURCE}.txt`]: text(true) });
    expect((await listCodings(warehouse.connection, SOURCE.toLowerCase()))[0].text).toBe('Line');
    expect((await getTranscript(warehouse.connection, SOURCE.toLowerCase())).text).toBe('Line one 😀\nLine two');

    const other = await emptyWarehouse();
    try {
      const report = await importRefiBytes(
        other.connection,
        await zipOf({
          'project.qde': project({ selection: [11, 15], origin: 'ATLAS.ti 9' }),
          [`sources/${SOURCE}.txt`]: text(true)
        }),
        'a.qdpx'
      );
      expect(report.deviations.find((d) => d.kind === 'crlf')!.message).toBe(
        'Source "Interview 7" has CRLF line breaks; positions were counted with each as one character (ATLAS.ti) and the text stored with LF'
      );
      expect((await listCodings(other.connection, SOURCE.toLowerCase()))[0].text).toBe('Line');
    } finally {
      other.close();
    }
  });

  it('maps CRLF-counted positions to the LF text exactly around the break', () => {
    const { text: lf, mapPosition } = normaliseSourceText('ab\r\ncd\r\ne', 2);
    expect(lf).toBe('ab\ncd\ne');
    expect([0, 2, 3, 4, 6, 7, 8, 9].map(mapPosition)).toEqual([0, 2, 2, 3, 5, 5, 6, 7]); // 2 (\r) and 3 (\n) are both the one LF at 2
  });

  it('a selection past the end is cut at the end; one that starts past the end is not carried; both reported', async () => {
    const report = await importArchive({
      'project.qde': project({ selection: [9, 400] }),
      [`sources/${SOURCE}.txt`]: text(false)
    });
    expect(report.deviations.find((d) => d.kind === 'selection-past-end')!.message).toBe(
      'The selection 9–400 in "Interview 7" ends past the end of the text (19 code points); it was cut at the end'
    );
    expect((await listCodings(warehouse.connection, SOURCE.toLowerCase()))[0].text).toBe('😀\nLine two');

    const other = await emptyWarehouse();
    try {
      const report2 = await importRefiBytes(
        other.connection,
        await zipOf({ 'project.qde': project({ selection: [19, 25] }), [`sources/${SOURCE}.txt`]: text(false) }),
        'b.qdpx'
      );
      expect(report2.notCarried).toEqual([
        {
          what: 'selection',
          name: 'selection 19–25 in "Interview 7"',
          reason: 'it starts past the end of the text (19 code points)'
        }
      ]);
      expect(report2.counts.codings).toBe(0);
    } finally {
      other.close();
    }
  });

  it('namespace variants and a namespace-less root are read, and reported', async () => {
    const report = await importArchive({
      'project.qde': project({ namespace: 'urn:QDA-XML:project:0:10' }),
      [`sources/${SOURCE}.txt`]: text(false)
    });
    expect(report.deviations.find((d) => d.kind === 'namespace')!.message).toBe(
      "The <Project> root's namespace is urn:QDA-XML:project:0:10 (expected urn:QDA-XML:project:1.0)"
    );
    expect(report.counts.codings).toBe(1);
    const other = await emptyWarehouse();
    try {
      const r2 = await importRefiBytes(
        other.connection,
        await zipOf({ 'project.qde': project({ namespace: '' }), [`sources/${SOURCE}.txt`]: text(false) }),
        'c.qdpx'
      );
      expect(r2.deviations.find((d) => d.kind === 'namespace')!.message).toBe(
        'The <Project> root has no namespace (expected urn:QDA-XML:project:1.0)'
      );
    } finally {
      other.close();
    }
  });

  it("NVivo Mac's sources/.root and a project file named after the project (ATLAS.ti 26) are tolerated", async () => {
    const report = await importArchive({
      'Trial.qde': project(),
      'sources/.root': '',
      [`sources/${SOURCE}.txt`]: text(false)
    });
    expect(report.deviations.slice(0, 2).map((d) => d.message)).toEqual([
      'The archive entry sources/.root was ignored',
      'The project file is named Trial.qde (the standard says project.qde)'
    ]);
    expect(report.counts.sources).toBe(1);
  });

  it('reports what it cannot carry (a PDF source, links), lists a missing source text, keeps another case variable as an attribute', async () => {
    const xml = `<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">
      <Variables><Variable guid="${PARENT}" name="Age band" typeOfVariable="Text"/></Variables>
      <Cases><Case guid="${SOURCE}" name="P07"><VariableValue><VariableRef targetGUID="${PARENT}"/><TextValue>40-49</TextValue></VariableValue></Case></Cases>
      <Sources>
        <TextSource guid="12345678-1234-1234-1234-123456789abc" name="Lost" plainTextPath="internal://12345678-1234-1234-1234-123456789abc.txt"/>
        <PDFSource guid="22345678-1234-1234-1234-123456789abc" name="Scan" path="internal://x.pdf"/>
      </Sources>
      <Links><Link guid="32345678-1234-1234-1234-123456789abc"/></Links>
    </Project>`;
    const report = await importArchive({ 'project.qde': xml });
    expect(report.notCarried).toEqual([
      { what: 'links', name: null, reason: '1 links are not carried (Uptake has no links between items)' },
      {
        what: 'source text',
        name: 'Lost',
        reason:
          'its text internal://12345678-1234-1234-1234-123456789abc.txt is not in the archive; the transcript is kept without text, with its 0 codings, until the text is imported'
      },
      {
        what: 'source',
        name: 'Scan',
        reason: 'PDFSource sources are not carried (Uptake reads text transcripts only)'
      }
    ]);
    expect(await listParticipantAttributes(warehouse.connection)).toEqual([
      { participant_id: 'P07', name: 'Age band', value: '40-49', value_type: 'Text', set_id: null }
    ]);
    expect((await listParticipants(warehouse.connection)).map((p) => [p.participant_id, p.pseudonym])).toEqual([
      ['P07', 'P07']
    ]);
  });

  it('a note nothing refers to becomes a project memo; a source Description (ATLAS.ti comments) a transcript memo', async () => {
    const xml = project()
      .replace(
        `plainTextPath="internal://${SOURCE}.txt">`,
        `plainTextPath="internal://${SOURCE}.txt"><Description>Recorded by phone</Description>`
      )
      .replace(
        '</Sources>',
        '</Sources><Notes><Note guid="42345678-1234-1234-1234-123456789abc" name="Loose"><PlainTextContent>A thought</PlainTextContent></Note></Notes>'
      );
    const report = await importArchive({ 'project.qde': xml, [`sources/${SOURCE}.txt`]: text(false) });
    expect(
      report.deviations
        .filter((d) => ['description-as-memo', 'unreferenced-note'].includes(d.kind))
        .map((d) => d.message)
    ).toEqual([
      'The description of "Interview 7" was carried as a memo on the transcript',
      'Nothing refers to the note "Loose"; it was carried as a project memo'
    ]);
    expect((await listMemos(warehouse.connection)).map((m) => [m.target_kind, m.title, m.body]).sort()).toEqual([
      ['project', 'Loose', 'A thought'],
      ['transcript', 'Description', 'Recorded by phone']
    ]);
  });

  it('refuses an archive with two .qde files or none', async () => {
    await expect(importArchive({ 'a.qde': project(), 'b.qde': project() })).rejects.toThrow(
      'The archive has 2 .qde files at its root (a.qde, b.qde); a project has one'
    );
    await expect(importArchive({ 'readme.txt': 'x' })).rejects.toThrow('The archive has no .qde file at its root');
  });
});

describe('hostile archives', () => {
  it('refuses path traversal and absolute paths, and reads nothing', async () => {
    expect(
      ['../evil.txt', 'sources/../../evil', '/etc/passwd', 'C:\\evil', '\\\\server\\share'].map(isUnsafeEntryName)
    ).toEqual([true, true, true, true, true]);
    expect(['sources/a.txt', 'project.qde', 'sources/..hidden'].map(isUnsafeEntryName)).toEqual([false, false, false]);
    const archive = await zipOf({ 'project.qde': project(), '../../outside.txt': 'x' });
    await expect(importRefiBytes(warehouse.connection, archive, 'x.qdpx')).rejects.toThrow(
      'The archive names a file outside itself ("../../outside.txt"); nothing was read'
    );
    expect(await listTranscripts(warehouse.connection)).toEqual([]);
  });

  it('refuses too many entries before parsing, and more uncompressed bytes than allowed while inflating', async () => {
    const many = await zipOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'x'])));
    await expect(readZipSafely(many, { maxEntries: 20, maxTotalBytes: 1e6 })).rejects.toThrow(
      'The archive has 30 entries; at most 20 are read'
    );
    // 2 MB of zeros deflates to a few kilobytes: a small bomb.
    const bomb = await zipOf({ 'project.qde': new Uint8Array(2_000_000) });
    expect(bomb.length).toBeLessThan(10_000);
    await expect(readZipSafely(bomb, { maxEntries: 20, maxTotalBytes: 1_000_000 })).rejects.toBeInstanceOf(
      UnsafeArchiveError
    );
    await expect(readZipSafely(new Uint8Array(100), { maxEntries: 20, maxTotalBytes: 1e6 })).rejects.toThrow(
      'This is not a ZIP archive'
    );
  });
});
