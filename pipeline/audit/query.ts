/**
 * Reading the audit log, for the /admin/audit page and `uptake audit`. Every filter value is a bound parameter, never
 * SQL text: a filter of `' OR 1=1 --` is looked for as those characters and finds nothing.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';
import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from './log.ts';

export interface AuditFilter {
  /** From this day (YYYY-MM-DD, UTC) or moment (YYYY-MM-DD HH:MM[:SS]) on. */
  since?: string | null;
  /** Up to and including this day (YYYY-MM-DD) or moment. */
  until?: string | null;
  actor?: string | null;
  action?: string | null;
  outcome?: string | null;
  /** Looked for, case-insensitively, in the target and the detail. */
  text?: string | null;
}

export interface AuditRow {
  occurredAt: string;
  actor: string;
  actorRole: string | null;
  action: AuditAction;
  target: string | null;
  outcome: AuditOutcome;
  detail: string | null;
  source: 'web' | 'cli';
  client: string | null;
}

export class AuditFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditFilterError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/;

/** A date or moment as DuckDB timestamp text; `endOfDay` turns a bare day into the end of that day. */
function instant(value: string, name: string, endOfDay: boolean): string {
  const v = value.trim();
  if (DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    return endOfDay ? `${v} 23:59:59.999999` : `${v} 00:00:00`;
  if (MOMENT.test(v) && !Number.isNaN(Date.parse(`${v.replace(' ', 'T')}Z`))) return v.replace('T', ' ');
  throw new AuditFilterError(`"${value.slice(0, 40)}" is not a date: ${name} takes YYYY-MM-DD or YYYY-MM-DD HH:MM.`);
}

function buildWhere(filter: AuditFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.since) conditions.push(`occurred_at >= ${bind(instant(filter.since, 'since', false))}::TIMESTAMP`);
  if (filter.until) conditions.push(`occurred_at <= ${bind(instant(filter.until, 'until', true))}::TIMESTAMP`);
  if (filter.actor) conditions.push(`lower(actor) = ${bind(filter.actor.trim().toLowerCase())}`);
  if (filter.action) {
    if (!(AUDIT_ACTIONS as readonly string[]).includes(filter.action)) {
      throw new AuditFilterError(
        `There is no action "${filter.action.slice(0, 40)}": the actions are ${AUDIT_ACTIONS.join(', ')}.`
      );
    }
    conditions.push(`action = ${bind(filter.action)}`);
  }
  if (filter.outcome) {
    if (!['ok', 'refused', 'failed'].includes(filter.outcome)) {
      throw new AuditFilterError(`The outcome must be ok, refused or failed, not "${filter.outcome.slice(0, 40)}".`);
    }
    conditions.push(`outcome = ${bind(filter.outcome)}`);
  }
  if (filter.text) {
    // contains() takes the text literally: no LIKE wildcards to escape.
    const p = bind(filter.text.toLowerCase());
    conditions.push(`(contains(lower(coalesce(target, '')), ${p}) OR contains(lower(coalesce(detail, '')), ${p}))`);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** The matching events, newest first, a page at a time, with how many match in all. */
export async function readAudit(
  connection: DuckDBConnection,
  filter: AuditFilter = {},
  page: { limit?: number; offset?: number } = {}
): Promise<{ rows: AuditRow[]; total: number }> {
  const { where, params } = buildWhere(filter);
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 100), 1), 100_000);
  const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
  const rows = await queryRows<Record<string, string | null>>(
    connection,
    `SELECT strftime(occurred_at, '%Y-%m-%d %H:%M:%S') AS occurred_at, actor, actor_role, action, target, outcome, detail, source, client
     FROM audit_event ${where} ORDER BY audit_event.occurred_at DESC, action LIMIT ${limit} OFFSET ${offset}`,
    params
  );
  const total = Number(
    (await queryRows<{ n: number }>(connection, `SELECT count(*)::INTEGER AS n FROM audit_event ${where}`, params))[0].n
  );
  return {
    total,
    rows: rows.map((r) => ({
      occurredAt: r.occurred_at!,
      actor: r.actor!,
      actorRole: r.actor_role,
      action: r.action as AuditAction,
      target: r.target,
      outcome: r.outcome as AuditOutcome,
      detail: r.detail,
      source: r.source as 'web' | 'cli',
      client: r.client
    }))
  };
}
