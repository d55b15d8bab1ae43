/**
 * The `uptake` command line (pipeline/cli/): exit codes, output formats with exact values, read-only refusal, export
 * layout, and the load/rebuild/status round trip. Most tests run the commands in-process with captured output; a few
 * run the real process (node --import tsx pipeline/cli/main.ts) to prove the exit codes reach the shell.
 *
 * query/export/status use a small warehouse filled by SQL below (fixtureWarehouse), so they do not depend on the loader;
 * the load and rebuild tests use tiny CSV files in Uptake's templates.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DataType, tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliEffects } from '../pipeline/cli/effects.ts';
import { loadProgress } from '../pipeline/cli/progress.ts';
import { runCli } from '../pipeline/cli/program.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';

const ROOT = resolve(import.meta.dirname, '..');
const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-cli-'));
  folders.push(folder);
  return folder;
}
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** Runs `uptake <args>` in-process; returns the exit code and everything written to stdout and stderr. */
async function uptake(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const effects: CliEffects = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
    env
  };
  const code = await runCli(args, effects);
  return { code, stdout, stderr };
}

/** Runs the real command in a child process. */
async function uptakeProcess(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'pipeline/cli/main.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, UPTAKE_DEBUG: '', ...env }
      }
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const HASH_A = '0123456789abcdef'.repeat(4);
const HASH_B = 'fedcba9876543210'.repeat(4);
const HASH_C = 'c'.repeat(64);

/**
 * Three services, three snapshots over two as-of dates, three manifest rows (one rejected). Column lists are named so
 * that later columns added to schema.ts do not break the fixture.
 */
async function fixtureWarehouse(): Promise<string> {
  const path = join(tempFolder(), 'fixture.duckdb');
  const warehouse = await openWarehouse(path);
  await warehouse.connection.run(`
    INSERT INTO programme (programme, launched_on, source_sha256) VALUES ('Care Information Exchange', DATE '2014-10-01', '${HASH_A}');
    INSERT INTO service (service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
                         approached_on, planned_live_on, live_on, source_sha256, loaded_at) VALUES
      ('IMP-COLP', 'Colposcopy, "see and treat"', 'Imperial', 'acute', 'gynaecology', false, false,
       DATE '2016-12-01', DATE '2017-01-15', DATE '2016-12-20', '${HASH_A}', TIMESTAMP '2017-02-07 09:00:00'),
      ('CNWL-EIP', 'Early Intervention in Psychosis', 'CNWL', 'mental health', 'psychiatry', true, true,
       DATE '2015-11-02', DATE '2016-06-01', DATE '2016-08-01', '${HASH_A}', TIMESTAMP '2017-02-07 09:00:00'),
      ('GP-WL', 'GP practices, West London', 'West London CCG', 'primary care', 'general practice', false, false,
       DATE '2016-06-01', NULL, NULL, '${HASH_A}', TIMESTAMP '2017-02-07 09:00:00');
    INSERT INTO snapshot (as_of, service_id, approached, consented, registered, shared_with_carer, shared_with_professional,
                          source_file, loaded_at) VALUES
      (DATE '2017-01-31', 'IMP-COLP', 150, 90, 30, 1, 0, 2, TIMESTAMP '2017-02-07 09:00:00.123456'),
      (DATE '2017-02-06', 'IMP-COLP', 200, 120, 74, 2, 1, 2, TIMESTAMP '2017-02-07 09:00:00.123456'),
      (DATE '2017-02-06', 'CNWL-EIP', 20, 15, 12, 0, NULL, 2, TIMESTAMP '2017-02-07 09:00:00.123456');
    INSERT INTO feature (service_id, feature, category, enabled, enabled_on, source_sha256, loaded_at) VALUES
      ('IMP-COLP', 'results', 'core', true, DATE '2016-12-20', '${HASH_A}', TIMESTAMP '2017-02-07 09:00:00');
    INSERT INTO load_file (batch_id, file_name, sha256, kind, profile, loaded_at, rows, as_of, outcome, bytes, file_id) VALUES
      ('b1', 'services.csv', '${HASH_A}', 'services', 'uptake-templates', TIMESTAMP '2017-02-07 09:00:00', 3, NULL, 'loaded', 400, 1),
      ('b1', 'uptake-2017-02-06.csv', '${HASH_B}', 'uptake', 'uptake-templates', TIMESTAMP '2017-02-07 09:00:00', 3, DATE '2017-02-06', 'loaded', 250, 2),
      ('b2', 'uptake-2017-03-06.csv', '${HASH_C}', 'uptake', 'uptake-templates', TIMESTAMP '2017-03-07 10:30:00', 2, DATE '2017-03-06', 'rejected', 180, 3);
  `);
  warehouse.close();
  return path;
}

let db: string;
beforeAll(async () => {
  db = await fixtureWarehouse();
});

describe('uptake query', () => {
  it('prints an aligned text table, numbers right-aligned, NULL shown as NULL', async () => {
    const { code, stdout } = await uptake([
      '--db',
      db,
      'query',
      "SELECT service_id, as_of, registered, shared_with_professional FROM snapshot WHERE as_of = DATE '2017-02-06' ORDER BY service_id"
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        'service_id  as_of       registered  shared_with_professional',
        '----------  ----------  ----------  ------------------------',
        'CNWL-EIP    2017-02-06          12                      NULL',
        'IMP-COLP    2017-02-06          74                         1',
        '(2 rows)',
        ''
      ].join('\n')
    );
  });

  it('--json prints an array of row objects with numbers as numbers and dates as ISO text', async () => {
    const { code, stdout } = await uptake([
      '--db',
      db,
      'query',
      '--json',
      `SELECT service_id, as_of, registered, registered::DOUBLE / consented AS registration_rate,
              shared_with_professional, count(*) OVER () AS services
         FROM snapshot WHERE as_of = '2017-02-06' ORDER BY service_id`
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        service_id: 'CNWL-EIP',
        as_of: '2017-02-06',
        registered: 12,
        registration_rate: 0.8,
        shared_with_professional: null,
        services: 2
      },
      {
        service_id: 'IMP-COLP',
        as_of: '2017-02-06',
        registered: 74,
        registration_rate: 74 / 120,
        shared_with_professional: 1,
        services: 2
      }
    ]);
  });

  it('--csv prints RFC 4180: CRLF, quoted commas and doubled quotes, NULL as an empty field', async () => {
    const { code, stdout } = await uptake([
      '--db',
      db,
      'query',
      '--csv',
      'SELECT service_id, service_name, live_on FROM service ORDER BY service_id'
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      'service_id,service_name,live_on\r\n' +
        'CNWL-EIP,Early Intervention in Psychosis,2016-08-01\r\n' +
        'GP-WL,"GP practices, West London",\r\n' +
        'IMP-COLP,"Colposcopy, ""see and treat""",2016-12-20\r\n'
    );
  });

  it('--arrow writes a typed Arrow IPC file: Int32/Int64/Float64/Date/Timestamp/Bool/plain Utf8, nulls kept', async () => {
    const file = join(tempFolder(), 'result.arrow');
    const { code, stdout } = await uptake([
      '--db',
      db,
      'query',
      '--arrow',
      file,
      `SELECT s.service_id, s.as_of, s.registered, count(*) OVER () AS services, sum(s.registered) OVER () AS registered_total,
              s.registered::DOUBLE / s.consented AS registration_rate, 1.25::DECIMAL(4,2) AS a_decimal,
              s.shared_with_professional, v.sensitive, s.loaded_at
         FROM snapshot s JOIN service v USING (service_id) WHERE s.as_of = '2017-02-06' ORDER BY s.service_id`
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe(`Wrote 2 rows × 10 columns to ${file} (Arrow IPC file).\n`);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 6).toString()).toBe('ARROW1'); // the IPC *file* format, not a stream
    expect(readdirSync(join(file, '..'))).toEqual(['result.arrow']); // no temporary file left beside it
    const table = tableFromIPC(bytes);
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      service_id: 'Utf8',
      as_of: 'Date32<DAY>',
      registered: 'Int32',
      services: 'Int64',
      registered_total: 'Int64', // sum(INTEGER) is HUGEINT in DuckDB
      registration_rate: 'Float64',
      a_decimal: 'Float64',
      shared_with_professional: 'Int32',
      sensitive: 'Bool',
      loaded_at: 'Timestamp<MICROSECOND>'
    });
    expect(DataType.isDictionary(table.schema.fields[0].type)).toBe(false);
    const column = (name: string) => table.getChild(name)!;
    expect(column('service_id').toArray()).toEqual(['CNWL-EIP', 'IMP-COLP']);
    expect(new Date(column('as_of').get(1) as number).toISOString()).toBe('2017-02-06T00:00:00.000Z');
    expect([...column('registered').toArray()]).toEqual([12, 74]);
    expect(column('services').get(0)).toBe(2n);
    expect(column('registered_total').get(1)).toBe(86n);
    expect(column('registration_rate').get(1)).toBe(74 / 120);
    expect(column('a_decimal').get(0)).toBe(1.25);
    expect(column('shared_with_professional').get(0)).toBeNull();
    expect(column('shared_with_professional').get(1)).toBe(1);
    expect(column('sensitive').toArray()).toEqual([true, false]);
    expect(column('loaded_at').data[0].values[0]).toBe(1486458000123456n); // microseconds kept exactly
  });

  it.each([
    ['DESCRIBE snapshot', 'column_name'],
    ['SHOW TABLES', 'name'],
    ['SUMMARIZE snapshot', 'column_type'],
    ["FROM service SELECT service_id WHERE setting = 'acute'", 'IMP-COLP'],
    ['TABLE programme', 'Care Information Exchange'],
    ['/* a comment */ WITH s AS (SELECT 1 AS one) SELECT one FROM s', 'one'],
    [
      "PIVOT snapshot ON as_of IN ('2017-01-31', '2017-02-06') USING sum(registered) GROUP BY service_id ORDER BY service_id",
      '2017-01-31'
    ],
    [
      'UNPIVOT (SELECT service_id, consented, registered FROM snapshot) ON consented, registered INTO NAME measure VALUE n',
      'measure'
    ],
    ['VALUES (1, 2)', 'col1'],
    ["SELECT '/* not a comment */ ; DROP TABLE snapshot' AS text", 'DROP TABLE snapshot']
  ])('allows the read-only statement %s', async (sql, expected) => {
    const { code, stdout, stderr } = await uptake(['--db', db, 'query', sql]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(expected);
  });

  it.each([
    ['DELETE FROM snapshot', 'starts with DELETE'],
    ['CREATE TABLE x (a INTEGER)', 'starts with CREATE'],
    ['  -- tidy up\n  DROP TABLE snapshot', 'starts with DROP'],
    ["COPY snapshot TO '/tmp/uptake-should-not-exist.csv'", 'starts with COPY'],
    ["ATTACH '/tmp/uptake-should-not-exist.duckdb'", 'starts with ATTACH'],
    ['PRAGMA show_tables', 'starts with PRAGMA'],
    ['SELECT 1; DELETE FROM snapshot', 'more than one statement'],
    ['SELECT 1; SELECT 2', 'more than one statement'],
    ['   ', 'the query is empty']
  ])('refuses %j with exit 2 and changes nothing', async (sql, why) => {
    const { code, stdout, stderr } = await uptake(['--db', db, 'query', sql]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('query runs read-only SQL only');
    expect(stderr).toContain(why);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    const after = await uptake([
      '--db',
      db,
      'query',
      '--json',
      "SELECT (SELECT count(*) FROM snapshot) AS n, (SELECT count(*) FROM duckdb_tables() WHERE table_name = 'x') AS x"
    ]);
    expect(JSON.parse(after.stdout)).toEqual([{ n: 3, x: 0 }]);
    expect(existsSync('/tmp/uptake-should-not-exist.csv')).toBe(false);
  });

  // DuckDB nests block comments; a check that reads the text without nesting them saw PIVOT here, while DuckDB ran a
  // CREATE and then a SELECT. DuckDB's own parser decides now.
  it('refuses a second statement hidden behind nested comments, and leaves nothing behind', async () => {
    const { code, stdout, stderr } = await uptake([
      '--db',
      db,
      'query',
      '/* /* */ PIVOT */ CREATE TEMP TABLE t AS SELECT 42 AS x; SELECT * FROM t'
    ]);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(stderr).toBe(
      'uptake: query runs read-only SQL only, one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement; this holds more than one statement.\n'
    );
  });

  it.each([
    ['PRAGMA show_tables', 'this one starts with PRAGMA'],
    ['EXPLAIN SELECT 1', 'this one starts with EXPLAIN'],
    ['CALL pragma_version()', 'this one starts with CALL'],
    ['/* a /* nested */ comment */ DELETE FROM snapshot', 'this one starts with DELETE']
  ])('refuses %j, which DuckDB prepares as a SELECT or hides behind nested comments', async (sql, why) => {
    const { code, stderr } = await uptake(['--db', db, 'query', sql]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      `query runs read-only SQL only, one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement; ${why}.`
    );
  });

  it('refuses a PIVOT that DuckDB would run as several statements, saying how to write it as one', async () => {
    const { code, stderr } = await uptake([
      '--db',
      db,
      'query',
      'PIVOT snapshot ON as_of USING sum(registered) GROUP BY service_id ORDER BY service_id'
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "a PIVOT without an IN list runs as more than one statement in DuckDB: name the values, as in PIVOT snapshot ON as_of IN ('2017-01-31', '2017-02-06') USING …"
    );
  });

  it.each([
    ["SELECT * FROM read_text('/etc/passwd')"],
    ["SELECT * FROM glob('/etc/*')"],
    ["SELECT * FROM '/etc/hostname'"],
    ["SELECT * FROM read_csv('/etc/hostname')"],
    ["FROM read_blob('/etc/hostname')"]
  ])('refuses to read a file outside the warehouse: %s', async (sql) => {
    const { code, stdout, stderr } = await uptake(['--db', db, 'query', sql]);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(stderr).toBe(
      'uptake: query reads the warehouse only: reading or listing files (read_text, read_csv, glob, a file name in FROM, …) is switched off for it. Load files with `uptake load`.\n'
    );
  });

  it('reports an SQL error in one line with exit 1, and a missing warehouse plainly', async () => {
    const bad = await uptake(['--db', db, 'query', 'SELECT nonexistent_column FROM snapshot']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^uptake: Binder Error: Referenced column "nonexistent_column" not found/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = join(tempFolder(), 'none.duckdb');
    const none = await uptake(['--db', missing, 'query', 'SELECT 1']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `uptake: There is no warehouse at ${missing} yet: load files first with \`uptake load <file|folder>\` (or pick another with --db).\n`
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('shows the whole error (stack, DuckDB context) only with UPTAKE_DEBUG=1', async () => {
    const debug = await uptake(['--db', db, 'query', 'SELECT nonexistent_column FROM snapshot'], { UPTAKE_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toContain('\nLINE 1: SELECT nonexistent_column FROM snapshot\n');
  });

  it('takes the database from UPTAKE_DB when --db is not given', async () => {
    const { code, stdout } = await uptake(['query', '--csv', 'SELECT count(*) AS services FROM service'], {
      UPTAKE_DB: db
    });
    expect(code).toBe(0);
    expect(stdout).toBe('services\r\n3\r\n');
  });

  it('writes CSV that a spreadsheet cannot run: text formulas neutralised, numbers exact and unprefixed', async () => {
    const sql = "SELECT '=1+2' AS formula, '-3' AS text, -3 AS n, 12345678901234567890::HUGEINT AS big, 'a,b' AS comma";
    const { code, stdout } = await uptake(['query', '--csv', sql], { UPTAKE_DB: db });
    expect(code).toBe(0);
    expect(stdout).toBe(`formula,text,n,big,comma\r\n'=1+2,'-3,-3,12345678901234567890,"a,b"\r\n`);
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['status', '--colour'], "unknown option '--colour'"],
    [['query'], "missing required argument 'sql'"],
    [['load'], "missing required argument 'paths'"],
    [['query', '--json', '--csv', 'SELECT 1'], 'Choose one output format, not --json and --csv.'],
    [['export', '--format', 'xlsx', '--out', 'x'], "argument 'xlsx' is invalid"],
    [['export', '--format', 'csv'], "required option '--out <folder>' not specified"],
    [['load', 'no-such-export.csv'], 'No such file or folder: no-such-export.csv'],
    [['load', '--profile', 'no-such-profile', 'data/demo'], 'Profile "no-such-profile" is neither a built-in profile']
  ])('uptake %j', async (args, message) => {
    const { code, stderr } = await uptake(['--db', db, ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('--help exits 0 and lists every command', async () => {
    const { code, stdout } = await uptake(['--help']);
    expect(code).toBe(0);
    for (const command of ['load', 'status', 'rebuild', 'query', 'export'])
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});

describe('uptake status', () => {
  it('lists the files loaded with short hashes, and the latest snapshot', async () => {
    const { code, stdout } = await uptake(['--db', db, 'status']);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `Database: ${db}`,
        'Latest snapshot: 2017-02-06 (2 services)',
        'Files (3):',
        '  file                   kind      as of       rows  outcome   sha256        loaded at',
        '  services.csv           services                 3  loaded    0123456789ab  2017-02-07 09:00:00',
        '  uptake-2017-02-06.csv  uptake    2017-02-06     3  loaded    fedcba987654  2017-02-07 09:00:00',
        '  uptake-2017-03-06.csv  uptake    2017-03-06     2  rejected  cccccccccccc  2017-03-07 10:30:00',
        ''
      ].join('\n')
    );
  });

  it('--json gives full hashes and every field', async () => {
    const { code, stdout } = await uptake(['--db', db, 'status', '--json']);
    expect(code).toBe(0);
    const status = JSON.parse(stdout);
    expect(status.latestSnapshot).toEqual({ asOf: '2017-02-06', services: 2 });
    expect(status.files).toHaveLength(3);
    expect(status.files[1]).toEqual({
      file: 'uptake-2017-02-06.csv',
      sha256: HASH_B,
      kind: 'uptake',
      profile: 'uptake-templates',
      batchId: 'b1',
      loadedAt: '2017-02-07 09:00:00',
      rows: 3,
      asOf: '2017-02-06',
      outcome: 'loaded',
      bytes: 250
    });
  });

  it('says nothing is loaded when the warehouse does not exist yet, without creating it', async () => {
    const missing = join(tempFolder(), 'new.duckdb');
    const { code, stdout } = await uptake(['--db', missing, 'status']);
    expect(code).toBe(0);
    expect(stdout).toBe(`Database: ${missing}\nNothing loaded yet. Load exports with \`uptake load <file|folder>\`.\n`);
    expect(existsSync(missing)).toBe(false);
  });
});

function listFiles(folder: string): string[] {
  return (readdirSync(folder, { recursive: true }) as string[]).filter((f) => !f.endsWith('/')).sort();
}

async function metricViews(): Promise<string[]> {
  const warehouse = await openWarehouse(db, { readOnly: true });
  try {
    return (
      await queryRows<{ name: string }>(
        warehouse.connection,
        "SELECT view_name AS name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1"
      )
    ).map((r) => r.name);
  } finally {
    warehouse.close();
  }
}

describe('uptake export', () => {
  it('parquet: every model table and metric view; as_of relations Hive-partitioned; readable back', async () => {
    const out = join(tempFolder(), 'export');
    const { code, stdout, stderr } = await uptake(['--db', db, 'export', '--format', 'parquet', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Exported \d+ tables and views to .* \(parquet\):\n/);
    const files = listFiles(out);
    for (const table of ['programme', 'service', 'feature', 'load_file']) expect(files).toContain(`${table}.parquet`);
    expect(files.filter((f) => f.startsWith('snapshot/'))).toEqual([
      'snapshot/as_of=2017-01-31',
      'snapshot/as_of=2017-01-31/data_0.parquet',
      'snapshot/as_of=2017-02-06',
      'snapshot/as_of=2017-02-06/data_0.parquet'
    ]);
    const views = await metricViews();
    expect(views.length).toBeGreaterThan(0);
    // A partitioned view with no rows (the equity views, with no characteristics loaded) is an empty folder by design.
    for (const view of views)
      expect(files.some((f) => f === `${view}.parquet` || f === view || f.startsWith(`${view}/`))).toBe(true);
    expect(files).toContain('uptake-export.json');
    expect(readdirSync(join(out, '..'))).toEqual(['export']); // the temporary folder was renamed, nothing left beside it

    const reader = await openWarehouse(':memory:');
    try {
      const rows = await queryRows(
        reader.connection,
        `SELECT service_id, CAST(as_of AS VARCHAR) AS as_of, registered FROM read_parquet('${out}/snapshot/*/*.parquet', hive_partitioning = true) ORDER BY as_of, service_id`
      );
      expect(rows).toEqual([
        { service_id: 'IMP-COLP', as_of: '2017-01-31', registered: 30 },
        { service_id: 'CNWL-EIP', as_of: '2017-02-06', registered: 12 },
        { service_id: 'IMP-COLP', as_of: '2017-02-06', registered: 74 }
      ]);
    } finally {
      reader.close();
    }
    const manifest = JSON.parse(readFileSync(join(out, 'uptake-export.json'), 'utf8'));
    expect(manifest.relations.find((r: { name: string }) => r.name === 'snapshot')).toEqual({
      name: 'snapshot',
      kind: 'table',
      rows: 3,
      path: 'snapshot',
      partitionedBy: 'as_of'
    });
  });

  it('csv and arrow: one file per table and view', async () => {
    const views = await metricViews();
    const expected = (ext: string) =>
      [
        ...['feature', 'load_file', 'programme', 'service', 'snapshot', ...views].map((n) => `${n}.${ext}`),
        'uptake-export.json'
      ].sort();
    const csv = join(tempFolder(), 'csv');
    expect((await uptake(['--db', db, 'export', '--format', 'csv', '--out', csv])).code).toBe(0);
    expect(listFiles(csv)).toEqual(expected('csv'));
    expect(readFileSync(join(csv, 'programme.csv'), 'utf8')).toBe(
      `programme,launched_on,source_sha256\nCare Information Exchange,2014-10-01,${HASH_A}\n`
    );
    const arrow = join(tempFolder(), 'arrow');
    expect((await uptake(['--db', db, 'export', '--format', 'arrow', '--out', arrow])).code).toBe(0);
    expect(listFiles(arrow)).toEqual(expected('arrow'));
    const snapshot = tableFromIPC(readFileSync(join(arrow, 'snapshot.arrow')));
    expect(snapshot.numRows).toBe(3);
    expect(String(snapshot.schema.fields.find((f) => f.name === 'as_of')!.type)).toBe('Date32<DAY>');
  });

  it('replaces an earlier export, but never a folder holding other files', async () => {
    const out = join(tempFolder(), 'again');
    expect((await uptake(['--db', db, 'export', '--format', 'csv', '--out', out])).code).toBe(0);
    expect((await uptake(['--db', db, 'export', '--format', 'parquet', '--out', out])).code).toBe(0);
    expect(listFiles(out).some((f) => f.endsWith('.csv'))).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual(['again']);

    const precious = join(tempFolder(), 'precious');
    mkdirSync(precious);
    writeFileSync(join(precious, 'thesis.docx'), 'years of work');
    const refused = await uptake(['--db', db, 'export', '--format', 'csv', '--out', precious]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `uptake: ${precious} already holds files that are not an Uptake export; choose an empty or new folder for --out.\n`
    );
    expect(readdirSync(precious)).toEqual(['thesis.docx']);
  });
});

/** A tiny programme in Uptake's templates: 2 services, one snapshot. */
function templateFiles(folder: string, registeredColp = 74): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'programme.csv'), 'programme,launched_on\nCare Information Exchange,01/10/2014\n');
  writeFileSync(
    join(folder, 'services.csv'),
    'service_id,service_name,organisation,setting,specialty,sensitive,in_original_bid,approached_on,planned_live_on,live_on\n' +
      'IMP-COLP,Colposcopy,Imperial,acute,gynaecology,no,no,01/12/2016,15/01/2017,20/12/2016\n' +
      'CNWL-EIP,Early Intervention in Psychosis,CNWL,mental health,psychiatry,yes,yes,02/11/2015,01/06/2016,01/08/2016\n'
  );
  writeFileSync(
    join(folder, 'uptake-2017-02-06.csv'),
    'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional\n' +
      `06/02/2017,IMP-COLP,200,120,${registeredColp},2,1\n` +
      '06/02/2017,CNWL-EIP,20,15,12,0,0\n'
  );
  return folder;
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('uptake load, status and rebuild', () => {
  it('loads a folder (exit 0), says "nothing changed" the second time, and rebuild replays it from raw/', async () => {
    const folder = tempFolder();
    const exports = templateFiles(join(folder, 'exports'));
    const target = join(folder, 'uptake.duckdb');

    const first = await uptake(['--db', target, 'load', exports, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(Object.keys(report)).toEqual(['outcome', 'batchId', 'loaded', 'skipped', 'problems']);
    expect(report.outcome).toBe('loaded');
    expect(report.skipped).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(
      report.loaded.map((f: { file: string; kind: string; rows: number; asOf: string | null }) => [
        f.file,
        f.kind,
        f.rows,
        f.asOf
      ])
    ).toEqual([
      ['programme.csv', 'programme', 1, null],
      ['services.csv', 'services', 2, null],
      ['uptake-2017-02-06.csv', 'uptake', 2, '2017-02-06']
    ]);
    const uptakeFile = join(exports, 'uptake-2017-02-06.csv');
    expect(report.loaded[2].sha256).toBe(sha256(uptakeFile));
    expect(existsSync(join(folder, 'raw', `${sha256(uptakeFile)}.csv`))).toBe(true);

    const again = await uptake(['--db', target, 'load', exports]);
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(
      'Already loaded: these 3 files have the same content as files loaded before, so nothing changed.'
    );
    expect((await uptake(['--db', target, 'load', exports, '--quiet-if-loaded'])).stdout).toBe('');

    const status = await uptake(['--db', target, 'status']);
    expect(status.stdout).toContain('Latest snapshot: 2017-02-06 (2 services)');
    expect(status.stdout).toContain(
      `uptake-2017-02-06.csv  uptake     2017-02-06     2  loaded   ${sha256(uptakeFile).slice(0, 12)}`
    );

    const rebuilt = await uptake(['--db', target, 'rebuild']);
    expect(rebuilt.stderr).toBe('');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toBe(`Rebuilt ${target} from ${join(folder, 'raw')}: 3 files in 1 batch replayed.\n`);
    const after = await uptake([
      '--db',
      target,
      'query',
      '--json',
      'SELECT service_id, registered FROM snapshot ORDER BY service_id'
    ]);
    expect(JSON.parse(after.stdout)).toEqual([
      { service_id: 'CNWL-EIP', registered: 12 },
      { service_id: 'IMP-COLP', registered: 74 }
    ]);
  });

  it('rejects a batch with a problem (exit 1), naming file, row, column and value, and loads nothing', async () => {
    const folder = tempFolder();
    const exports = templateFiles(join(folder, 'exports'), 130); // 130 registered of 120 consented
    const target = join(folder, 'uptake.duckdb');
    const text = await uptake(['--db', target, 'load', exports]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^Rejected: 1 problem found; nothing was loaded into /);
    expect(text.stderr).toMatch(/^ {2}uptake-2017-02-06\.csv:2:registered: "130" — .*\(registered-over-consented\)$/m);

    const json = await uptake(['--db', target, 'load', exports, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.outcome).toBe('rejected');
    expect(report.loaded).toEqual([]);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({
      file: 'uptake-2017-02-06.csv',
      row: 2,
      column: 'registered',
      value: '130',
      rule: 'registered-over-consented',
      severity: 'error'
    });
    expect(Object.keys(report.problems[0]).sort()).toEqual([
      'column',
      'file',
      'message',
      'row',
      'rule',
      'severity',
      'value'
    ]);
    const counts = await uptake([
      '--db',
      target,
      'query',
      '--json',
      'SELECT (SELECT count(*) FROM snapshot) AS snapshots, (SELECT count(*) FROM service) AS services'
    ]);
    expect(JSON.parse(counts.stdout)).toEqual([{ snapshots: 0, services: 0 }]);
  });
});

describe('the real process', () => {
  it('exit 0 for a query, 2 for an unknown option, 1 for a rejected load', async () => {
    const folder = tempFolder();
    // Independent processes (two only read the fixture), so they run side by side.
    const [ok, usage, rejected] = await Promise.all([
      uptakeProcess(['query', '--csv', "SELECT count(*) AS n FROM snapshot WHERE as_of = '2017-02-06'"], {
        UPTAKE_DB: db
      }),
      uptakeProcess(['--db', db, 'status', '--verbose']),
      uptakeProcess(['--db', join(folder, 'w.duckdb'), 'load', '--json', templateFiles(join(folder, 'in'), 130)])
    ]);
    expect([ok.code, ok.stdout, ok.stderr]).toEqual([0, 'n\r\n2\r\n', '']);
    expect([usage.code, usage.stderr]).toEqual([2, "error: unknown option '--verbose'\n"]);
    expect(rejected.code).toBe(1);
    expect(JSON.parse(rejected.stdout).outcome).toBe('rejected');
  });

  it('exit 3 when another process holds the database, naming it and saying what to do', async () => {
    const folder = tempFolder();
    const held = join(folder, 'held.duckdb');
    const holder = await openWarehouse(held); // this test process is the "other process"
    try {
      const result = await uptakeProcess(['--db', held, 'load', templateFiles(join(folder, 'in'))]);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`uptake: The database ${held} is in use by another process (PID ${process.pid}`);
      expect(result.stderr).toContain(
        'load files through its Data → Upload page, or stop it and run this command again.'
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      const json = await uptakeProcess(['--db', held, 'load', '--json', join(folder, 'in')]);
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout)).toMatchObject({ outcome: 'error', exitCode: 3 });
    } finally {
      holder.close();
    }
  });
});

describe('the load progress bar', () => {
  /** A clock we advance by hand, and a bar that records what it was asked to draw. */
  function harness(enabled = true) {
    const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
    let now = 0;
    const drawn: string[] = [];
    const progress = loadProgress({
      enabled,
      delayMs: 1000,
      setTimer: (run, ms) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return () => void (timer.cancelled = true);
      },
      createBar: () => ({
        start: (total, value, payload) => drawn.push(`start ${value}/${total} ${JSON.stringify(payload)}`),
        update: (value, payload) => drawn.push(`update ${value} ${JSON.stringify(payload)}`),
        setTotal: (total) => drawn.push(`total ${total}`),
        stop: () => drawn.push('stop')
      })
    });
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers)
        if (!t.cancelled && t.at <= now) {
          t.cancelled = true;
          t.run();
        }
    };
    return { progress, drawn, advance };
  }

  it('draws nothing for a load that ends within a second', () => {
    const { progress, drawn, advance } = harness();
    progress.onProgress({ file: 'a.csv', phase: 'read', done: 0, total: 2 });
    advance(900);
    progress.onProgress({ file: 'b.csv', phase: 'read', done: 1, total: 2 });
    progress.finish();
    advance(5000);
    expect(drawn).toEqual([]);
  });

  it('starts after a second with the latest event, follows the loader, and completes on finish', () => {
    const { progress, drawn, advance } = harness();
    progress.onProgress({ file: 'big.csv', phase: 'read', done: 0, total: 1 });
    advance(500);
    progress.onProgress({ file: 'big.csv', phase: 'check', done: 0, total: 1 });
    advance(500);
    progress.onProgress({ file: 'big.csv', phase: 'write', done: 0, total: 1 });
    progress.finish();
    expect(drawn).toEqual([
      'start 0/1 {"file":"big.csv","phase":"checking"}',
      'total 1',
      'update 0 {"file":"big.csv","phase":"writing"}',
      'update 1 {"file":"big.csv","phase":"writing"}',
      'stop'
    ]);
  });

  it('never draws when disabled (--json, or not a terminal)', () => {
    const { progress, drawn, advance } = harness(false);
    progress.onProgress({ file: 'big.csv', phase: 'read', done: 0, total: 1 });
    advance(3000);
    progress.finish();
    expect(drawn).toEqual([]);
  });
});
