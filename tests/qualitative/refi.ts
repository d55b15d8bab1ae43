/** Helpers for the REFI-QDA tests: xmllint against the vendored XSDs, hand-made archives, table snapshots. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { rows, type Connection } from '../../pipeline/qualitative/store.ts';

export const XSD_DIR = resolve(import.meta.dirname, '../../pipeline/refi-qda/xsd');
export const XMLLINT = '/usr/bin/xmllint';

/** xmllint --schema; returns its verdict line(s). Debian: apt-get install libxml2-utils. */
export function validate(xml: string, schema: 'Project.xsd' | 'Codebook.xsd'): { ok: boolean; output: string } {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-xsd-'));
  const file = join(folder, schema === 'Project.xsd' ? 'project.qde' : 'codebook.qdc');
  writeFileSync(file, xml);
  const result = spawnSync(XMLLINT, ['--noout', '--schema', join(XSD_DIR, schema), file], { encoding: 'utf8' });
  if (result.error)
    throw new Error(`xmllint could not run (${result.error.message}); install it with: apt-get install libxml2-utils`);
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.replaceAll(file, '<file>').trim() };
}

export function xmllintVersion(): string {
  return execFileSync(XMLLINT, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function zipOf(entries: Record<string, string | Uint8Array>): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [name, content] of Object.entries(entries)) zip.file(name, content);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** Every user-authored row that a round trip must keep, with ids, without timestamps of import. */
export async function snapshot(connection: Connection) {
  return {
    participants: await rows(
      connection,
      'SELECT participant_id, pseudonym, stakeholder_group, organisation_setting, role, CAST(interview_date AS VARCHAR) AS interview_date FROM participant ORDER BY 1'
    ),
    transcripts: await rows(
      connection,
      'SELECT transcript_id, participant_id, title, text, length_cp, line_count FROM transcript ORDER BY 1'
    ),
    turns: await rows(
      connection,
      'SELECT transcript_id, turn_index, speaker, start_cp, end_cp, line_start, line_end FROM transcript_turn ORDER BY 1, 2'
    ),
    categories: await rows(connection, 'SELECT category_id, name, description FROM code_category ORDER BY 1'),
    codes: await rows(
      connection,
      'SELECT code_id, category_id, parent_code_id, name, definition, include_rule, exclude_rule, example, is_other FROM code ORDER BY 1'
    ),
    codings: await rows(
      connection,
      "SELECT coding_id, transcript_id, start_cp, end_cp, code_id, coder, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at FROM coding ORDER BY 1"
    ),
    memos: await rows(
      connection,
      'SELECT memo_id, target_kind, transcript_id, start_cp, end_cp, code_id, title, body, author FROM memo ORDER BY 1'
    ),
    cells: await rows(connection, 'SELECT participant_id, code_id, summary, status FROM matrix_cell ORDER BY 1, 2'),
    quotes: await rows(
      connection,
      'SELECT m.participant_id, m.code_id, q.ordinal, q.coding_id, q.transcript_id, q.start_cp, q.end_cp FROM cell_quote q JOIN matrix_cell m USING (cell_id) ORDER BY 1, 2, 3'
    ),
    categoryCodes: await rows(connection, 'SELECT category_id, codable, color FROM category_code ORDER BY 1'),
    codeColours: await rows(connection, 'SELECT code_id, color FROM code ORDER BY 1'),
    codeGroups: await rows(
      connection,
      'SELECT g.group_id, g.name, g.description, m.code_id, m.ordinal FROM code_group g LEFT JOIN code_group_member m USING (group_id) ORDER BY 1, 5'
    ),
    attributes: await rows(
      connection,
      'SELECT participant_id, name, value, value_type, set_id FROM participant_attribute ORDER BY 1, 2'
    ),
    withoutText: await rows(connection, 'SELECT transcript_id FROM transcript_missing_text ORDER BY 1')
  };
}
