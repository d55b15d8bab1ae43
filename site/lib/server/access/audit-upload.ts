/** The audit log's line for a load through the upload page: who uploaded which file, and what the loader said. */
import type { RequestEvent } from '@sveltejs/kit';
import { withReader } from '$lib/server/warehouse.ts';
import { displayName } from '$pipeline/access/upload-guard.ts';
import { loadAuditEvent, recordAudit } from '$pipeline/audit/log.ts';
import type { LoadReport } from '$pipeline/load/load.ts';
import { clientAddress } from './guard.ts';

export async function auditUpload(event: RequestEvent, sentName: string, report: LoadReport): Promise<void> {
  const viewer = event.locals.viewer;
  await withReader((connection) =>
    recordAudit(connection, {
      actor: viewer?.username ?? '(nobody)',
      actorRole: viewer?.role ?? null,
      source: 'web',
      client: clientAddress(event),
      ...loadAuditEvent(report, [displayName(sentName)])
    })
  );
}
