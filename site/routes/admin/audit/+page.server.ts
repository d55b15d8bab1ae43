/**
 * /admin/audit: the audit log, newest first, filtered by a GET form (so a filtered view is a link an admin can send)
 * and paged. A filter that is not valid is a 400 page saying what was wrong. Admins only (policy table).
 */
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { AUDIT_ACTIONS } from '$pipeline/audit/log.ts';
import { AuditFilterError, readAudit, type AuditFilter } from '$pipeline/audit/query.ts';

const PAGE_SIZE = 100;

export const load: PageServerLoad = async ({ url }) => {
  const param = (name: string) => url.searchParams.get(name)?.trim() || null;
  const filter: AuditFilter = {
    since: param('since'),
    until: param('until'),
    actor: param('actor'),
    action: param('action'),
    outcome: param('outcome'),
    text: param('text')
  };
  const page = Math.max(1, Math.trunc(Number(param('page') ?? '1')) || 1);
  try {
    const { rows, total } = await withReader((connection) =>
      readAudit(connection, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
    );
    return { filter, rows, total, page, pageSize: PAGE_SIZE, actions: [...AUDIT_ACTIONS] };
  } catch (e) {
    if (e instanceof AuditFilterError) error(400, e.message);
    throw e;
  }
};
