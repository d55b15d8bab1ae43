/**
 * `uptake users …` and `uptake audit …` (pipeline/cli/users.ts, audit.ts): in-process with a password file, and as a
 * real process reading the password from standard input. Exact output, exit codes, and the audit trail they leave.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliEffects } from '../../pipeline/cli/effects.ts';
import { runCli } from '../../pipeline/cli/program.ts';
import { readPassword } from '../../pipeline/cli/password-input.ts';
import { UsageError } from '../../pipeline/cli/errors.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ME = `cli:${userInfo().username}`;
let folder: string;
let db: string;
let passwordFile: string;

async function uptake(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const effects: CliEffects = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    isTTY: false,
    env: {}
  };
  const code = await runCli(['--db', db, ...args], effects);
  return { code, stdout, stderr };
}

/** The real command, with `input` on its standard input. */
function uptakeProcess(input: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pipeline/cli/main.ts', '--db', db, ...args], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-users-'));
  db = join(folder, 'uptake.duckdb');
  passwordFile = join(folder, 'password.txt');
  writeFileSync(passwordFile, 'a long enough password\nsecond line ignored\n');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('uptake users', () => {
  test('the first admin from standard input, in a real process; nothing to list before', async () => {
    expect(await uptake('users', 'list')).toEqual({
      code: 1,
      stdout: '',
      stderr: `uptake: There is no warehouse at ${db} yet: load files first with \`uptake load <file|folder>\` (or pick another with --db).\n`
    });
    const added = await uptakeProcess(
      'the first admin password\n',
      'users',
      'add',
      'Alice',
      '--role',
      'admin',
      '--name',
      'Alice Admin'
    );
    expect(added).toEqual({ code: 0, stdout: 'Added alice (admin).\n', stderr: '' });
  });

  test('add with --password-file, list, set-role, reset-password, remove', async () => {
    expect(await uptake('users', 'add', 'bob', '--role', 'committee', '--password-file', passwordFile)).toEqual({
      code: 0,
      stdout: 'Added bob (committee).\n',
      stderr: ''
    });
    const list = await uptake('users', 'list', '--json');
    expect(
      JSON.parse(list.stdout).map(
        (a: { username: string; role: string; signIn: string; displayName: string | null; createdBy: string }) => [
          a.username,
          a.role,
          a.signIn,
          a.displayName,
          a.createdBy
        ]
      )
    ).toEqual([
      ['alice', 'admin', 'password', 'Alice Admin', ME],
      ['bob', 'committee', 'password', null, ME]
    ]);
    const text = (await uptake('users', 'list')).stdout.split('\n');
    expect(text[0]).toBe('username  role        sign-in         created');
    expect(text[2]).toMatch(
      new RegExp(`^bob       committee   password        \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d by ${ME}$`)
    );
    expect(await uptake('users', 'set-role', 'BOB', 'funder')).toEqual({
      code: 0,
      stdout: 'bob: committee → funder.\n',
      stderr: ''
    });
    expect(await uptake('users', 'set-role', 'bob', 'funder')).toEqual({
      code: 0,
      stdout: 'bob already has the role funder: nothing changed.\n',
      stderr: ''
    });
    expect(await uptake('users', 'reset-password', 'bob', '--password-file', passwordFile)).toEqual({
      code: 0,
      stdout: 'New password set for bob; its sessions have ended.\n',
      stderr: ''
    });
    expect(await uptake('users', 'remove', 'bob')).toEqual({
      code: 0,
      stdout: 'Removed bob; its sessions have ended.\n',
      stderr: ''
    });
  });

  test('mistakes are usage errors (exit 2) that change nothing', async () => {
    expect(await uptake('users', 'add', 'carol', '--role', 'owner', '--password-file', passwordFile)).toMatchObject({
      code: 2,
      stderr:
        "error: option '--role <role>' argument 'owner' is invalid. Allowed choices are admin, committee, researcher, funder.\n"
    });
    writeFileSync(join(folder, 'short.txt'), 'short\n');
    expect(
      await uptake('users', 'add', 'carol', '--role', 'funder', '--password-file', join(folder, 'short.txt'))
    ).toEqual({
      code: 2,
      stdout: '',
      stderr: 'uptake: A password must be at least 12 characters long.\n'
    });
    expect(await uptake('users', 'add', 'alice', '--role', 'funder', '--password-file', passwordFile)).toMatchObject({
      code: 2,
      stderr: 'uptake: There is already an account "alice".\n'
    });
    expect(await uptake('users', 'remove', 'alice')).toMatchObject({
      code: 2,
      stderr: 'uptake: alice is the only admin: add another admin before you remove this account.\n'
    });
    expect(await uptake('users', 'remove', 'nobody')).toMatchObject({
      code: 2,
      stderr: 'uptake: There is no account "nobody".\n'
    });
    expect(
      await uptake('users', 'add', 'dan', '--role', 'funder', '--password-file', join(folder, 'missing.txt'))
    ).toMatchObject({
      code: 2,
      stderr: `uptake: The password file ${join(folder, 'missing.txt')} could not be read: ENOENT.\n`
    });
    expect(
      JSON.parse((await uptake('users', 'list', '--json')).stdout).map((a: { username: string }) => a.username)
    ).toEqual(['alice']);
  });
});

describe('uptake audit', () => {
  test('--since lists what the commands above did, oldest first; --json; --action; filters are bound, not SQL', async () => {
    const all = await uptake('audit', '--since', '2000-01-01', '--json');
    expect(all.code).toBe(0);
    const events = JSON.parse(all.stdout) as {
      actor: string;
      action: string;
      target: string;
      outcome: string;
      detail: string;
      source: string;
    }[];
    expect(events.map((e) => [e.actor, e.action, e.target, e.detail, e.source])).toEqual([
      [ME, 'account-add', 'alice', 'role admin', 'cli'],
      [ME, 'account-add', 'bob', 'role committee', 'cli'],
      [ME, 'role-change', 'bob', 'committee → funder', 'cli'],
      [ME, 'password-reset', 'bob', 'sessions ended', 'cli'],
      [ME, 'account-remove', 'bob', 'role was funder', 'cli']
    ]);
    const roleChanges = await uptake('audit', '--since', '2000-01-01', '--action', 'role-change');
    const lines = roleChanges.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^when \(UTC\)\s+who\s+what\s+outcome {2}target — detail$/);
    expect(lines[1]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  ${ME}  role-change  ok       bob — committee → funder$`)
    );
    expect(await uptake('audit', '--since', '2999-01-01')).toEqual({
      code: 0,
      stdout: 'No events in that period.\n',
      stderr: ''
    });
    expect(await uptake('audit', '--since', '2000-01-01', '--actor', "' OR 1=1 --")).toEqual({
      code: 0,
      stdout: 'No events in that period.\n',
      stderr: ''
    });
    expect(await uptake('audit', '--since', "2017-01-01' OR 1=1 --")).toEqual({
      code: 2,
      stdout: '',
      stderr: `uptake: "2017-01-01' OR 1=1 --" is not a date: since takes YYYY-MM-DD or YYYY-MM-DD HH:MM.\n`
    });
    expect((await uptake('audit')).code).toBe(2); // --since is required
  });

  test('a load through the command line is in the log, as loaded or as rejected with its first problem', async () => {
    expect((await uptake('load', join(ROOT, 'data/demo'))).code).toBe(0);
    const bad = join(folder, 'uptake-2017-03-06.csv');
    writeFileSync(
      bad,
      'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional\n2017-03-06,NO-SUCH,1,1,1,0,0\n'
    );
    expect((await uptake('load', bad)).code).toBe(1);
    const loads = JSON.parse((await uptake('audit', '--since', '2000-01-01', '--action', 'load', '--json')).stdout) as {
      actor: string;
      target: string;
      outcome: string;
      detail: string;
    }[];
    expect(loads).toHaveLength(2);
    expect(loads[0]).toMatchObject({ actor: ME, target: join(ROOT, 'data/demo'), outcome: 'ok' });
    expect(loads[0].detail).toMatch(/^loaded 8 files, \d+ rows \(batch [\w-]+\)$/);
    expect(loads[1]).toMatchObject({ actor: ME, target: bad, outcome: 'failed' });
    expect(loads[1].detail).toMatch(/^rejected: 1 problem, nothing loaded \(first: /);
  });
});

test('a prompted password must be typed the same twice', async () => {
  const typed = ['first password!', 'other password!'];
  const source = { piped: async () => null, prompt: async () => typed.shift()! };
  await expect(readPassword({}, source)).rejects.toThrow(
    new UsageError('The two passwords are not the same: nothing was changed.')
  );
  const same = ['same password!!', 'same password!!'];
  expect(await readPassword({}, { piped: async () => null, prompt: async () => same.shift()! })).toBe(
    'same password!!'
  );
  expect(await readPassword({}, { piped: async () => 'from a pipe\r\nrest', prompt: async () => 'never' })).toBe(
    'from a pipe'
  );
});

test('while another process (the dashboard) holds the warehouse, account changes exit 3 and say what to do', async () => {
  const { openWarehouse } = await import('../../pipeline/warehouse/open.ts');
  const holder = await openWarehouse(db); // this test process stands in for the running dashboard
  try {
    const result = await uptakeProcess('', 'users', 'add', 'erin', '--role', 'funder', '--password-file', passwordFile);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `^uptake: The database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another process \\(PID \\d+\\)\\. Accounts live in the warehouse: stop the dashboard, run this command again, then start the dashboard\\.\\n$`
      )
    );
  } finally {
    holder.close();
  }
});
