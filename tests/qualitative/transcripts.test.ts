import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNamesList, PseudonymBook } from '../../pipeline/qualitative/anonymise.ts';
import {
  importParticipantsCsv,
  listParticipants,
  participantForFile
} from '../../pipeline/qualitative/participants.ts';
import { readTranscriptFile } from '../../pipeline/qualitative/readers/index.ts';
import {
  getTranscript,
  importTranscriptFiles,
  listTranscripts,
  passageText,
  setTranscriptParticipant
} from '../../pipeline/qualitative/transcripts.ts';
import { parseTurns } from '../../pipeline/qualitative/turns.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { actor, emptyWarehouse } from './helpers.ts';

let warehouse: Warehouse;
let folder: string;
const file = (name: string, content: string | Uint8Array) => {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
};

beforeEach(async () => {
  warehouse = await emptyWarehouse();
  folder = mkdtempSync(join(tmpdir(), 'uptake-transcripts-'));
});
afterEach(() => warehouse.close());

const PARTICIPANTS = `participant_id,pseudonym,stakeholder_group,organisation_setting,role,interview_date
P01,Funder A,funders,charity,programme officer,2016-11-14
P02,Clinician A,clinicians,acute,consultant,02/12/2016
`;

describe('speaker turns', () => {
  it('splits at speaker labels and keeps line numbers; a heading before the first label has no speaker', () => {
    const text =
      'Interview 1 (invented)\n\nINTERVIEWER: How did it start?\nPARTICIPANT: Slowly.\nIt took a year.\n\nI: And then?\nDr Smith: Better.';
    expect(parseTurns(text).map((t) => [t.speaker, t.lineStart, t.lineEnd, text.slice(t.startCp, t.endCp)])).toEqual([
      [null, 1, 1, 'Interview 1 (invented)'],
      ['INTERVIEWER', 3, 3, 'INTERVIEWER: How did it start?'],
      ['PARTICIPANT', 4, 5, 'PARTICIPANT: Slowly.\nIt took a year.'],
      ['I', 7, 7, 'I: And then?'],
      ['Dr Smith', 8, 8, 'Dr Smith: Better.']
    ]);
  });

  it('does not take a sentence with a colon for a speaker', () => {
    expect(parseTurns('R: Yes.\nThe answer was simple: no.').map((t) => t.speaker)).toEqual(['R']);
  });
});

describe('participants', () => {
  it('loads a CSV with ISO and UK dates', async () => {
    const result = await importParticipantsCsv(
      warehouse.connection,
      file('participants.csv', PARTICIPANTS),
      actor('amy')
    );
    expect(result).toEqual({ added: 2, updated: 0, problems: [] });
    expect(await listParticipants(warehouse.connection)).toEqual([
      {
        participant_id: 'P02',
        pseudonym: 'Clinician A',
        stakeholder_group: 'clinicians',
        organisation_setting: 'acute',
        role: 'consultant',
        interview_date: '2016-12-02'
      },
      {
        participant_id: 'P01',
        pseudonym: 'Funder A',
        stakeholder_group: 'funders',
        organisation_setting: 'charity',
        role: 'programme officer',
        interview_date: '2016-11-14'
      }
    ]);
  });

  it('reports a bad date and a repeated id by row and column, and loads nothing', async () => {
    const result = await importParticipantsCsv(
      warehouse.connection,
      file('bad.csv', 'participant_id,pseudonym,interview_date\nP01,A,31/02/2017\nP01,B,\n')
    );
    expect(result.problems).toEqual([
      { row: 2, column: 'interview_date', value: '31/02/2017', message: 'Not a date (use yyyy-mm-dd or dd/mm/yyyy).' },
      { row: 3, column: 'participant_id', value: 'P01', message: 'This id appears twice.' }
    ]);
    expect(await listParticipants(warehouse.connection)).toEqual([]);
  });

  it('matches a transcript file to a participant by a whole token of its name', () => {
    const ids = ['P01', 'P02', 'P10'];
    expect(participantForFile('P01-funder.txt', ids)).toBe('P01');
    expect(participantForFile('interview_p10.docx', ids)).toBe('P10');
    expect(participantForFile('P 02.vtt', ids)).toBe('P02');
    expect(participantForFile('P100.txt', ids)).toBe(null);
  });
});

describe('importing transcripts', () => {
  it('imports a .txt with BOM and CRLF: anonymised, turns kept, text stored as anonymised', async () => {
    await importParticipantsCsv(warehouse.connection, file('participants.csv', PARTICIPANTS));
    const path = file(
      'P02-clinician.txt',
      '\uFEFFINTERVIEWER: Tell me about 😀 Tom Reid.\r\nPARTICIPANT: Tom Reid rang 020 7946 0018.\r\n'
    );
    const [result] = await importTranscriptFiles(
      warehouse.connection,
      [path],
      { names: parseNamesList('clinician: Tom Reid') },
      actor('amy')
    );
    expect(result).toMatchObject({ outcome: 'imported', participantId: 'P02', applied: 3, turns: 2 });
    expect(result.notes).toEqual([
      'A byte-order mark at the start was removed.',
      'Windows (CRLF) or old Mac (CR) line endings were changed to LF.'
    ]);
    const stored = await getTranscript(warehouse.connection, result.transcriptId!);
    expect(stored.text).toBe('INTERVIEWER: Tell me about 😀 [CLINICIAN 1].\nPARTICIPANT: [CLINICIAN 1] rang [PHONE].');
    expect(stored).toMatchObject({
      length_cp: 84,
      line_count: 2,
      anonymised: true,
      source_format: 'txt',
      participant_id: 'P02'
    });
    expect(stored.turns.map((t) => [t.speaker, t.startCp, t.endCp, t.lineStart])).toEqual([
      ['INTERVIEWER', 0, 43, 1],
      ['PARTICIPANT', 44, 84, 2]
    ]);
    expect(await passageText(warehouse.connection, stored.transcript_id, 29, 42)).toBe('[CLINICIAN 1]');
  });

  it('the same file twice changes nothing; a changed file is a new version that supersedes the old', async () => {
    const path = file('P01.txt', 'R: First version.');
    const [first] = await importTranscriptFiles(warehouse.connection, [path], { detectors: [] });
    const [again] = await importTranscriptFiles(warehouse.connection, [path], { detectors: [] });
    expect(again).toMatchObject({ outcome: 'already-imported', transcriptId: first.transcriptId });
    writeFileSync(path, 'R: Corrected version.');
    const [second] = await importTranscriptFiles(warehouse.connection, [path], { detectors: [] });
    expect(second).toMatchObject({ outcome: 'new-version', supersedes: first.transcriptId });
    expect((await listTranscripts(warehouse.connection)).map((t) => t.transcript_id)).toEqual([second.transcriptId]);
    expect(await listTranscripts(warehouse.connection, { allVersions: true })).toHaveLength(2);
    expect((await getTranscript(warehouse.connection, first.transcriptId!)).text).toBe('R: First version.');
  });

  it('an unmatched transcript is linked to its participant later; only the link changes', async () => {
    await importParticipantsCsv(warehouse.connection, file('participants.csv', PARTICIPANTS));
    const [result] = await importTranscriptFiles(warehouse.connection, [file('interview-seven.txt', 'R: Hello.')], {
      detectors: []
    });
    expect(result.participantId).toBe(null);
    const linked = await setTranscriptParticipant(warehouse.connection, result.transcriptId!, 'P01');
    expect([linked.participant_id, (await getTranscript(warehouse.connection, linked.transcript_id)).text]).toEqual([
      'P01',
      'R: Hello.'
    ]);
    await expect(setTranscriptParticipant(warehouse.connection, result.transcriptId!, 'P99')).rejects.toThrow(
      'No participant P99'
    );
  });

  it('a dry run proposes and stores nothing', async () => {
    const path = file('P01.txt', 'R: My DOB is 01/02/1960.');
    const [result] = await importTranscriptFiles(warehouse.connection, [path], { dryRun: true });
    expect(result.outcome).toBe('dry-run');
    expect(result.proposals.map((p) => [p.kind, p.original])).toEqual([['date-of-birth', '01/02/1960']]);
    expect(await listTranscripts(warehouse.connection)).toEqual([]);
  });

  it('keeps pseudonyms consistent across the transcripts of one import', async () => {
    const names = parseNamesList('hospital: Northwick Park\nhospital: Ealing Hospital');
    const book = new PseudonymBook();
    const results = await importTranscriptFiles(
      warehouse.connection,
      [file('a.txt', 'R: Ealing Hospital first.'), file('b.txt', 'R: Northwick Park, then Ealing Hospital.')],
      { names, book }
    );
    const texts = await Promise.all(
      results.map(async (r) => (await getTranscript(warehouse.connection, r.transcriptId!)).text)
    );
    expect(texts).toEqual(['R: [HOSPITAL B] first.', 'R: [HOSPITAL A], then [HOSPITAL B].']);
  });
});

describe('transcript formats', () => {
  it("reads WebVTT voices into one line per turn with timings, joining a speaker's consecutive cues", async () => {
    const vtt = `WEBVTT

NOTE recorded on Teams

1
00:00:01.000 --> 00:00:04.500
<v Interviewer>How did it go?</v>

2
00:00:05.000 --> 00:00:07.000
<v Participant>Slowly at first,</v>

3
00:00:07.000 --> 00:00:09.250
<v Participant>then <i>much</i> better.</v>
`;
    const read = await readTranscriptFile(file('P01.vtt', vtt));
    expect(read.text).toBe('Interviewer: How did it go?\nParticipant: Slowly at first, then much better.');
    expect(read.lineTimings).toEqual([
      { startMs: 1000, endMs: 4500 },
      { startMs: 5000, endMs: 9250 }
    ]);
    expect(parseTurns(read.text, read.lineTimings).map((t) => [t.speaker, t.startMs, t.endMs])).toEqual([
      ['Interviewer', 1000, 4500],
      ['Participant', 5000, 9250]
    ]);
  });

  it('reads SubRip with "Name:" speakers and comma milliseconds', async () => {
    const srt =
      '1\r\n00:00:01,000 --> 00:00:02,000\r\nINTERVIEWER: Hello.\r\n\r\n2\r\n01:00:02,500 --> 01:00:04,000\r\nPARTICIPANT: Hi,\r\nthanks.\r\n';
    const read = await readTranscriptFile(file('P01.srt', srt));
    expect(read.text).toBe('INTERVIEWER: Hello.\nPARTICIPANT: Hi, thanks.');
    expect(read.lineTimings).toEqual([
      { startMs: 1000, endMs: 2000 },
      { startMs: 3602500, endMs: 3604000 }
    ]);
  });

  it('reads a Word document, one paragraph per line', async () => {
    const zip = new JSZip();
    zip.file(
      '[Content_Types].xml',
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    );
    zip.file(
      '_rels/.rels',
      '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    );
    const paragraph = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
    zip.file(
      'word/document.xml',
      `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraph('INTERVIEWER: Why colposcopy? 😀')}${paragraph('PARTICIPANT: Patients asked for it.')}</w:body></w:document>`
    );
    const read = await readTranscriptFile(file('P01.docx', await zip.generateAsync({ type: 'uint8array' })));
    expect(read.format).toBe('docx');
    expect(read.text).toBe('INTERVIEWER: Why colposcopy? 😀\nPARTICIPANT: Patients asked for it.');
  });

  it('refuses a format it does not read', async () => {
    await expect(readTranscriptFile(file('P01.pdf', 'x'))).rejects.toThrow(
      'P01.pdf: not a transcript format Uptake reads (.txt, .docx, .vtt, .srt)'
    );
  });
});
