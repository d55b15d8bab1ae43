/**
 * Accounts: add, list, remove, change role, reset password, and the accounts single sign-on creates on first use.
 * Every change is written to the audit log in the same call, by whoever `by` names (an admin on the web, or the
 * operating-system user at the command line). Removing an account or resetting its password ends its sessions.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';
import { recordAudit, timestampText, type AuditAction, type AuditEvent } from '../audit/log.ts';
import { hashPassword } from './passwords.ts';
import { isRole, ROLES, type Role } from './roles.ts';
import { endSessionsOf } from './sessions.ts';

export interface Account {
  username: string;
  displayName: string | null;
  role: Role;
  /** 'password' for a local account; 'single sign-on' for one made by the organisation's identity provider. */
  signIn: 'password' | 'single sign-on';
  createdAt: string;
  createdBy: string;
  /** Disabled by an admin: cannot sign in. */
  disabled: boolean;
}

/** Who is making a change, for the audit log. */
export interface Actor {
  actor: string;
  actorRole?: string | null;
  source: AuditEvent['source'];
  client?: string | null;
  now?: Date;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

/** Usernames: letters, digits and . _ @ - (an e-mail address fits), 1–100 characters, compared lower-case. */
export function normaliseUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._@-]{0,99}$/.test(username)) {
    throw new AccountError(
      `"${raw.slice(0, 100)}" cannot be a username: use letters, digits and . _ @ - (up to 100 characters).`
    );
  }
  return username;
}

export function checkRole(role: string): Role {
  if (!isRole(role)) throw new AccountError(`There is no role "${role}": the roles are ${ROLES.join(', ')}.`);
  return role;
}

interface AccountRow {
  username: string;
  display_name: string | null;
  role: string;
  password_hash: string | null;
  oidc_subject: string | null;
  created_at: string;
  created_by: string;
  disabled: boolean;
}

function toAccount(row: AccountRow): Account {
  return {
    username: row.username,
    displayName: row.display_name,
    role: checkRole(row.role),
    signIn: row.oidc_subject ? 'single sign-on' : 'password',
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabled: row.disabled
  };
}

export async function listAccounts(connection: DuckDBConnection): Promise<Account[]> {
  const rows = await queryRows<AccountRow>(
    connection,
    `SELECT username, display_name, role, password_hash, oidc_subject, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, created_by,
            disabled_at IS NOT NULL AS disabled
     FROM account ORDER BY username`
  );
  return rows.map(toAccount);
}

export async function findAccount(
  connection: DuckDBConnection,
  username: string
): Promise<(Account & { passwordHash: string | null }) | null> {
  const rows = await queryRows<AccountRow>(
    connection,
    `SELECT username, display_name, role, password_hash, oidc_subject, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at, created_by,
            disabled_at IS NOT NULL AS disabled
     FROM account WHERE username = $1`,
    [username]
  );
  return rows.length ? { ...toAccount(rows[0]), passwordHash: rows[0].password_hash } : null;
}

async function requireAccount(connection: DuckDBConnection, raw: string) {
  const username = normaliseUsername(raw);
  const account = await findAccount(connection, username);
  if (!account) throw new AccountError(`There is no account "${username}".`);
  return account;
}

async function countAdmins(connection: DuckDBConnection): Promise<number> {
  return Number(
    (
      await queryRows<{ n: number }>(
        connection,
        `SELECT count(*)::INTEGER AS n FROM account WHERE role = 'admin' AND disabled_at IS NULL`
      )
    )[0].n
  );
}

export async function addAccount(
  connection: DuckDBConnection,
  input: { username: string; role: string; password: string; displayName?: string | null },
  by: Actor
): Promise<Account> {
  const username = normaliseUsername(input.username);
  const role = checkRole(input.role);
  if (await findAccount(connection, username)) throw new AccountError(`There is already an account "${username}".`);
  const passwordHash = await hashPassword(input.password);
  const at = timestampText(by.now ?? new Date());
  await connection.run(
    `INSERT INTO account (username, display_name, role, password_hash, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5::TIMESTAMP, $6)`,
    [username, input.displayName?.trim() || null, role, passwordHash, at, by.actor]
  );
  await auditAccountChange(connection, by, 'account-add', username, `role ${role}`);
  return (await findAccount(connection, username))!;
}

/** Writes an account change to the audit log, as done by `by`, at `by`'s clock. */
async function auditAccountChange(
  connection: DuckDBConnection,
  by: Actor,
  action: AuditAction,
  target: string,
  detail: string | null
): Promise<void> {
  await recordAudit(connection, { ...by, at: by.now, action, target, detail });
}

/** Refuses to remove, demote or disable the last active admin: nobody could then manage accounts from the web. */
async function keepAnAdmin(connection: DuckDBConnection, account: Account, what: string): Promise<void> {
  if (account.role === 'admin' && !account.disabled && (await countAdmins(connection)) === 1) {
    throw new AccountError(`${account.username} is the only admin: add another admin before you ${what}.`);
  }
}

export async function removeAccount(connection: DuckDBConnection, rawUsername: string, by: Actor): Promise<void> {
  const account = await requireAccount(connection, rawUsername);
  await keepAnAdmin(connection, account, 'remove this account');
  await endSessionsOf(connection, account.username);
  await connection.run('DELETE FROM account WHERE username = $1', [account.username]);
  await auditAccountChange(connection, by, 'account-remove', account.username, `role was ${account.role}`);
}

export async function setRole(
  connection: DuckDBConnection,
  rawUsername: string,
  rawRole: string,
  by: Actor
): Promise<{ from: Role; to: Role }> {
  const account = await requireAccount(connection, rawUsername);
  const role = checkRole(rawRole);
  if (account.role !== role) {
    await keepAnAdmin(connection, account, 'change its role');
    await connection.run('UPDATE account SET role = $1 WHERE username = $2', [role, account.username]);
    await auditAccountChange(connection, by, 'role-change', account.username, `${account.role} → ${role}`);
  }
  return { from: account.role, to: role };
}

export async function resetPassword(
  connection: DuckDBConnection,
  rawUsername: string,
  password: string,
  by: Actor
): Promise<void> {
  const account = await requireAccount(connection, rawUsername);
  if (account.signIn === 'single sign-on') {
    throw new AccountError(
      `${account.username} signs in through the organisation's identity provider and has no Uptake password.`
    );
  }
  const passwordHash = await hashPassword(password);
  await connection.run('UPDATE account SET password_hash = $1 WHERE username = $2', [passwordHash, account.username]);
  // Whoever knew the old password is signed out everywhere.
  await endSessionsOf(connection, account.username);
  await auditAccountChange(connection, by, 'password-reset', account.username, 'sessions ended');
}

/**
 * Disables or re-enables an account. A disabled account cannot sign in (by password or single sign-on) and its
 * sessions end now; nothing else about it changes, so its history in the audit log still names it. The last active
 * admin cannot be disabled, and nobody disables their own account (another admin must).
 */
export async function setDisabled(
  connection: DuckDBConnection,
  rawUsername: string,
  disabled: boolean,
  by: Actor
): Promise<void> {
  const account = await requireAccount(connection, rawUsername);
  if (account.disabled === disabled) return;
  if (disabled) {
    if (account.username === by.actor)
      throw new AccountError('You cannot disable your own account: ask another admin.');
    await keepAnAdmin(connection, account, 'disable this account');
    await connection.run('UPDATE account SET disabled_at = $1::TIMESTAMP WHERE username = $2', [
      timestampText(by.now ?? new Date()),
      account.username
    ]);
    await endSessionsOf(connection, account.username);
  } else {
    await connection.run('UPDATE account SET disabled_at = NULL WHERE username = $1', [account.username]);
  }
  await auditAccountChange(
    connection,
    by,
    disabled ? 'account-disable' : 'account-enable',
    account.username,
    disabled ? 'sessions ended' : null
  );
}

/**
 * Ends an account's lockout: the failed sign-ins before this event no longer count against it (sign-in.ts reads the
 * count from the audit log, from the later of the last successful sign-in and the last unlock). A lock on a client
 * address is not an account's and is not lifted here.
 */
export async function unlockAccount(connection: DuckDBConnection, rawUsername: string, by: Actor): Promise<void> {
  const username = normaliseUsername(rawUsername);
  await auditAccountChange(connection, by, 'account-unlock', username, 'failed sign-ins cleared');
}

/**
 * The account for someone the identity provider vouched for: found by (issuer, subject), created on first sign-in,
 * its role kept in step with the provider's claim (a change is audited as a role change by the provider).
 */
export async function accountForSingleSignOn(
  connection: DuckDBConnection,
  identity: { issuer: string; subject: string; username: string; displayName: string | null; role: Role },
  by: Actor
): Promise<Account> {
  const existing = await queryRows<{ username: string; role: string }>(
    connection,
    'SELECT username, role FROM account WHERE oidc_issuer = $1 AND oidc_subject = $2',
    [identity.issuer, identity.subject]
  );
  if (existing.length) {
    const username = existing[0].username;
    if ((await findAccount(connection, username))?.disabled) {
      throw new AccountError(`The Uptake account "${username}" has been disabled. Ask an Uptake admin.`);
    }
    if (existing[0].role !== identity.role) {
      await connection.run('UPDATE account SET role = $1 WHERE username = $2', [identity.role, username]);
      await auditAccountChange(
        connection,
        by,
        'role-change',
        username,
        `${existing[0].role} → ${identity.role} (from the identity provider's claim)`
      );
    }
    return (await findAccount(connection, username))!;
  }
  const username = normaliseUsername(identity.username);
  if (await findAccount(connection, username)) {
    throw new AccountError(
      `An Uptake account called "${username}" already exists and is not linked to your organisation account. Ask an Uptake admin to remove or rename it.`
    );
  }
  await connection.run(
    `INSERT INTO account (username, display_name, role, oidc_issuer, oidc_subject, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMP, $7)`,
    [
      username,
      identity.displayName,
      identity.role,
      identity.issuer,
      identity.subject,
      timestampText(by.now ?? new Date()),
      by.actor
    ]
  );
  await auditAccountChange(connection, by, 'account-add', username, `role ${identity.role} (single sign-on)`);
  return (await findAccount(connection, username))!;
}
