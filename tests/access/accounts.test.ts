/**
 * Accounts, passwords, sessions and the lockout (pipeline/access), on an in-memory warehouse with a fixed clock:
 * argon2id hashes, the last-admin rule, sessions stored hashed and ended by expiry, idleness, sign-out, removal and
 * password reset, and the lockout after 5 failures in 15 minutes, for names that exist and names that do not.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';
import {
  AccountError,
  addAccount,
  accountForSingleSignOn,
  listAccounts,
  normaliseUsername,
  removeAccount,
  resetPassword,
  setDisabled,
  setRole,
  unlockAccount
} from '../../pipeline/access/accounts.ts';
import { hashPassword, PasswordRuleError, verifyPassword } from '../../pipeline/access/passwords.ts';
import {
  createSession,
  endSession,
  findSession,
  hashSessionId,
  SESSION_IDLE_MS,
  SESSION_LIFETIME_MS
} from '../../pipeline/access/sessions.ts';
import { accountLock, LOCKOUT, lockedUntil, signInWithPassword } from '../../pipeline/access/sign-in.ts';

const T0 = new Date('2017-02-07T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const by = { actor: 'cli:tester', source: 'cli' as const, now: T0 };
const PASSWORD = 'correct horse battery';

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse(':memory:');
  await addAccount(
    warehouse.connection,
    { username: 'Alice', role: 'admin', password: PASSWORD, displayName: 'Alice Admin' },
    by
  );
});
afterEach(() => warehouse.close());

const audit = () =>
  queryRows<{ actor: string; action: string; target: string | null; outcome: string; detail: string | null }>(
    warehouse.connection,
    'SELECT actor, action, target, outcome, detail FROM audit_event ORDER BY occurred_at, action'
  );

describe('passwords', () => {
  test('argon2id at OWASP settings, verified, and never stored in plain text', async () => {
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, PASSWORD + ' ')).toBe(false);
    expect(await verifyPassword(null, PASSWORD)).toBe(false);
    expect(await verifyPassword('not a hash', PASSWORD)).toBe(false);
    const [row] = await queryRows<{ password_hash: string }>(warehouse.connection, 'SELECT password_hash FROM account');
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  test('a password shorter than 12 characters is refused with the rule', async () => {
    await expect(hashPassword('short')).rejects.toThrow(
      new PasswordRuleError('A password must be at least 12 characters long.')
    );
  });
});

describe('accounts', () => {
  test('usernames are trimmed and lower-case; odd ones are refused', () => {
    expect(normaliseUsername('  Alice.Smith@NHS.net ')).toBe('alice.smith@nhs.net');
    expect(() => normaliseUsername("' OR 1=1 --")).toThrow(AccountError);
    expect(() => normaliseUsername('../admin')).toThrow(AccountError);
  });

  test('add, list, change role, remove; each change in the audit log by who made it', async () => {
    await addAccount(
      warehouse.connection,
      { username: 'bob', role: 'committee', password: PASSWORD },
      { ...by, now: at(1) }
    );
    await expect(
      addAccount(warehouse.connection, { username: 'BOB', role: 'funder', password: PASSWORD }, by)
    ).rejects.toThrow('There is already an account "bob".');
    await expect(
      addAccount(warehouse.connection, { username: 'carol', role: 'owner', password: PASSWORD }, by)
    ).rejects.toThrow('There is no role "owner": the roles are admin, committee, researcher, funder.');
    expect((await listAccounts(warehouse.connection)).map((a) => [a.username, a.role, a.signIn, a.createdBy])).toEqual([
      ['alice', 'admin', 'password', 'cli:tester'],
      ['bob', 'committee', 'password', 'cli:tester']
    ]);
    expect(await setRole(warehouse.connection, 'bob', 'funder', { ...by, now: at(2) })).toEqual({
      from: 'committee',
      to: 'funder'
    });
    await removeAccount(warehouse.connection, 'bob', { ...by, now: at(3) });
    expect((await listAccounts(warehouse.connection)).map((a) => a.username)).toEqual(['alice']);
    expect(await audit()).toEqual([
      { actor: 'cli:tester', action: 'account-add', target: 'alice', outcome: 'ok', detail: 'role admin' },
      { actor: 'cli:tester', action: 'account-add', target: 'bob', outcome: 'ok', detail: 'role committee' },
      { actor: 'cli:tester', action: 'role-change', target: 'bob', outcome: 'ok', detail: 'committee → funder' },
      { actor: 'cli:tester', action: 'account-remove', target: 'bob', outcome: 'ok', detail: 'role was funder' }
    ]);
  });

  test('the last admin can be neither removed nor demoted', async () => {
    await expect(removeAccount(warehouse.connection, 'alice', by)).rejects.toThrow(
      'alice is the only admin: add another admin before you remove this account.'
    );
    await expect(setRole(warehouse.connection, 'alice', 'committee', by)).rejects.toThrow('alice is the only admin');
    await addAccount(warehouse.connection, { username: 'dave', role: 'admin', password: PASSWORD }, by);
    await setRole(warehouse.connection, 'alice', 'committee', by);
    expect((await listAccounts(warehouse.connection)).find((a) => a.username === 'alice')?.role).toBe('committee');
  });

  test('single sign-on makes an account on first use and keeps its role in step with the claim', async () => {
    const identity = {
      issuer: 'https://id.example',
      subject: 'sub-1',
      username: 'r.jones@nhs.net',
      displayName: 'R Jones',
      role: 'researcher' as const
    };
    const first = await accountForSingleSignOn(warehouse.connection, identity, {
      actor: 'single sign-on',
      source: 'web',
      now: at(1)
    });
    expect(first).toMatchObject({
      username: 'r.jones@nhs.net',
      role: 'researcher',
      signIn: 'single sign-on',
      displayName: 'R Jones'
    });
    const again = await accountForSingleSignOn(
      warehouse.connection,
      { ...identity, role: 'committee' },
      { actor: 'single sign-on', source: 'web', now: at(2) }
    );
    expect(again.role).toBe('committee');
    await expect(
      accountForSingleSignOn(
        warehouse.connection,
        { ...identity, subject: 'sub-2', username: 'alice' },
        { actor: 'single sign-on', source: 'web' }
      )
    ).rejects.toThrow(
      'An Uptake account called "alice" already exists and is not linked to your organisation account.'
    );
    await expect(resetPassword(warehouse.connection, 'r.jones@nhs.net', PASSWORD, by)).rejects.toThrow(
      'has no Uptake password'
    );
    expect((await audit()).slice(1)).toEqual([
      {
        actor: 'single sign-on',
        action: 'account-add',
        target: 'r.jones@nhs.net',
        outcome: 'ok',
        detail: 'role researcher (single sign-on)'
      },
      {
        actor: 'single sign-on',
        action: 'role-change',
        target: 'r.jones@nhs.net',
        outcome: 'ok',
        detail: "researcher → committee (from the identity provider's claim)"
      }
    ]);
  });
});

describe('sessions', () => {
  test('the id is 256 random bits; only its SHA-256 is stored', async () => {
    const { id, expiresAt } = await createSession(warehouse.connection, 'alice', 'password', T0);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(expiresAt.getTime() - T0.getTime()).toBe(8 * 60 * 60 * 1000);
    const rows = await queryRows<{ session_hash: string }>(warehouse.connection, 'SELECT session_hash FROM session');
    expect(rows).toEqual([{ session_hash: hashSessionId(id) }]);
    expect(JSON.stringify(rows)).not.toContain(id);
  });

  test('found while fresh; gone after 8 hours, after 60 idle minutes, after sign-out, removal or a password reset', async () => {
    const { id } = await createSession(warehouse.connection, 'alice', 'password', T0);
    expect((await findSession(warehouse.connection, id, at(30)))?.viewer).toEqual({
      username: 'alice',
      displayName: 'Alice Admin',
      role: 'admin',
      demo: false
    });
    // Requests every 50 minutes keep it alive (last seen is refreshed), but never past 8 hours.
    for (let m = 80; m < 480; m += 50) expect(await findSession(warehouse.connection, id, at(m))).not.toBeNull();
    expect(await findSession(warehouse.connection, id, at(SESSION_LIFETIME_MS / 60_000))).toBeNull();

    const idle = await createSession(warehouse.connection, 'alice', 'password', T0);
    expect(await findSession(warehouse.connection, idle.id, at(SESSION_IDLE_MS / 60_000 + 1))).toBeNull();

    const signedOut = await createSession(warehouse.connection, 'alice', 'password', T0);
    await endSession(warehouse.connection, signedOut.id);
    expect(await findSession(warehouse.connection, signedOut.id, at(1))).toBeNull();

    await addAccount(warehouse.connection, { username: 'erin', role: 'researcher', password: PASSWORD }, by);
    const erin = await createSession(warehouse.connection, 'erin', 'password', T0);
    await resetPassword(warehouse.connection, 'erin', 'another long password', by);
    expect(await findSession(warehouse.connection, erin.id, at(1))).toBeNull();
    const erin2 = await createSession(warehouse.connection, 'erin', 'password', T0);
    await removeAccount(warehouse.connection, 'erin', by);
    expect(await findSession(warehouse.connection, erin2.id, at(1))).toBeNull();

    expect(await findSession(warehouse.connection, "' OR 1=1 --", at(1))).toBeNull();
  });

  test('a role change applies to the next request of a live session', async () => {
    await addAccount(warehouse.connection, { username: 'frank', role: 'committee', password: PASSWORD }, by);
    const { id } = await createSession(warehouse.connection, 'frank', 'password', T0);
    await setRole(warehouse.connection, 'frank', 'funder', by);
    expect((await findSession(warehouse.connection, id, at(1)))?.viewer.role).toBe('funder');
  });
});

describe('sign-in and lockout', () => {
  test('the right password signs in; a wrong one and an unknown name get the same answer', async () => {
    const ok = await signInWithPassword(warehouse.connection, ' ALICE ', PASSWORD, { now: T0, client: '127.0.0.1' });
    expect(ok.outcome).toBe('signed-in');
    expect(await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(1) })).toEqual({
      outcome: 'wrong'
    });
    expect(await signInWithPassword(warehouse.connection, 'nobody', PASSWORD, { now: at(2) })).toEqual({
      outcome: 'wrong'
    });
    expect(await signInWithPassword(warehouse.connection, "' OR 1=1 --", PASSWORD, { now: at(3) })).toEqual({
      outcome: 'wrong'
    });
    // The log tells an admin which it was; the person signing in is not told.
    expect((await audit()).slice(1)).toEqual([
      { actor: 'alice', action: 'sign-in', target: 'password', outcome: 'ok', detail: null },
      { actor: 'alice', action: 'sign-in', target: 'password', outcome: 'failed', detail: 'wrong password' },
      { actor: 'nobody', action: 'sign-in', target: 'password', outcome: 'failed', detail: 'no such account' },
      { actor: "' or 1=1 --", action: 'sign-in', target: 'password', outcome: 'failed', detail: 'no such account' }
    ]);
  });

  test(`${LOCKOUT.failures} failures within ${LOCKOUT.windowMinutes} minutes lock the name for ${LOCKOUT.lockMinutes} minutes, even with the right password`, async () => {
    // Failures at minutes 0, 2, 4, 6: still open. The fifth, at 8, locks it until 8 + 15 = 23.
    for (const m of [0, 2, 4, 6])
      expect(
        (await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(m) })).outcome
      ).toBe('wrong');
    expect(await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(8) })).toEqual({
      outcome: 'locked',
      until: at(23)
    });
    expect(await signInWithPassword(warehouse.connection, 'alice', PASSWORD, { now: at(22) })).toEqual({
      outcome: 'locked',
      until: at(23)
    });
    expect((await signInWithPassword(warehouse.connection, 'alice', PASSWORD, { now: at(23) })).outcome).toBe(
      'signed-in'
    );
    const refused = (await audit()).filter((e) => e.outcome === 'refused');
    expect(refused).toEqual([
      {
        actor: 'alice',
        action: 'sign-in',
        target: 'password',
        outcome: 'refused',
        detail: 'locked until 2017-02-07 09:23:00 UTC'
      }
    ]);
  });

  test('failures spread wider than the window do not lock; a success starts the count again', async () => {
    for (const m of [0, 5, 10, 15])
      await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(m) });
    // 0..15 then 16: the five span 16 minutes, wider than 15: not locked.
    expect((await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(16) })).outcome).toBe(
      'wrong'
    );
    expect(await lockedUntil(warehouse.connection, 'alice', at(16))).toBeNull();
    expect((await signInWithPassword(warehouse.connection, 'alice', PASSWORD, { now: at(17) })).outcome).toBe(
      'signed-in'
    );
    for (const m of [18, 19, 20, 21])
      expect(
        (await signInWithPassword(warehouse.connection, 'alice', 'wrong password!!', { now: at(m) })).outcome
      ).toBe('wrong');
  });

  test('a name that does not exist locks the same way, so the lockout reveals nothing', async () => {
    for (const m of [0, 1, 2, 3]) await signInWithPassword(warehouse.connection, 'ghost', PASSWORD, { now: at(m) });
    expect(await signInWithPassword(warehouse.connection, 'ghost', PASSWORD, { now: at(4) })).toEqual({
      outcome: 'locked',
      until: at(19)
    });
    // Another name is not affected.
    expect((await signInWithPassword(warehouse.connection, 'alice', PASSWORD, { now: at(5) })).outcome).toBe(
      'signed-in'
    );
  });
});

describe('the lockout counts per username and address, per address, and per username everywhere', () => {
  const from = (client: string, minutes: number) => ({ client, now: at(minutes) });
  const wrong = 'wrong password!!';

  test(`${LOCKOUT.failures} failures at one address lock the username there only: its owner elsewhere still signs in`, async () => {
    for (const m of [0, 1, 2, 3])
      expect((await signInWithPassword(warehouse.connection, 'alice', wrong, from('10.0.0.66', m))).outcome).toBe(
        'wrong'
      );
    expect(await signInWithPassword(warehouse.connection, 'alice', wrong, from('10.0.0.66', 4))).toEqual({
      outcome: 'locked',
      until: at(19)
    });
    expect(await signInWithPassword(warehouse.connection, 'alice', PASSWORD, from('10.0.0.66', 5))).toEqual({
      outcome: 'locked',
      until: at(19)
    });
    // The admin, at her own address, is not locked out by someone guessing elsewhere...
    expect((await signInWithPassword(warehouse.connection, 'alice', PASSWORD, from('10.0.0.1', 6))).outcome).toBe(
      'signed-in'
    );
    // ...and her success there gives the guesser no fresh tries.
    expect((await signInWithPassword(warehouse.connection, 'alice', PASSWORD, from('10.0.0.66', 7))).outcome).toBe(
      'locked'
    );
    expect(await accountLock(warehouse.connection, 'alice', at(7))).toEqual({ until: at(19), addresses: 1 });
    expect(await accountLock(warehouse.connection, 'alice', at(19))).toBeNull();
  });

  test(`${LOCKOUT.addressFailures} failures from one address, whatever the usernames, lock that address`, async () => {
    await addAccount(warehouse.connection, { username: 'cal', role: 'committee', password: PASSWORD }, by);
    for (let i = 0; i < LOCKOUT.addressFailures - 1; i++)
      expect(
        (await signInWithPassword(warehouse.connection, `user${i}`, wrong, from('10.0.0.77', i / 10))).outcome
      ).toBe('wrong');
    // The 20th, at minute 2.0, locks the address until 17.0.
    expect(await signInWithPassword(warehouse.connection, 'user19', wrong, from('10.0.0.77', 2))).toEqual({
      outcome: 'address-locked',
      until: at(17)
    });
    expect(await signInWithPassword(warehouse.connection, 'cal', PASSWORD, from('10.0.0.77', 3))).toEqual({
      outcome: 'address-locked',
      until: at(17)
    });
    expect((await signInWithPassword(warehouse.connection, 'cal', PASSWORD, from('10.0.0.1', 3))).outcome).toBe(
      'signed-in'
    );
    const refused = (await audit()).filter((e) => e.outcome === 'refused');
    expect(refused).toEqual([
      {
        actor: 'cal',
        action: 'sign-in',
        target: 'password',
        outcome: 'refused',
        detail: 'address locked until 2017-02-07 09:17:00 UTC'
      }
    ]);
  });

  test(`${LOCKOUT.accountFailures} failures for one username from many addresses lock it everywhere; an admin's unlock ends it`, async () => {
    await addAccount(warehouse.connection, { username: 'bob', role: 'researcher', password: PASSWORD }, by);
    // Six addresses, five failures each, 0.1 minutes apart: the 30th, at minute 2.9, locks bob everywhere until 17.9.
    let n = 0;
    for (let address = 1; address <= 6; address++)
      for (let i = 0; i < 5; i++)
        await signInWithPassword(warehouse.connection, 'bob', wrong, from(`10.0.1.${address}`, n++ / 10));
    expect(await signInWithPassword(warehouse.connection, 'bob', PASSWORD, from('10.0.9.9', 3))).toEqual({
      outcome: 'locked',
      until: at(17.9)
    });
    expect(await accountLock(warehouse.connection, 'bob', at(3))).toEqual({ until: at(17.9), addresses: 6 });
    await unlockAccount(warehouse.connection, 'bob', { actor: 'alice', actorRole: 'admin', source: 'web', now: at(4) });
    expect(await accountLock(warehouse.connection, 'bob', at(5))).toBeNull();
    expect((await signInWithPassword(warehouse.connection, 'bob', PASSWORD, from('10.0.9.9', 5))).outcome).toBe(
      'signed-in'
    );
    expect((await audit()).filter((e) => e.action === 'account-unlock')).toEqual([
      { actor: 'alice', action: 'account-unlock', target: 'bob', outcome: 'ok', detail: 'failed sign-ins cleared' }
    ]);
  });
});

describe('disabling an account', () => {
  test('a disabled account cannot sign in, its sessions end, and it is told so only with the right password', async () => {
    await addAccount(warehouse.connection, { username: 'dan', role: 'funder', password: PASSWORD }, by);
    const { id } = await createSession(warehouse.connection, 'dan', 'password', T0);
    await setDisabled(warehouse.connection, 'dan', true, { ...by, now: at(1) });
    expect(await findSession(warehouse.connection, id, at(2))).toBeNull();
    expect((await listAccounts(warehouse.connection)).find((a) => a.username === 'dan')?.disabled).toBe(true);
    expect(await signInWithPassword(warehouse.connection, 'dan', 'wrong password!!', { now: at(3) })).toEqual({
      outcome: 'wrong'
    });
    expect(await signInWithPassword(warehouse.connection, 'dan', PASSWORD, { now: at(4) })).toEqual({
      outcome: 'disabled'
    });
    await setDisabled(warehouse.connection, 'dan', false, { ...by, now: at(5) });
    expect((await signInWithPassword(warehouse.connection, 'dan', PASSWORD, { now: at(6) })).outcome).toBe('signed-in');
    expect((await audit()).filter((e) => e.action.startsWith('account-') && e.target === 'dan')).toEqual([
      { actor: 'cli:tester', action: 'account-add', target: 'dan', outcome: 'ok', detail: 'role funder' },
      { actor: 'cli:tester', action: 'account-disable', target: 'dan', outcome: 'ok', detail: 'sessions ended' },
      { actor: 'cli:tester', action: 'account-enable', target: 'dan', outcome: 'ok', detail: null }
    ]);
  });

  test('the last active admin cannot be disabled, and nobody disables their own account', async () => {
    await expect(setDisabled(warehouse.connection, 'alice', true, by)).rejects.toThrow(
      'alice is the only admin: add another admin before you disable this account.'
    );
    await addAccount(warehouse.connection, { username: 'ann', role: 'admin', password: PASSWORD }, by);
    await expect(setDisabled(warehouse.connection, 'alice', true, { ...by, actor: 'alice' })).rejects.toThrow(
      'You cannot disable your own account: ask another admin.'
    );
    await setDisabled(warehouse.connection, 'alice', true, { ...by, actor: 'ann' });
    // ann is now the only active admin: she can be neither disabled nor demoted.
    await expect(setRole(warehouse.connection, 'ann', 'committee', by)).rejects.toThrow(
      'ann is the only admin: add another admin before you change its role.'
    );
  });
});

test('a warehouse made before accounts could be disabled gains the column on opening, every account active', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-accounts-'));
  try {
    const path = join(folder, 'old.duckdb');
    const old = await openWarehouse(path);
    await addAccount(old.connection, { username: 'olga', role: 'committee', password: PASSWORD }, by);
    await old.connection.run('ALTER TABLE account DROP COLUMN disabled_at'); // as a file from before the change
    old.close();
    const reopened = await openWarehouse(path);
    try {
      expect((await listAccounts(reopened.connection)).map((a) => [a.username, a.disabled])).toEqual([['olga', false]]);
      expect((await signInWithPassword(reopened.connection, 'olga', PASSWORD, { now: T0 })).outcome).toBe('signed-in');
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
