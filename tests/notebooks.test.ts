/**
 * Notebooks (pipeline/notebooks/, notebooks/): parsing, the Markdown subset, bound parameters, the shipped notebooks
 * rendered on the demo programme with exact figures for the committee and controlled figures for funders, the
 * interview section switching on when coded data exists, and `uptake report`'s errors.
 *
 * Expected figures come from data/demo/README.md ("Per service at 2017-02-06", "Totals per snapshot"), controlled by
 * hand under nhs-digital: 1–7 → *, others to the nearest 5 (12 → 10, 74 → 75), rates from the rounded parts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, DEMO_LOADED_AT, openDemoWarehouse } from './helpers/demo-fixture.ts';
import { loadPaths } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';
import { runCli } from '../pipeline/cli/program.ts';
import type { CliEffects } from '../pipeline/cli/effects.ts';
import {
  loadNotebook,
  loadNotebookFromCommandLine,
  NotebookError,
  notebookNames,
  parseNotebook,
  renderNotebook,
  UnknownAsOfError,
  UnknownAudienceError,
  UnknownNotebookError,
  type RenderedReport
} from '../pipeline/notebooks/index.ts';
import { renderMarkdown } from '../pipeline/notebooks/markdown.ts';
import { footnote } from '../pipeline/disclosure/index.ts';

let warehouse: Warehouse;
let dispose: () => void;
beforeAll(async () => {
  ({ warehouse, dispose } = await openDemoWarehouse());
});
afterAll(() => dispose?.());

function render(name: string, audience?: string, asOf?: string): Promise<RenderedReport> {
  return renderNotebook(warehouse.connection, loadNotebook(name), { audience, asOf });
}

function renderText(text: string, audience?: string, asOf?: string): Promise<RenderedReport> {
  return renderNotebook(warehouse.connection, parseNotebook(text, 'test'), { audience, asOf });
}

/** The rendered fragment as a DOM, for reading tables the way a reader does. */
function dom(report: RenderedReport): Document {
  return parseHTML(`<!doctype html><html><body>${report.fragment}</body></html>`).document as unknown as Document;
}

/** Text of a cell as the reader sees it (`*` without its screen-reader words). */
function cellText(cell: Element): string {
  const hidden = cell.querySelector('[aria-hidden="true"]');
  return (hidden ? hidden.textContent : cell.textContent)!.trim();
}

/** The table whose caption starts with `caption`: header texts and each row as { header: text }. */
function table(report: RenderedReport, caption: string) {
  const found = [...dom(report).querySelectorAll('table')].find((t) =>
    t.querySelector('caption')?.textContent?.startsWith(caption)
  );
  if (!found) throw new Error(`No table captioned "${caption}"`);
  const headers = [...found.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
  const read = (tr: Element) =>
    Object.fromEntries([...tr.querySelectorAll('th, td')].map((c, i) => [headers[i], cellText(c)]));
  return {
    headers,
    rows: [...found.querySelectorAll('tbody tr')].map(read),
    total: found.querySelector('tfoot tr') ? read(found.querySelector('tfoot tr')!) : null,
    row(label: string) {
      const row = this.rows.find((r) => r[headers[0]] === label);
      if (!row) throw new Error(`No row "${label}" in "${caption}"`);
      return row;
    }
  };
}

/** The page's text with tags gone and spaces squeezed, for checking sentences. */
function text(report: RenderedReport): string {
  return dom(report).body.textContent!.replace(/\s+/g, ' ');
}

/** Every shown patient count (tables and sentences): these are what disclosure control must have made safe. */
function patientCounts(report: RenderedReport): string[] {
  return [...dom(report).querySelectorAll('[data-kind="patient-count"]')].map(cellText);
}

describe('parsing', () => {
  it('reads front matter, sql blocks with declarations, and directives', () => {
    const notebook = parseNotebook(
      [
        '---',
        'title: A test',
        'description: What it is',
        'audience: funder',
        '---',
        'Some text.',
        '```sql name=funnel counts=x services=y numbers=z:1',
        'SELECT 1',
        '```',
        '```table funnel',
        'caption: Caption',
        'column x: X',
        'rate r: x / y',
        'total: All',
        '```'
      ].join('\n'),
      'test'
    );
    expect(notebook).toMatchObject({
      name: 'test',
      title: 'A test',
      description: 'What it is',
      audience: 'funder',
      profile: null
    });
    expect(notebook.blocks.map((b) => b.type)).toEqual(['text', 'sql', 'table']);
    const sql = notebook.blocks[1];
    expect(sql.type === 'sql' && [...sql.declarations]).toEqual([
      ['x', { kind: 'patient-count' }],
      ['y', { kind: 'service-count' }],
      ['z', { kind: 'number', decimals: 1 }]
    ]);
    const tableBlock = notebook.blocks[2];
    expect(tableBlock).toMatchObject({
      result: 'funnel',
      caption: 'Caption',
      total: 'All',
      columns: [{ key: 'x', label: 'X' }],
      rates: [{ key: 'r', numerator: 'x', denominator: 'y' }]
    });
  });

  it('names the file and line of a mistake', () => {
    const head = '---\ntitle: T\n---\n';
    expect(() => parseNotebook(`${head}\`\`\`table nothing\n\`\`\``, 'bad')).toThrow(
      'bad.md:4: table nothing: no sql block above is named "nothing"'
    );
    expect(() => parseNotebook(`${head}\`\`\`sql name=a\nSELECT 1`, 'bad')).toThrow(
      'bad.md:4: this fenced block is never closed'
    );
    expect(() =>
      parseNotebook(`${head}\`\`\`sql name=a\nSELECT 1\n\`\`\`\n\`\`\`table a\ncolour: red\n\`\`\``, 'bad')
    ).toThrow('bad.md:8: unknown table option "colour"');
    expect(() =>
      parseNotebook(`${head}Uses {later.x} first.\n\`\`\`sql name=later\nSELECT 1 AS x\n\`\`\``, 'bad')
    ).toThrow('bad.md:4: {later.x}: no sql block above is named "later"');
    expect(() => parseNotebook('---\ntitle: T\naudience: everyone\n---\n', 'bad')).toThrow(
      'audience must be one of committee, funder, public'
    );
    expect(() => parseNotebook('no front matter', 'bad')).toThrow('bad.md:1: the front matter needs a title');
  });

  it('finds the shipped notebooks by name and refuses names that are not in the folder', () => {
    expect(notebookNames()).toEqual(['cie-evaluation-2017', 'funder-impact', 'steering-committee-monthly']);
    expect(() => loadNotebook('nope')).toThrow(UnknownNotebookError);
    expect(() => loadNotebook('../package')).toThrow(UnknownNotebookError);
  });

  it('takes names only, never paths (a name may come from a URL); the command line alone also takes a path', () => {
    for (const path of [
      'notebooks/funder-impact.md',
      'funder-impact.md',
      '/etc/hostname',
      'node_modules/jszip/CHANGES.md'
    ])
      expect(() => loadNotebook(path), path).toThrow(UnknownNotebookError);
    expect(loadNotebookFromCommandLine('notebooks/funder-impact.md').title).toBe(loadNotebook('funder-impact').title);
    expect(loadNotebookFromCommandLine('funder-impact').name).toBe('funder-impact');
    expect(() => loadNotebookFromCommandLine('notebooks/nope.md')).toThrow(UnknownNotebookError);
  });
});

describe('the Markdown subset', () => {
  it('renders headings, lists, emphasis and safe links, and shows raw HTML as text', () => {
    const html = renderMarkdown(
      '## Results\n\nSome **bold** and *emphasis* and snake_case_name.\n\n- one\n- two\n\n1. first\n\n[NHS](https://www.nhs.uk) [bad](javascript:alert(1))\n\n<script>alert(1)</script>'
    );
    expect(html).toBe(
      [
        '<h2 id="results">Results</h2>',
        '<p>Some <strong>bold</strong> and <em>emphasis</em> and snake_case_name.</p>',
        '<ul><li>one</li><li>two</li></ul>',
        '<ol><li>first</li></ol>',
        '<p><a href="https://www.nhs.uk">NHS</a> bad</p>',
        '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'
      ].join('\n')
    );
  });
});

describe('parameters are bound, never spliced', () => {
  const head = '---\ntitle: Parameters\n---\n';

  it('binds $as_of as a DATE value and leaves the SQL text as written', async () => {
    const report = await renderText(
      `${head}\`\`\`sql name=p\nSELECT '$as_of' AS literal, CAST($as_of AS VARCHAR) AS bound, typeof($as_of) AS type, CAST($previous_as_of AS VARCHAR) AS previous\n\`\`\`\n` +
        '{p.literal} {p.bound} {p.type} {p.previous}',
      'committee',
      '2016-12-31'
    );
    // The '$as_of' inside quotes stays text: nothing replaced it, because the value never enters the SQL.
    expect(text(report)).toContain('$as_of 31 Dec 2016 DATE 30 Nov 2016');
  });

  it('rejects an as-of date that is not loaded, listing the loaded ones, before any query runs', async () => {
    const attempt = renderText(
      `${head}\`\`\`sql name=p\nSELECT count(*) AS n FROM uptake_funnel WHERE as_of = $as_of\n\`\`\``,
      'committee',
      "' OR 1=1 --"
    );
    await expect(attempt).rejects.toThrow(UnknownAsOfError);
    await expect(attempt).rejects.toThrow(
      `No snapshot is loaded for the as-of date "' OR 1=1 --". Loaded as-of dates: 2016-10-31, 2016-11-30, 2016-12-31, 2017-01-31, 2017-02-06.`
    );
  });

  it('refuses unknown parameters, statements that write, and more than one statement', async () => {
    await expect(renderText(`${head}\`\`\`sql name=p\nSELECT $who AS x\n\`\`\``)).rejects.toThrow(
      'test.md:4: sql p: unknown parameter $who; a notebook may use $as_of and $previous_as_of'
    );
    await expect(renderText(`${head}\`\`\`sql name=p\nDELETE FROM service\n\`\`\``)).rejects.toThrow(
      'only read-only queries may run in a notebook, not DELETE'
    );
    await expect(renderText(`${head}\`\`\`sql name=p\nSELECT 1; DROP TABLE service\n\`\`\``)).rejects.toThrow(
      'a sql block holds exactly one statement (this has 2)'
    );
    // DuckDB prepares PRAGMA show_tables as a SELECT; its own parser (json_serialize_sql) says it is not a query.
    await expect(renderText(`${head}\`\`\`sql name=p\nPRAGMA show_tables\n\`\`\``)).rejects.toThrow(
      'test.md:4: sql p: only read-only queries may run in a notebook, and DuckDB does not read this one as a query (PRAGMA, CALL and EXPLAIN are not)'
    );
    for (const [sql, kind] of [
      ['CALL pragma_version()', 'CALL'],
      ['EXPLAIN SELECT 1', 'EXPLAIN']
    ])
      await expect(renderText(`${head}\`\`\`sql name=p\n${sql}\n\`\`\``)).rejects.toThrow(
        `test.md:4: sql p: only read-only queries may run in a notebook, not ${kind}`
      );
    const [{ n }] = await queryRows<{ n: number }>(
      warehouse.connection,
      'SELECT CAST(count(*) AS INTEGER) AS n FROM service_latest'
    );
    expect(n).toBe(13);
  });
});

describe('derived statements come from the controlled figures', () => {
  // Registered now and at the previous snapshot. Exactly: Alpha and Delta did not grow, Beta grew by 1 and Gamma by 3.
  // Under nhs-digital (nearest 5) all four read 40 → 40, a change of 0. A list of "no new registrations" chosen
  // from the exact figures would name Alpha and Delta only, telling a funder that Beta and Gamma, shown with a
  // change of 0, in fact grew by 1 to 4.
  const growth = `SELECT * FROM (VALUES ('Alpha', 40, 40), ('Beta', 41, 40), ('Gamma', 42, 39), ('Delta', 38, 38))
  t(service_name, registered, registered_previous)`;
  const notebook = (sql: string, attributes: string) =>
    `---\ntitle: Growth\n---\n\n\`\`\`sql name=growth counts=registered_previous ${attributes}\n${sql}\nORDER BY service_name\n\`\`\`\n\n` +
    'No new registrations: {growth.service_name|list} (services listed: {growth.service_name|count}).\n\n' +
    '```table growth\ncolumn service_name: Service\ncolumn registered: Registered\ncolumn new: New\nchange new: registered - registered_previous\n```\n';

  it('refuses a notebook that chooses rows by a patient count in SQL, in every audience', async () => {
    for (const audience of ['committee', 'funder']) {
      await expect(
        renderText(notebook(`SELECT * FROM (${growth}) WHERE registered <= registered_previous`, ''), audience)
      ).rejects.toThrow(
        'test.md:5: sql growth: "registered" is a count of patients, and this query chooses its rows by it (WHERE, HAVING, QUALIFY or a join), so the rows listed would reveal exact figures to a funder. Select every row and choose them with keep= on the sql block, which compares the figures as the audience sees them (keep=registered<=registered_previous).'
      );
    }
  });

  it('keep= chooses the rows from the figures the audience sees: every service shown with no growth is listed', async () => {
    const source = notebook(growth, 'keep=registered<=registered_previous');
    const committee = await renderText(source, 'committee');
    expect(text(committee)).toContain('No new registrations: Alpha and Delta (services listed: 2).');
    const funder = await renderText(source, 'funder');
    expect(text(funder)).toContain('No new registrations: Alpha, Beta, Delta and Gamma (services listed: 4).');
    // The table under it holds the same rows, each with a change of 0 as shown.
    const rows = [...dom(funder).querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td, th')].map(cellText)
    );
    expect(rows).toEqual([
      ['Alpha', '40', '0'],
      ['Beta', '40', '0'],
      ['Delta', '40', '0'],
      ['Gamma', '40', '0']
    ]);
  });

  it('rows ordered by a patient count come in the order of what a funder sees, ties by name, whatever the exact figures', async () => {
    // Exactly: Gamma 42 > Beta 41 > Alpha 40 > Delta 38 > Small 3. A funder sees 40, 40, 40, 40 and *: the exact order
    // would rank services that show the same figure, so they come by name, and the hidden one after every shown 40.
    const ranked = (rows: string) =>
      `---\ntitle: Ranked\n---\n\n\`\`\`sql name=ranked\nSELECT * FROM (VALUES ${rows}) t(service_name, registered)\nORDER BY registered DESC, service_name\n\`\`\`\n\n` +
      '```table ranked\ncolumn service_name: Service\ncolumn registered: Registered\n```\n';
    const order = async (rows: string, audience: string) =>
      [...dom(await renderText(ranked(rows), audience)).querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('td, th')].map(cellText).join(' ')
      );
    const rows = "('Alpha', 40), ('Beta', 41), ('Gamma', 42), ('Delta', 38), ('Small', 3)";
    expect(await order(rows, 'committee')).toEqual(['Gamma 42', 'Beta 41', 'Alpha 40', 'Delta 38', 'Small 3']);
    const funder = ['Alpha 40', 'Beta 40', 'Delta 40', 'Gamma 40', 'Small *'];
    expect(await order(rows, 'funder')).toEqual(funder);
    // Other exact figures behind the same controlled table give the same answer.
    expect(await order("('Alpha', 42), ('Beta', 38), ('Gamma', 40), ('Delta', 41), ('Small', 6)", 'funder')).toEqual(
      funder
    );
  });

  it('keep= leaves out a row whose figure is hidden: a comparison with * cannot be stated', async () => {
    const source = notebook(
      `SELECT * FROM (VALUES ('Alpha', 40, 40), ('Small', 3, 3)) t(service_name, registered, registered_previous)`,
      'keep=registered<=registered_previous'
    );
    expect(text(await renderText(source, 'committee'))).toContain(
      'No new registrations: Alpha and Small (services listed: 2).'
    );
    expect(text(await renderText(source, 'funder'))).toContain('No new registrations: Alpha (services listed: 1).');
  });

  it('refuses a sentence naming "the most" by a patient count: the first row of a result ordered by one', async () => {
    // Beta (41) and Gamma (42) are both shown as 40 to a funder: naming Gamma as the highest would tell them apart.
    const ranked = `---\ntitle: Most\n---\n\n\`\`\`sql name=growth counts=registered_previous\n${growth}\nORDER BY registered DESC\n\`\`\`\n\n{growth.service_name} registered the most patients.\n`;
    for (const audience of ['committee', 'funder'])
      await expect(renderText(ranked, audience)).rejects.toThrow(
        'test.md:10: {growth.service_name} names the first row of "growth", which is ordered by "registered", a count of patients'
      );
  });

  it('refuses a keep= that names a column the result does not have, or is not a comparison', async () => {
    await expect(renderText(notebook(growth, 'keep=registerd<=registered_previous'), 'funder')).rejects.toThrow(
      'the result "growth" has no column "registerd"'
    );
    expect(() => parseNotebook(notebook(growth, 'keep=registered'), 'test')).toThrow(
      'test.md:5: keep=registered: give <column> <op> <column or whole number>, with <, <=, =, !=, >= or >, as in keep=registered<=registered_previous'
    );
  });
});

describe('every number must say what it counts', () => {
  const head = '---\ntitle: Kinds\n---\n';
  it('refuses an undeclared numeric column, in every audience', async () => {
    const notebook = `${head}\`\`\`sql name=s\nSELECT service_name, days_in_setup FROM setup_duration WHERE as_of = $as_of AND status = 'in setup'\n\`\`\`\n\`\`\`table s\n\`\`\``;
    for (const audience of ['committee', 'funder']) {
      await expect(renderText(notebook, audience)).rejects.toThrow(
        'the column "days_in_setup" of "s" holds numbers, but the notebook does not say what they count'
      );
    }
  });

  it('refuses a catalogue patient measure declared as something else', async () => {
    const notebook = `${head}\`\`\`sql name=s numbers=registered\nSELECT service_name, registered FROM uptake_funnel WHERE as_of = $as_of\n\`\`\`\n\`\`\`table s\n\`\`\``;
    await expect(renderText(notebook, 'funder')).rejects.toThrow(NotebookError);
    await expect(renderText(notebook, 'funder')).rejects.toThrow(
      'counts patients (measure catalogue) but is declared as number'
    );
  });

  it('refuses an unknown audience', async () => {
    await expect(render('funder-impact', 'board')).rejects.toThrow(UnknownAudienceError);
  });
});

describe('cie-evaluation-2017', () => {
  it('gives the committee the exact figures of the five tables at 6 February 2017', async () => {
    const report = await render('cie-evaluation-2017', 'committee');
    expect(report).toMatchObject({
      audience: 'committee',
      profile: 'none',
      asOf: '2017-02-06',
      previousAsOf: '2017-01-31'
    });

    const setup = table(report, 'Table 1: Duration of site setup');
    expect(setup.rows.map((r) => r.Service)).toEqual([
      'Neuro-oncology',
      'Interstitial lung disease',
      'Early Intervention in Psychosis',
      'Rheumatology',
      'Renal',
      'Haematology',
      'Colposcopy',
      'Hepatology'
    ]);
    expect(setup.row('Early Intervention in Psychosis')).toMatchObject({
      Approached: '1 Oct 2014',
      'Went live': '1 Jul 2015',
      'Months from programme launch': '9.0',
      'Months from approach': '9.0'
    });
    expect(setup.row('Colposcopy')).toMatchObject({
      'Months from programme launch': '20.9',
      'Months from approach': '0.7'
    });

    const core = table(report, 'Table 2: Core functionalities');
    expect(core.rows).toHaveLength(8);
    for (const row of core.rows) expect(Object.values(row).slice(1)).toEqual(['Yes', 'Yes', 'Yes', 'Yes', 'Yes']);

    const additional = table(report, 'Table 3: Additional CIE functionalities');
    expect(additional.rows[0]).toMatchObject({
      Service: 'Interstitial lung disease',
      'Number enabled': '6',
      Messaging: 'Yes'
    });
    expect(additional.row('Neuro-oncology')).toMatchObject({
      'Number enabled': '1',
      'Service-specific library content': 'No',
      'Clinic letters': 'Yes'
    });
    expect(additional.rows.filter((r) => r.Messaging === 'Yes').map((r) => r.Service)).toEqual([
      'Interstitial lung disease',
      'Rheumatology'
    ]);

    const consent = table(report, 'Table 4: Description of patients consented and registered');
    expect(dom(report).body.textContent).toContain(
      'Table 4: Description of patients consented and registered to the CIE Programme. Data from 6 Feb 2017'
    );
    expect(consent.row('Early Intervention in Psychosis')).toEqual({
      Service: 'Early Intervention in Psychosis',
      'Consented (expressed interest)': '15',
      Registered: '12',
      '% registered': '80%'
    });
    expect(consent.row('Colposcopy')).toMatchObject({
      'Consented (expressed interest)': '200',
      Registered: '74',
      '% registered': '37%'
    });
    expect(consent.total).toEqual({
      Service: 'All services',
      'Consented (expressed interest)': '600',
      Registered: '350',
      '% registered': '58%'
    });

    const sharing = table(report, 'Table 5: Number of patients sharing');
    expect(sharing.row('Renal')).toEqual({
      Service: 'Renal',
      Registered: '80',
      'Shared with a carer': '6',
      '% of registered': '5%',
      'Shared with a professional': '4'
    });
    expect(sharing.total).toMatchObject({
      Registered: '350',
      'Shared with a carer': '20',
      'Shared with a professional': '15'
    });

    const words = text(report);
    expect(words).toContain(
      'Care Information Exchange (North West London) went live on 1 Oct 2014. At 6 Feb 2017, 8 of the 13 services approached were using it, across 2 organisations.'
    );
    expect(words).toContain(
      '8 of the 8 live services gave patients all five core tabs. Interstitial lung disease had the widest range of additional functionality (6 features).'
    );
    expect(words).toContain(
      'Across the live services 600 patients consented and 350 registered (58% of those who consented).'
    );
    expect(words).toContain(
      'Of 350 registered patients, 20 (6%) had shared their record with a carer and 15 (4%) with an external professional.'
    );
    expect(words).toContain(footnote('none'));
  });

  it('gives a funder the controlled figures: 1–7 hidden, others to the nearest 5, rates from the rounded parts', async () => {
    const report = await render('cie-evaluation-2017', 'funder');
    expect(report).toMatchObject({ audience: 'funder', profile: 'nhs-digital' });
    const consent = table(report, 'Table 4');
    expect(consent.row('Early Intervention in Psychosis')).toEqual({
      Service: 'Early Intervention in Psychosis',
      'Consented (expressed interest)': '15',
      Registered: '10',
      '% registered': '67%'
    });
    expect(consent.row('Colposcopy')).toMatchObject({
      'Consented (expressed interest)': '200',
      Registered: '75',
      '% registered': '38%'
    });
    expect(consent.row('Hepatology')).toMatchObject({
      'Consented (expressed interest)': '30',
      Registered: '10',
      '% registered': '33%'
    });
    expect(consent.total).toEqual({
      Service: 'All services',
      'Consented (expressed interest)': '600',
      Registered: '350',
      '% registered': '58%'
    });
    const sharing = table(report, 'Table 5');
    // Renal shares 6 with a carer and 4 with a professional: both hidden, and so are the rates built on them.
    expect(sharing.row('Renal')).toEqual({
      Service: 'Renal',
      Registered: '80',
      'Shared with a carer': '*',
      '% of registered': '*',
      'Shared with a professional': '*'
    });
    expect(sharing.row('Hepatology')).toMatchObject({
      Registered: '10',
      'Shared with a carer': '0',
      'Shared with a professional': '0'
    });
    // Totals come from the exact 20 and 15, then rounded (20 → 20, 15 → 15), not from the hidden cells.
    expect(sharing.total).toMatchObject({
      Registered: '350',
      'Shared with a carer': '20',
      'Shared with a professional': '15'
    });
    expect(text(report)).toContain(
      'Of 350 registered patients, 20 (6%) had shared their record with a carer and 15 (4%) with an external professional.'
    );
    expect(report.fragment).toContain('Disclosure control: <strong>nhs-digital</strong>');
    expect(text(report)).toContain(footnote('nhs-digital'));
  });

  it('reads any as-of date: at 31 October 2016 hepatology was not yet live', async () => {
    const report = await render('cie-evaluation-2017', 'committee', '2016-10-31');
    const consent = table(report, 'Table 4');
    expect(consent.rows.map((r) => r.Service)).not.toContain('Hepatology');
    expect(consent.rows).toHaveLength(7);
    expect(consent.total).toMatchObject({ 'Consented (expressed interest)': '411', Registered: '247' });
    expect(text(report)).toContain('At 31 Oct 2016, 7 of the 12 services approached were using it');
  });
});

describe('steering-committee-monthly', () => {
  it('shows what changed since the previous snapshot, services behind plan, uptake and risks, exactly', async () => {
    const report = await render('steering-committee-monthly');
    expect(report.audience).toBe('committee');
    expect(text(report)).toContain(
      'This report compares 6 Feb 2017 with the previous snapshot (31 Jan 2017). 8 services are live (0 since the previous snapshot) and 350 patients are registered (+13).'
    );
    const patients = table(report, 'Patients, 6 Feb 2017 compared with 31 Jan 2017');
    expect(patients.row('Patients registered')).toEqual({
      Patients: 'Patients registered',
      'Previous snapshot': '337',
      'This snapshot': '350',
      Change: '+13'
    });
    expect(patients.row('Patients approached')).toMatchObject({
      'Previous snapshot': '956',
      'This snapshot': '1,000',
      Change: '+44'
    });
    const behind = table(report, 'Services behind plan');
    expect(behind.rows[0]).toMatchObject({
      Service: 'Diabetes',
      Status: 'in setup',
      'Planned go-live': '1 Apr 2015',
      'Days overdue': '677'
    });
    expect(behind.row('Early Intervention in Psychosis')).toMatchObject({ Status: 'live', 'Days late': '181' });
    expect(behind.rows.map((r) => r.Service)).not.toContain('Colposcopy'); // live 4 days early
    expect(text(report)).toContain('10 services are behind their planned go-live date');
    const uptake = table(report, 'Uptake by live service');
    expect(uptake.row('Early Intervention in Psychosis')).toMatchObject({
      Consented: '15',
      Registered: '12',
      '% of consented': '80%',
      'New since 31 Jan 2017': '+1'
    });
    expect(uptake.total).toMatchObject({
      Approached: '1,000',
      Consented: '600',
      Registered: '350',
      'New since 31 Jan 2017': '+13'
    });
    expect(table(report, 'Services in setup longest').rows[0]).toMatchObject({
      Service: 'Diabetes',
      'Days in setup': '859'
    });
    expect(text(report)).toContain(
      'Live services with no new registrations since 31 Jan 2017: Haematology and Neuro-oncology.'
    );
    expect(report.fragment.match(/<svg/g)).toHaveLength(2);
  });

  it('at the first snapshot says there is nothing to compare with', async () => {
    const report = await render('steering-committee-monthly', 'committee', '2016-10-31');
    expect(text(report)).toContain('with the previous snapshot (no earlier snapshot)');
    expect(text(report)).toContain(
      'Every live service registered more patients than at the previous snapshot (or there is no previous snapshot).'
    );
    expect(table(report, 'Patients, 31 Oct 2016').row('Patients registered')).toEqual({
      Patients: 'Patients registered',
      'Previous snapshot': '',
      'This snapshot': '247',
      Change: ''
    });
  });

  it('for a funder, names as "no new registrations" exactly the live services the uptake table shows with no growth', async () => {
    const report = await render('steering-committee-monthly', 'funder');
    const shownNoGrowth = table(report, 'Uptake by live service')
      .rows.filter((row) => /^(0|−\d+|-\d+)$/.test(row['New since 31 Jan 2017']))
      .map((row) => row.Service)
      .sort();
    // Exactly, only Haematology and Neuro-oncology did not grow (the committee's list); Psychosis went 11 → 12, shown
    // 10 → 10, and two others also grew by less than the rounding. All five are shown with a change of 0, so all five
    // are listed: a list of the exact two would tell the funder that the other three grew by 1 to 4.
    expect(shownNoGrowth).toEqual([
      'Early Intervention in Psychosis',
      'Haematology',
      'Hepatology',
      'Interstitial lung disease',
      'Neuro-oncology'
    ]);
    expect(text(report)).toContain(
      'Live services with no new registrations since 31 Jan 2017: Early Intervention in Psychosis, Haematology, Hepatology, Interstitial lung disease and Neuro-oncology.'
    );
  });

  it('for a funder, leaves out of the charts what the tables hide', async () => {
    const report = await render('steering-committee-monthly', 'funder');
    const uptake = table(report, 'Uptake by live service');
    // Psychosis registered 12 → 10; 11 a month ago → 10; the change of the rounded figures is 0.
    expect(uptake.row('Early Intervention in Psychosis')).toMatchObject({
      Consented: '15',
      Registered: '10',
      '% of consented': '67%',
      'New since 31 Jan 2017': '0'
    });
    expect(uptake.row('Renal')).toMatchObject({ Registered: '80', 'New since 31 Jan 2017': '+5' });
  });
});

describe('funder-impact', () => {
  it('is controlled by default, and says no coded interviews are loaded', async () => {
    const report = await render('funder-impact');
    expect(report).toMatchObject({ audience: 'funder', profile: 'nhs-digital' });
    const words = text(report);
    expect(words).toContain(
      'By 6 Feb 2017, 1,000 patients had been approached, 600 had consented and 350 had registered to hold their own record: 58% of those who consented.'
    );
    expect(words).toContain('8 of the 13 services approached are live, at 2 of the 4 organisations approached.');
    expect(words).toContain('Half of the live services took 13.3 months or less');
    expect(words).toContain('No coded interviews are loaded yet');
    expect(table(report, 'Services approached and live by care setting').row('Primary care')).toEqual({
      Setting: 'Primary care',
      'Services approached': '1',
      'Services live': '0',
      '% live': '0%'
    });
    // The bars are the rounded counts, in the query's order, labelled as shown.
    const bars = dom(report).querySelectorAll('figure.report-chart')[0];
    expect(bars.querySelector('figcaption')!.textContent).toBe('Patients registered by service at 6 Feb 2017');
    const barLabels = [...bars.querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent);
    // colposcopy 74 → 75, rheumatology 64 → 65, ILD 36 and neuro-oncology 34 → 35, psychosis 12 → 10.
    expect(barLabels).toEqual(['80', '75', '65', '40', '35', '35', '10', '10']);
    expect([...bars.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => t.textContent)).toEqual([
      'Renal',
      'Colposcopy',
      'Rheumatology',
      'Haematology',
      'Interstitial lung disease',
      'Neuro-oncology',
      'Early Intervention in Psychosis',
      'Hepatology'
    ]);
    expect(bars.querySelector('.report-summary')!.textContent).toBe(
      'Bar chart of patients registered by service, 6 Feb 2017: highest Renal (80), lowest Hepatology (10).'
    );
    const line = dom(report).querySelectorAll('figure.report-chart')[1];
    expect(line.querySelector('.report-summary')!.textContent).toBe(
      'Line chart of patients registered, 31 Oct 2016 to 6 Feb 2017: from 245 to 350.'
    );
  });

  it('shows themes and quotes once coded interviews are in the warehouse', async () => {
    const { warehouse: own, dispose: disposeOwn } = await openDemoWarehouse();
    try {
      // Three interviewees in two groups; "Privacy" coded for both groups, "Timescales" for funders only.
      const body = 'R: It took longer than anyone planned. We worried about privacy.';
      await own.connection.run(`
        INSERT INTO participant VALUES ('P01', 'Funder 1', 'funders', NULL, NULL, NULL, now()),
                                       ('P02', 'Funder 2', 'funders', NULL, NULL, NULL, now()),
                                       ('P03', 'Clinician 1', 'clinicians', NULL, NULL, NULL, now());
        INSERT INTO transcript VALUES
          ('T1', 'P01', 'Interview 1', NULL, 'txt', NULL, '${body}', ${body.length}, 1, NULL, true, now(), NULL),
          ('T2', 'P02', 'Interview 2', NULL, 'txt', NULL, '${body}', ${body.length}, 1, NULL, true, now(), NULL),
          ('T3', 'P03', 'Interview 3', NULL, 'txt', NULL, '${body}', ${body.length}, 1, NULL, true, now(), NULL);
        INSERT INTO code_category VALUES ('C', 'Findings', NULL, NULL, 1, now());
        INSERT INTO code VALUES ('K1', 'C', NULL, 'Timescales', NULL, NULL, NULL, NULL, NULL, NULL, false, 1, now()),
                                ('K2', 'C', NULL, 'Privacy', NULL, NULL, NULL, NULL, NULL, NULL, false, 2, now()),
                                ('K3', 'C', NULL, 'Other', NULL, NULL, NULL, NULL, NULL, NULL, true, 3, now());
        INSERT INTO coding VALUES ('G1', 'T1', 3, 39, 'K1', 'r1', now()), ('G2', 'T1', 40, 64, 'K2', 'r1', now()),
                                  ('G3', 'T2', 40, 64, 'K2', 'r1', now()), ('G4', 'T3', 40, 64, 'K2', 'r1', now()),
                                  ('G5', 'T3', 0, 10, 'K3', 'r1', now());
        INSERT INTO matrix_cell VALUES ('M1', 'P01', 'K1', 'Slower than planned [Q1] [Q2]', 'reviewed', 1, now(), NULL),
                                       ('M2', 'P03', 'K2', 'Worried [Q1]', 'drafted', 1, now(), NULL);
        INSERT INTO cell_quote VALUES ('Q1', 'M1', 1, 'G1', 'T1', 3, 39, now(), NULL), ('Q2', 'M1', 2, NULL, 'T1', 0, 10, now(), NULL),
                                      ('Q3', 'M2', 1, 'G4', 'T3', 39, 64, now(), NULL);`);
      const report = await renderNotebook(own.connection, loadNotebook('funder-impact'));
      expect(text(report)).not.toContain('No coded interviews are loaded yet');
      // Most interviewees first (Privacy: 3, Timescales: 1); the "other" bucket is not a theme.
      expect(table(report, 'The themes raised by most interviewees').rows).toEqual([
        { Theme: 'Privacy', 'Raised by': 'clinicians, funders' },
        { Theme: 'Timescales', 'Raised by': 'funders' }
      ]);
      // One quote per theme, in codebook order: the first quote of Timescales, then Privacy's.
      expect(table(report, 'In their own words').rows).toEqual([
        { Theme: 'Timescales', 'Stakeholder group': 'funders', Quote: 'It took longer than anyone planned.' },
        { Theme: 'Privacy', 'Stakeholder group': 'clinicians', Quote: 'We worried about privacy.' }
      ]);
    } finally {
      disposeOwn();
    }
  });
});

describe('charts are drawn from the controlled figures', () => {
  const notebook = [
    '---',
    'title: Sharing',
    '---',
    '```sql name=s',
    'SELECT f.service_name, f.shared_with_carer FROM uptake_funnel f',
    'JOIN service_status s ON s.as_of = f.as_of AND s.service_id = f.service_id',
    'WHERE f.as_of = $as_of AND s.is_live ORDER BY f.service_name',
    '```',
    '```chart s',
    'mark: barX',
    'x: shared_with_carer',
    'y: service_name',
    '```'
  ].join('\n');
  const labels = (report: RenderedReport) =>
    [...dom(report).querySelectorAll('g[aria-label="text"] text')].map((t) => t.textContent);

  it('draws exact bars for the committee', async () => {
    const report = await renderText(notebook, 'committee');
    // By service name: colposcopy 2, psychosis 1, haematology 3, hepatology 0, ILD 3, neuro-oncology 1, renal 6, rheumatology 4.
    expect(labels(report)).toEqual(['2', '1', '3', '0', '3', '1', '6', '4']);
    expect(report.fragment).not.toContain('Not drawn');
  });

  it('leaves out a hidden figure for a funder, and names what it left out', async () => {
    const report = await renderText(notebook, 'funder');
    // Only hepatology's 0 may be drawn: every other service shares with 1 to 7 carers.
    expect(labels(report)).toEqual(['0']);
    expect(dom(report).querySelector('.report-omitted')!.textContent).toBe(
      'Not drawn, because a figure is too small to publish (shown as * in the tables): Colposcopy, Early Intervention in Psychosis, ' +
        'Haematology, Interstitial lung disease, Neuro-oncology, Renal and Rheumatology.'
    );
  });

  it('leaves a hidden point out of a named chart too (steering report, registration trend)', async () => {
    const report = await render('steering-committee-monthly', 'funder');
    // Hepatology went live on 5 Dec 2016 and had 1 to 7 registered at 31 Dec 2016.
    expect(dom(report).querySelector('.report-omitted')!.textContent).toBe(
      'Not drawn, because a figure is too small to publish (shown as * in the tables): Hepatology (31 Dec 2016).'
    );
    const committee = await render('steering-committee-monthly', 'committee');
    expect(committee.fragment).not.toContain('Not drawn');
  });
});

describe('a notebook may name another disclosure profile', () => {
  it('threshold-10: counts under 10 (0 included) hidden, larger ones exact, the profile named', async () => {
    const report = await renderText(
      [
        '---',
        'title: Sharing',
        'profile: threshold-10',
        '---',
        '```sql name=s',
        'SELECT f.service_name, f.registered, f.shared_with_carer FROM uptake_funnel f',
        'JOIN service_status s ON s.as_of = f.as_of AND s.service_id = f.service_id',
        'WHERE f.as_of = $as_of AND s.is_live ORDER BY f.registered DESC, f.service_name',
        '```',
        '```table s',
        'caption: Sharing',
        'column service_name: Service',
        'column registered: Registered',
        'column shared_with_carer: Carer',
        'total: All',
        '```'
      ].join('\n'),
      'funder'
    );
    expect(report.profile).toBe('threshold-10');
    const sharing = table(report, 'Sharing');
    expect(sharing.row('Colposcopy')).toEqual({ Service: 'Colposcopy', Registered: '74', Carer: '*' });
    expect(sharing.row('Hepatology')).toEqual({ Service: 'Hepatology', Registered: '10', Carer: '*' });
    expect(sharing.total).toEqual({ Service: 'All', Registered: '350', Carer: '20' });
    expect(report.fragment).toContain('Disclosure control: <strong>threshold-10</strong>');
    expect(text(report)).toContain(footnote('threshold-10'));
    // The committee still sees exact figures, whatever profile the notebook names for funders.
    const committee = await renderText(
      [
        '---',
        'title: Sharing',
        'profile: threshold-10',
        '---',
        '```sql name=s',
        "SELECT service_name, shared_with_carer FROM uptake_funnel WHERE as_of = $as_of AND service_id = 'IMP-COLP'",
        '```',
        '```table s',
        'caption: Sharing',
        'column service_name: Service',
        'column shared_with_carer: Carer',
        '```'
      ].join('\n'),
      'committee'
    );
    expect(committee.profile).toBe('none');
    expect(table(committee, 'Sharing').rows).toEqual([{ Service: 'Colposcopy', Carer: '2' }]);
  });
});

describe('disclosure control in every controlled report', () => {
  for (const name of ['cie-evaluation-2017', 'steering-committee-monthly', 'funder-impact']) {
    for (const audience of ['funder', 'public']) {
      it(`${name} for the ${audience}: no patient count of 1 to 7, every other a multiple of 5, profile and footnote named`, async () => {
        const report = await render(name, audience);
        expect(report.profile).toBe('nhs-digital');
        const shown = patientCounts(report);
        expect(shown.length).toBeGreaterThan(0);
        for (const value of shown) {
          if (value === '*' || value === '') continue;
          const n = Number(value.replace(/[,+−-]/g, ''));
          expect(Number.isInteger(n), value).toBe(true);
          expect(n % 5, value).toBe(0);
        }
        // Outside signed changes, a shown count is 0 or at least 10: never 1 to 7.
        for (const value of shown.filter((v) => !/^[+−]/.test(v)))
          expect(['*', '', '0'].includes(value) || Number(value.replace(/,/g, '')) >= 10, value).toBe(true);
        expect(report.fragment).toContain('Disclosure control: <strong>nhs-digital</strong>');
        expect(text(report)).toContain(footnote('nhs-digital'));
        expect(report.document).toContain('disclosure profile nhs-digital');
      });
    }
  }
});

describe('uptake report', () => {
  let folder: string;
  let db: string;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'uptake-report-'));
    db = join(folder, 'uptake.duckdb');
    const own = await openWarehouse(db);
    await loadPaths(own, [DEMO_DIR], { rawDir: join(folder, 'raw'), now: DEMO_LOADED_AT });
    own.close();
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  async function uptake(args: string[]) {
    let stdout = '';
    let stderr = '';
    const effects: CliEffects = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      isTTY: false,
      env: {}
    };
    const code = await runCli(['--db', db, ...args], effects);
    return { code, stdout, stderr };
  }

  it('writes the HTML document for the chosen audience and date', async () => {
    const out = join(folder, 'cie.html');
    const result = await uptake([
      'report',
      'cie-evaluation-2017',
      '--audience',
      'funder',
      '--as-of',
      '2017-01-31',
      '--out',
      out
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `Wrote ${out}: Care Information Exchange evaluation: progress to date, as of 2017-01-31, for the funder (disclosure profile nhs-digital).\n`,
      stderr: ''
    });
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Data from 31 Jan 2017');
    expect(html).toContain('<style>');
  });

  it('writes a PDF', async () => {
    const out = join(folder, 'impact.pdf');
    const result = await uptake(['report', 'funder-impact', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Wrote ${out}: Impact report, as of 2017-02-06, for the funder (disclosure profile nhs-digital).\n`
    );
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('takes a path to a notebook file', async () => {
    const path = join(folder, 'mine.md');
    writeFileSync(
      path,
      '---\ntitle: Mine\n---\n```sql name=h services=services_live\nSELECT services_live FROM programme_headline WHERE as_of = $as_of\n```\n{h.services_live} live.\n'
    );
    const out = join(folder, 'mine.html');
    expect((await uptake(['report', path, '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<span class="report-value" data-kind="service-count">8</span> live.');
  });

  it('says clearly what was wrong: unknown notebook, as-of date, audience, output type', async () => {
    const out = join(folder, 'x.html');
    expect(await uptake(['report', 'nope', '--out', out])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'uptake: There is no notebook "nope". Notebooks: cie-evaluation-2017, funder-impact, steering-committee-monthly (or give the path to a .md file).\n'
    });
    expect(await uptake(['report', 'funder-impact', '--as-of', '2017-02-07', '--out', out])).toMatchObject({
      code: 2,
      stderr:
        'uptake: No snapshot is loaded for the as-of date "2017-02-07". Loaded as-of dates: 2016-10-31, 2016-11-30, 2016-12-31, 2017-01-31, 2017-02-06.\n'
    });
    expect(await uptake(['report', 'funder-impact', '--as-of', "' OR 1=1 --", '--out', out])).toMatchObject({
      code: 2,
      stderr: `uptake: --as-of must be a date in the form YYYY-MM-DD, not "' OR 1=1 --".\n`
    });
    const audience = await uptake(['report', 'funder-impact', '--audience', 'board', '--out', out]);
    expect(audience.code).toBe(2);
    expect(audience.stderr).toContain("argument 'board' is invalid. Allowed choices are committee, funder, public.");
    expect(await uptake(['report', 'funder-impact', '--out', join(folder, 'x.docx')])).toMatchObject({
      code: 2,
      stderr: `uptake: --out must end in .html or .pdf, not "${join(folder, 'x.docx')}".\n`
    });
    expect(existsSync(out)).toBe(false);
  });
});
