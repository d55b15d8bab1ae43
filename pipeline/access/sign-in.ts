/**
 * Signing in with a username and password, with a lockout: after LOCKOUT.failures failed attempts for one username
 * within LOCKOUT.windowMinutes, that username cannot sign in for LOCKOUT.lockMinutes, counted from the failure that
 * locked it; attempts while locked are refused and do not count. The count comes from the audit log itself (failed
 * 'sign-in' events), so the log and the lockout can never disagree, and a restart does not unlock anyone.
 *
 * A username that does not exist is treated exactly like one that does: the same answer, the same lockout, and the
 * same time spent (a decoy argon2 verification), so the sign-in page never says whether an account exists.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';
import { recordAudit, timestampText } from '../audit/log.ts';
import { findAccount, normaliseUsername } from './accounts.ts';
import { verifyPassword } from './passwords.ts';
import { createSession, pruneSessions } from './sessions.ts';
import type { Viewer } from './roles.ts';

export const LOCKOUT = { failures: 5, windowMinutes: 15, lockMinutes: 15 } as const;

export type SignInResult =
  | { outcome: 'signed-in'; viewer: Viewer; session: { id: string; expiresAt: Date } }
  | { outcome: 'wrong' }
  | { outcome: 'locked'; until: Date };

const MINUTE = 60_000;

/** The name a failed attempt is counted against: the username as it would be stored, or the typed text. */
function attemptName(raw: string): string {
  try {
    return normaliseUsername(raw);
  } catch {
    return raw.trim().toLowerCase().slice(0, 100) || '(blank)';
  }
}

/** When the lock on `username` ends, or null when it is not locked at `now`. */
export async function lockedUntil(
  connection: DuckDBConnection,
  username: string,
  now: Date = new Date()
): Promise<Date | null> {
  const horizon = new Date(now.getTime() - (LOCKOUT.windowMinutes + LOCKOUT.lockMinutes) * MINUTE);
  const failures = (
    await queryRows<{ ms: string }>(
      connection,
      `SELECT epoch_ms(occurred_at) AS ms FROM audit_event
       WHERE action = 'sign-in' AND outcome = 'failed' AND actor = $1 AND occurred_at > $2::TIMESTAMP
         AND occurred_at > coalesce(
           (SELECT max(occurred_at) FROM audit_event WHERE action = 'sign-in' AND outcome = 'ok' AND actor = $1), '-infinity'::TIMESTAMP)
       ORDER BY occurred_at`,
      [username, timestampText(horizon)]
    )
  ).map((r) => Number(r.ms));
  let until: number | null = null;
  for (let i = LOCKOUT.failures - 1; i < failures.length; i++) {
    // The attempt at i is the last of LOCKOUT.failures within the window: it locks the username from then.
    if (failures[i] - failures[i - LOCKOUT.failures + 1] < LOCKOUT.windowMinutes * MINUTE)
      until = failures[i] + LOCKOUT.lockMinutes * MINUTE;
  }
  return until !== null && until > now.getTime() ? new Date(until) : null;
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

  const until = await lockedUntil(connection, name, now);
  if (until) {
    await recordAudit(connection, {
      ...audit,
      outcome: 'refused',
      detail: `locked until ${timestampText(until).slice(0, 19)} UTC`
    });
    return { outcome: 'locked', until };
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
    const lockedNow = await lockedUntil(connection, name, now);
    return lockedNow ? { outcome: 'locked', until: lockedNow } : { outcome: 'wrong' };
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
