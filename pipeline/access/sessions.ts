/**
 * Sessions: a random 256-bit id in an HttpOnly cookie; the warehouse keeps only its SHA-256, so neither a copy of
 * the database nor the audit log holds a usable session. A session ends at sign-out, after 8 hours whatever happens
 * (a working day), or after 60 minutes without a request; removing an account or resetting its password ends all
 * of its sessions (accounts.ts). Each sign-in makes a new id (no session fixation).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash, randomBytes } from 'node:crypto';
import { queryRows } from '../warehouse/query.ts';
import { timestampText } from '../audit/log.ts';
import { isRole, type Viewer } from './roles.ts';

export const SESSION_COOKIE = 'uptake_session';
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 60 * 60 * 1000;
/** last_seen_at is written at most this often per session: a write per request would be a write per page view. */
export const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export async function createSession(
  connection: DuckDBConnection,
  username: string,
  method: 'password' | 'oidc',
  now: Date = new Date()
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await connection.run(`INSERT INTO session VALUES ($1, $2, $3, $4::TIMESTAMP, $4::TIMESTAMP, $5::TIMESTAMP)`, [
    hashSessionId(id),
    username,
    method,
    timestampText(now),
    timestampText(expiresAt)
  ]);
  return { id, expiresAt };
}

export interface SessionLookup {
  viewer: Viewer;
  sessionHash: string;
  expiresAt: Date;
}

/**
 * The signed-in person for a cookie value, or null when it is unknown, expired, idle too long, or its account gone or
 * disabled.
 */
export async function findSession(
  connection: DuckDBConnection,
  id: string,
  now: Date = new Date()
): Promise<SessionLookup | null> {
  // Our ids are 43 base64url characters; anything else cannot be one, so it costs no query.
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
  const sessionHash = hashSessionId(id);
  const rows = await queryRows<{
    username: string;
    display_name: string | null;
    role: string;
    last_seen_ms: string;
    expires_ms: string;
  }>(
    connection,
    `SELECT a.username, a.display_name, a.role,
            epoch_ms(s.last_seen_at) AS last_seen_ms, epoch_ms(s.expires_at) AS expires_ms
     FROM session s JOIN account a USING (username)
     WHERE s.session_hash = $1 AND s.expires_at > $2::TIMESTAMP AND s.last_seen_at > $3::TIMESTAMP
       AND a.disabled_at IS NULL`,
    [sessionHash, timestampText(now), timestampText(new Date(now.getTime() - SESSION_IDLE_MS))]
  );
  if (!rows.length || !isRole(rows[0].role)) return null;
  const row = rows[0];
  if (now.getTime() - Number(row.last_seen_ms) > LAST_SEEN_EVERY_MS) {
    // Best effort: two requests of one person may race to write it, and either write is good enough.
    await connection
      .run('UPDATE session SET last_seen_at = $1::TIMESTAMP WHERE session_hash = $2', [timestampText(now), sessionHash])
      .catch(() => undefined);
  }
  return {
    viewer: {
      username: row.username,
      displayName: row.display_name ?? row.username,
      role: row.role as Viewer['role'],
      demo: false
    },
    sessionHash,
    expiresAt: new Date(Number(row.expires_ms))
  };
}

export async function endSession(connection: DuckDBConnection, id: string): Promise<void> {
  await connection.run('DELETE FROM session WHERE session_hash = $1', [hashSessionId(id)]);
}

/** Ends every session of an account: it was removed or disabled, or its password reset. */
export async function endSessionsOf(connection: DuckDBConnection, username: string): Promise<void> {
  await connection.run('DELETE FROM session WHERE username = $1', [username]);
}

/** Removes sessions that can no longer be used (run at each sign-in, so the table stays small). */
export async function pruneSessions(connection: DuckDBConnection, now: Date = new Date()): Promise<void> {
  await connection
    .run('DELETE FROM session WHERE expires_at <= $1::TIMESTAMP OR last_seen_at <= $2::TIMESTAMP', [
      timestampText(now),
      timestampText(new Date(now.getTime() - SESSION_IDLE_MS))
    ])
    .catch(() => undefined); // a concurrent last_seen write may conflict; the next sign-in prunes again
}
