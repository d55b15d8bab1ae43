/**
 * Round trips of projects shaped like those real tools write (tests/fixtures/refi-qda/): import → export → import
 * gives the same codes (count, hierarchy, names, descriptions, colours, codable or not), sources, selections, codings,
 * sets and notes, and the export validates against Project.xsd.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportProject, qdpxArchive } from '../../pipeline/refi-qda/export.ts';
import { filesBeside, importRefiBytes, importRefiFile } from '../../pipeline/refi-qda/import.ts';
import { readRefi } from '../../pipeline/refi-qda/read.ts';
import type { RefiCode, RefiProject } from '../../pipeline/refi-qda/model.ts';
import { listCodings } from '../../pipeline/qualitative/coding.ts';
import { getTranscript, listTranscriptsMissingText } from '../../pipeline/qualitative/transcripts.ts';
import { listParticipantAttributes } from '../../pipeline/qualitative/attributes.ts';
import { listCodeGroups } from '../../pipeline/qualitative/code-groups.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { emptyWarehouse } from './helpers.ts';
import { snapshot, validate, zipOf } from './refi.ts';
import { bareQdePath, shapeArchive, SHAPES_DIR, type Shape } from './refi-shapes.ts';
import JSZip from 'jszip';

let first: Warehouse;
let second: Warehouse;
beforeEach(async () => {
  first = await emptyWarehouse();
  second = await emptyWarehouse();
});
afterEach(() => {
  first.close();
  second.close();
});

const codeTree = (codes: RefiCode[]): unknown[] =>
  codes.map((c) => ({
    guid: c.guid,
    name: c.name,
    isCodable: c.isCodable,
    color: c.color,
    description: c.description,
    noteRefs: c.noteRefs,
    children: codeTree(c.children)
  }));
const countCodes = (codes: RefiCode[]): number => codes.reduce((n, c) => n + 1 + countCodes(c.children), 0);
const theirSets = (p: RefiProject) =>
  p.sets
    .filter((s) => !/^(Framework matrix|Stakeholder group): /.test(s.name))
    .map((s) => ({ ...s, memberSources: [...s.memberSources].sort(), memberCodes: s.memberCodes }))
    .sort((a, b) => a.guid.localeCompare(b.guid));
const selections = (p: RefiProject) =>
  p.sources
    .map((s) => ({
      source: s.guid,
      name: s.name,
      spans: s.selections
        .map((sel) => ({
          start: sel.start,
          end: sel.end,
          codings: sel.codings.map((c) => [c.guid, c.codeGuid]).sort(),
          notes: sel.noteRefs
        }))
        .sort((a, b) => a.start - b.start || a.end - b.end)
    }))
    .sort((a, b) => a.source.localeCompare(b.source));

/** import (first) → export → import (second); returns both reads, the reports, and the export. */
async function roundTrip(shape: Shape) {
  let original: RefiProject;
  let firstReport;
  if (shape === 'bare-qde') {
    firstReport = await importRefiFile(first.connection, bareQdePath());
    original = (await readRefi(readFileSync(bareQdePath()), 'project.qde', { besideFiles: filesBeside(bareQdePath()) }))
      .project;
  } else {
    const { name, bytes } = await shapeArchive(shape);
    firstReport = await importRefiBytes(first.connection, bytes, name);
    original = (await readRefi(bytes, name)).project;
  }
  const exported = await exportProject(first.connection);
  const archive = await qdpxArchive(exported);
  const secondReport = await importRefiBytes(second.connection, archive, 'again.qdpx');
  const again = (await readRefi(archive, 'again.qdpx')).project;
  return { original, again, exported, firstReport, secondReport };
}

describe.each(['qc', 'nvivo-mac', 'atlas-ti', 'maxqda', 'bare-qde'] as const)('round trip of the %s shape', (shape) => {
  it('import → export → import keeps codes, sources, selections, codings, sets and notes; the export validates', async () => {
    const { original, again, exported, secondReport } = await roundTrip(shape);
    expect(validate(exported.xml, 'Project.xsd')).toEqual({ ok: true, output: '<file> validates' });
    // The codebook goes out exactly as it came in: same GUIDs, names, hierarchy, descriptions, colours, codability.
    expect(codeTree(again.codes)).toEqual(codeTree(original.codes));
    expect(countCodes(again.codes)).toBe(countCodes(original.codes));
    expect(theirSets(again)).toEqual(theirSets(original));
    expect(selections(again)).toEqual(selections(original));
    expect(again.sources.map((s) => s.text)).toEqual(original.sources.map((s) => s.text));
    // The second import adds no code and nothing not carried beyond the texts the first import also lacked.
    expect(secondReport.deviations.filter((d) => d.kind === 'other-code-added')).toEqual([]);
    expect(await snapshot(second.connection)).toEqual(await snapshot(first.connection));
  });
});

describe('what each shape needed', () => {
  it('qc: bare plainTextPaths are found in sources/, reported; all codings carried; "Other" stays a codable top-level code', async () => {
    const { firstReport } = await roundTrip('qc');
    expect(firstReport.deviations.filter((d) => d.kind === 'relative-path').map((d) => d.message)).toEqual([
      `Source "board_2017": plainTextPath "board_2017.txt" is not an internal:// path; it was found in the archive's sources/ folder`,
      `Source "board_2018": plainTextPath "board_2018.txt" is not an internal:// path; it was found in the archive's sources/ folder`
    ]);
    expect(firstReport.notCarried).toEqual([]);
    expect(firstReport.counts).toMatchObject({ sources: 2, codings: 4, categories: 3, codes: 4 });
    const codings = await listCodings(first.connection, '71632d73-7263-0000-0000-000000000002');
    expect(codings.map((c) => [c.code_name, c.text])).toEqual([['app', 'The app saves time 😀']]);
  });

  it('NVivo for Mac: the empty .txt is passed over and the text read from the .docx, reported', async () => {
    const { firstReport } = await roundTrip('nvivo-mac');
    expect(
      firstReport.deviations.filter((d) => ['docx-text', 'dotfile'].includes(d.kind)).map((d) => d.message)
    ).toEqual([
      'The archive entry sources/.root was ignored',
      'Source "Nurse interview": its plain text is empty; the text was read from its Word file internal://3f2a1b7c-0d4e-4f5a-9b6c-7d8e9fa0b1c2.docx'
    ]);
    const text = readFileSync(`${SHAPES_DIR}/nvivo-mac/text.txt`, 'utf8').replace(/\n$/, '');
    expect((await getTranscript(first.connection, '3f2a1b7c-0d4e-4f5a-9b6c-7d8e9fa0b1c2')).text).toBe(text);
    const codings = await listCodings(first.connection, '3f2a1b7c-0d4e-4f5a-9b6c-7d8e9fa0b1c2');
    expect(codings.map((c) => [c.code_name, c.text])).toEqual([
      ['Early difficulty', 'The first weeks were hard.'],
      ['Experience', 'Later the team trusted the dashboard'],
      ['Trust', 'Later the team trusted the dashboard']
    ]);
    expect(await listParticipantAttributes(first.connection)).toEqual([
      { participant_id: 'Ward nurse', name: 'Age', value: '41', value_type: 'Integer', set_id: null }
    ]);
  });

  it('ATLAS.ti without sources: texts listed as absent, codings kept; code sets are code groups, document sets attributes', async () => {
    const { firstReport } = await roundTrip('atlas-ti');
    expect(firstReport.notCarried.filter((n) => n.what === 'source text')).toEqual([
      {
        what: 'source text',
        name: 'Case 1: Anna',
        reason:
          'its text internal://D0000000-0000-4000-8000-000000000001.txt is not in the archive; the transcript is kept without text, with its 1 coding, until the text is imported'
      },
      {
        what: 'source text',
        name: 'Case 2: Ben',
        reason:
          'its text internal://D0000000-0000-4000-8000-000000000002.txt is not in the archive; the transcript is kept without text, with its 2 codings, until the text is imported'
      }
    ]);
    expect((await listTranscriptsMissingText(first.connection)).map((m) => [m.title, m.codings])).toEqual([
      ['Case 1: Anna', 1],
      ['Case 2: Ben', 2]
    ]);
    expect((await listCodeGroups(first.connection)).map((g) => [g.name, g.member_ids])).toEqual([
      ['Effects of parenting', ['c0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000002']]
    ]);
    expect((await listParticipantAttributes(first.connection)).map((a) => [a.participant_id, a.name, a.value])).toEqual(
      [
        ['Case 1: Anna', 'gender', 'female'],
        ['Case 1: Anna', 'has children', null],
        ['Case 2: Ben', 'age', '67'],
        ['Case 2: Ben', 'gender', 'male'],
        ['Case 2: Ben', 'has children', null]
      ]
    );
  });

  it('ATLAS.ti: a later import that brings the texts fills them in and the kept codings read the right passages', async () => {
    const { bytes } = await shapeArchive('atlas-ti');
    await importRefiBytes(first.connection, bytes, 'atlas.qdpx');
    const zip = await JSZip.loadAsync(bytes);
    const anna = `${'x'.repeat(120)}${'Anna is happier since her daughter was born. '.repeat(4).slice(0, 140)}rest`;
    const ben = `${'y'.repeat(40)}${'Ben had children because it gives life meaning. '.slice(0, 55)}`;
    const withTexts = await zipOf({
      'Project.qde': await zip.file('Project.qde')!.async('uint8array'),
      'Sources/D0000000-0000-4000-8000-000000000001.txt': anna,
      'Sources/D0000000-0000-4000-8000-000000000002.txt': ben
    });
    const report = await importRefiBytes(first.connection, withTexts, 'atlas-with-texts.qdpx');
    expect(report.counts).toMatchObject({ textsRestored: 2, codings: 0, sources: 0 });
    expect(await listTranscriptsMissingText(first.connection)).toEqual([]);
    const codings = await listCodings(first.connection, 'd0000000-0000-4000-8000-000000000002');
    expect(codings.map((c) => [c.code_name, c.text])).toEqual([
      ['Effects of parenting: negative', 'Ben had children because it gives life meaning. '.slice(0, 55)],
      ['Reasons for having children', 'Ben had children because it gives life meaning. '.slice(0, 55)]
    ]);
  });

  it('MAXQDA: every Description and colour kept, the "Example:" line inside a Description left where it was', async () => {
    const { original, again } = await roundTrip('maxqda');
    const visibility = again.codes[0].children[0];
    expect([visibility.name, visibility.description, visibility.color]).toEqual([
      'Visibility',
      'Seeing the whole pathway.\nExample: "every referral in one place"',
      '#ff8080'
    ]);
    expect(countCodes(original.codes)).toBe(6);
    expect(again.codes.map((c) => [c.name, c.isCodable, c.children.length])).toEqual([
      ['Change', true, 2],
      ['Attitudes', true, 1],
      ['Quotable', true, 0]
    ]);
  });

  it('a bare .qde: read with the texts beside it; the one not beside it is a transcript without text, listed', async () => {
    const { firstReport } = await roundTrip('bare-qde');
    expect(firstReport.deviations.find((d) => d.kind === 'bare-qde')!.message).toBe(
      'project.qde is a project file on its own, outside a .qdpx archive; its sources were looked for in the 1 file(s) beside it'
    );
    expect(firstReport.notCarried).toEqual([
      {
        what: 'source text',
        name: 'Interview 2',
        reason:
          'its text internal://A2000000-0000-4000-8000-000000000002.txt is not beside the .qde; the transcript is kept without text, with its 0 codings, until the text is imported'
      }
    ]);
    const codings = await listCodings(first.connection, 'a2000000-0000-4000-8000-000000000001');
    expect(codings.map((c) => [c.code_name, c.text])).toEqual([['Travel', 'two buses and an hour to get there.']]);
  });

  it('a bare .qde uploaded alone (no files beside it): every source is listed without text', async () => {
    const report = await importRefiBytes(first.connection, readFileSync(bareQdePath()), 'project.qde');
    expect(report.notCarried.map((n) => [n.what, n.name])).toEqual([
      ['source text', 'Interview 1'],
      ['source text', 'Interview 2']
    ]);
    expect(report.counts).toMatchObject({ sources: 2, withoutText: 2, codings: 1 });
  });
});
