/**
 * Signing in with a username and password, with a lockout counted three ways, all from the audit log itself (failed
 * 'sign-in' events, with the client address each came from), so the log and the lockout can never disagree and a
 * restart unlocks nobody:
 *
 *  - one username from one client address: LOCKOUT.failures within LOCKOUT.windowMinutes lock that username *from
 *    that address* for LOCKOUT.lockMinutes. Someone guessing at an account locks only themselves: the account's owner,
 *    at another address, still signs in (a lock on the username alone let anyone lock out any account, the admin's
 *    included, with five wrong passwords);
 *  - one client address, any usernames: LOCKOUT.addressFailures lock the address (spraying many usernames);
 *  - one username from every address together: LOCKOUT.accountFailures lock the username everywhere (guessing spread
 *    over many addresses). It takes at least accountFailures / failures addresses to trigger.
 *
 * The count for a username starts again after an admin's unlock (/admin/users) or a successful sign-in (for one
 * address's count, a success from that address); attempts while locked are refused and do not count.
 *
 * A username that does not exist is treated exactly like one that does: the same answer, the same lockout, and the
 * same time spent (a decoy argon2 verification), so the sign-in page never says whether an account exists. A disabled
 * account is told so only when the password is right.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';
import { recordAudit, timestampText } from '../audit/log.ts';
import { findAccount, normaliseUsername } from './accounts.ts';
import { verifyPassword } from './passwords.ts';
import { createSession, pruneSessions } from './sessions.ts';
import type { Viewer } from './roles.ts';

export const LOCKOUT = {
  /** One username from one address: five mistypes is generous for a person, and few guesses for an attacker. */
  failures: 5,
  windowMinutes: 15,
  lockMinutes: 15,
  /**
   * One address, any usernames: an office behind one shared address (NAT) has several people mistyping, so four
   * times the per-username count; a tool spraying many usernames reaches it in seconds.
   */
  addressFailures: 20,
  /**
   * One username, every address: six addresses' worth of the per-username count. Locking an account everywhere then
   * takes an attacker at least six addresses, and online guessing of one account stays near 1,400 a day, far too
   * few for a password of 12 characters or more.
   */
  accountFailures: 30
} as const;

export type SignInResult =
  | { outcome: 'signed-in'; viewer: Viewer; session: { id: string; expiresAt: Date } }
  | { outcome: 'wrong' }
  | { outcome: 'locked'; until: Date }
  /** Too many failures from this client address, whichever usernames. */
  | { outcome: 'address-locked'; until: Date }
  /** The password was right, but an admin has disabled the account. */
  | { outcome: 'disabled' };

const MINUTE = 60_000;

/** The name a failed attempt is counted against: the username as it would be stored, or the typed text. */
function attemptName(raw: string): string {
  try {
    return normaliseUsername(raw);
  } catch {
    return raw.trim().toLowerCase().slice(0, 100) || '(blank)';
  }
}

/** When a run of failures (times in ms, oldest first) locks, or null: `threshold` of them within the window. */
function lockEnd(failures: number[], threshold: number): number | null {
  let until: number | null = null;
  for (let i = threshold - 1; i < failures.length; i++) {
    // The attempt at i is the last of `threshold` within the window: it locks from then.
    if (failures[i] - failures[i - threshold + 1] < LOCKOUT.windowMinutes * MINUTE)
      until = failures[i] + LOCKOUT.lockMinutes * MINUTE;
  }
  return until;
}

interface Failure {
  ms: number;
  sameName: boolean;
  sameClient: boolean;
  /** After the username's last successful sign-in (from anywhere) or unlock. */
  counts: boolean;
  /** After the username's last successful sign-in from this address, or unlock. */
  countsHere: boolean;
}

async function recentFailures(
  connection: DuckDBConnection,
  username: string,
  client: string | null,
  now: Date
): Promise<Failure[]> {
  const horizon = new Date(now.getTime() - (LOCKOUT.windowMinutes + LOCKOUT.lockMinutes) * MINUTE);
  // A success counts from then for the whole username; for one address's count, only a success from that address
  // (the account's owner signing in elsewhere does not give someone guessing at another address five more tries).
  // An admin's unlock counts from then for both.
  const rows = await queryRows<{
    ms: string;
    same_name: boolean;
    same_client: boolean;
    counts: boolean;
    counts_here: boolean;
  }>(
    connection,
    `WITH count_from AS (
       SELECT coalesce(max(occurred_at), '-infinity'::TIMESTAMP) AS anywhere,
              coalesce(max(occurred_at) FILTER (WHERE action = 'account-unlock' OR client IS NOT DISTINCT FROM $2), '-infinity'::TIMESTAMP) AS here
         FROM audit_event
        WHERE (action = 'sign-in' AND outcome = 'ok' AND actor = $1) OR (action = 'account-unlock' AND target = $1)
     )
     SELECT epoch_ms(occurred_at) AS ms, actor = $1 AS same_name, client IS NOT DISTINCT FROM $2 AS same_client,
            occurred_at > (SELECT anywhere FROM count_from) AS counts,
            occurred_at > (SELECT here FROM count_from) AS counts_here
       FROM audit_event
      WHERE action = 'sign-in' AND outcome = 'failed' AND occurred_at > $3::TIMESTAMP
        AND (actor = $1 OR ($2 IS NOT NULL AND client = $2))
      ORDER BY occurred_at`,
    [username, client, timestampText(horizon)]
  );
  return rows.map((r) => ({
    ms: Number(r.ms),
    sameName: r.same_name,
    sameClient: r.same_client,
    counts: r.counts,
    countsHere: r.counts_here
  }));
}

export type Lock = { until: Date; scope: 'account' | 'address' };

/** The lock on `username` signing in from `client` at `now` (the one that ends last), or null. */
export async function lockFor(
  connection: DuckDBConnection,
  username: string,
  client: string | null,
  now: Date = new Date()
): Promise<Lock | null> {
  const failures = await recentFailures(connection, username, client, now);
  const times = (keep: (f: Failure) => boolean) => failures.filter(keep).map((f) => f.ms);
  const locks: Lock[] = [];
  const add = (until: number | null, scope: Lock['scope']) => {
    if (until !== null && until > now.getTime()) locks.push({ until: new Date(until), scope });
  };
  add(
    lockEnd(
      times((f) => f.sameName && f.sameClient && f.countsHere),
      LOCKOUT.failures
    ),
    'account'
  );
  add(
    lockEnd(
      times((f) => f.sameName && f.counts),
      LOCKOUT.accountFailures
    ),
    'account'
  );
  if (client !== null)
    add(
      lockEnd(
        times((f) => f.sameClient),
        LOCKOUT.addressFailures
      ),
      'address'
    );
  return locks.sort((a, b) => b.until.getTime() - a.until.getTime())[0] ?? null;
}

/** When the lock on `username` (from `client`, or from an unknown address) ends, or null when it is not locked. */
export async function lockedUntil(
  connection: DuckDBConnection,
  username: string,
  now: Date = new Date(),
  client: string | null = null
): Promise<Date | null> {
  const lock = await lockFor(connection, username, client, now);
  return lock?.scope === 'account' ? lock.until : null;
}

/**
 * For /admin/users: when `username` is locked from any address (or everywhere), the latest end, and how many
 * addresses it is locked from.
 */
export async function accountLock(
  connection: DuckDBConnection,
  username: string,
  now: Date = new Date()
): Promise<{ until: Date; addresses: number } | null> {
  const clients = await queryRows<{ client: string | null }>(
    connection,
    `SELECT DISTINCT client FROM audit_event
      WHERE action = 'sign-in' AND outcome = 'failed' AND actor = $1 AND occurred_at > $2::TIMESTAMP`,
    [username, timestampText(new Date(now.getTime() - (LOCKOUT.windowMinutes + LOCKOUT.lockMinutes) * MINUTE))]
  );
  let until: Date | null = null;
  let addresses = 0;
  for (const { client } of clients) {
    const lock = await lockedUntil(connection, username, now, client);
    if (lock) {
      addresses++;
      if (!until || lock > until) until = lock;
    }
  }
  return until ? { until, addresses } : null;
}

export async function signInWithPassword(
  connection: DuckDBConnection,
  rawUsername: string,
  password: string,
  context: { client?: string | null; now?: Date } = {}
): Promise<SignInResult> {
  const now = context.now ?? new Date();
  const name = attemptName(rawUsername);
  const audit = {
    actor: name,
    source: 'web' as const,
    client: context.client ?? null,
    at: now,
    action: 'sign-in' as const,
    target: 'password'
  };

  const client = context.client ?? null;
  const lock = await lockFor(connection, name, client, now);
  if (lock) {
    await recordAudit(connection, {
      ...audit,
      outcome: 'refused',
      detail: `${lock.scope === 'address' ? 'address ' : ''}locked until ${timestampText(lock.until).slice(0, 19)} UTC`
    });
    return lock.scope === 'address'
      ? { outcome: 'address-locked', until: lock.until }
      : { outcome: 'locked', until: lock.until };
  }
  let account = null;
  try {
    account = await findAccount(connection, normaliseUsername(rawUsername));
  } catch {
    // not a possible username: answered like any wrong one
  }
  const ok = await verifyPassword(account?.passwordHash ?? null, password);
  if (!ok || !account) {
    await recordAudit(connection, {
      ...audit,
      outcome: 'failed',
      detail: account ? 'wrong password' : 'no such account'
    });
    const lockedNow = await lockFor(connection, name, client, now);
    if (!lockedNow) return { outcome: 'wrong' };
    return lockedNow.scope === 'address'
      ? { outcome: 'address-locked', until: lockedNow.until }
      : { outcome: 'locked', until: lockedNow.until };
  }
  if (account.disabled) {
    await recordAudit(connection, { ...audit, outcome: 'refused', detail: 'account disabled' });
    return { outcome: 'disabled' };
  }
  await pruneSessions(connection, now);
  const session = await createSession(connection, account.username, 'password', now);
  await recordAudit(connection, { ...audit, actorRole: account.role, outcome: 'ok' });
  return {
    outcome: 'signed-in',
    viewer: {
      username: account.username,
      displayName: account.displayName ?? account.username,
      role: account.role,
      demo: false
    },
    session
  };
}
