/**
 * Writing to the audit log: one call where each event happens (the sign-in code, the loader's callers, the hook for
 * downloads, report renders and views of interviews, the account commands). See README.md for the list of actions.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { userInfo } from 'node:os';

export const AUDIT_ACTIONS = [
  'sign-in', // outcome ok, or failed (wrong name or password) or refused (locked, no role)
  'sign-out',
  'load', // a batch through `uptake load` or the upload page: outcome ok (loaded or already loaded) or failed
  'download', // a CSV of a dashboard figure
  'report-render', // a report page, or its HTML or PDF download
  'transcript-view', // any page under /interviews
  'account-add',
  'account-remove',
  'role-change',
  'password-reset',
  'account-disable', // an admin stopped an account signing in (its sessions end)
  'account-enable',
  'account-unlock', // an admin cleared an account's failed sign-ins, ending its lockout
  'access-refused' // a signed-in person refused a page (the 403 page)
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEvent {
  actor: string;
  actorRole?: string | null;
  action: AuditAction;
  target?: string | null;
  outcome?: AuditOutcome;
  detail?: string | null;
  source: 'web' | 'cli';
  client?: string | null;
  /** The clock; tests fix it. */
  at?: Date;
}

/** DuckDB TIMESTAMP text in UTC with microseconds ("2017-02-07 09:00:00.123"). */
export function timestampText(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '');
}

export async function recordAudit(connection: DuckDBConnection, event: AuditEvent): Promise<void> {
  await connection.run(
    `INSERT INTO audit_event (occurred_at, actor, actor_role, action, target, outcome, detail, source, client)
     VALUES ($1::TIMESTAMP, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      timestampText(event.at ?? new Date()),
      event.actor.slice(0, 200),
      event.actorRole ?? null,
      event.action,
      event.target?.slice(0, 2000) ?? null,
      event.outcome ?? 'ok',
      event.detail?.slice(0, 4000) ?? null,
      event.source,
      event.client ?? null
    ]
  );
}

/** Who ran a command line: the operating-system account, since the command line has no sign-in of its own. */
export function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

/** The one line a load leaves in the log, for `uptake load` and the upload page alike. */
export function loadAuditEvent(
  report: {
    batchId: string;
    outcome: string;
    loaded: { file: string; rows: number }[];
    skipped: { file: string }[];
    problems: { severity: string; rule: string; message: string }[];
  },
  files: string[]
): Pick<AuditEvent, 'action' | 'target' | 'outcome' | 'detail'> {
  const errors = report.problems.filter((p) => p.severity === 'error');
  const rows = report.loaded.reduce((sum, f) => sum + f.rows, 0);
  const detail =
    report.outcome === 'rejected'
      ? `rejected: ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}, nothing loaded` +
        (errors[0] ? ` (first: ${errors[0].rule}: ${errors[0].message})` : '')
      : report.outcome === 'already-loaded'
        ? `already loaded: ${report.skipped.length} ${report.skipped.length === 1 ? 'file' : 'files'} with the same content, nothing changed`
        : `loaded ${report.loaded.length} ${report.loaded.length === 1 ? 'file' : 'files'}, ${rows} ${rows === 1 ? 'row' : 'rows'} (batch ${report.batchId})`;
  return { action: 'load', target: files.join(', '), outcome: report.outcome === 'rejected' ? 'failed' : 'ok', detail };
}
