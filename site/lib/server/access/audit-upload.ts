/** The audit log's line for a load through the upload page: who uploaded which file, and what the loader said. */
import type { RequestEvent } from '@sveltejs/kit';
import { displayName } from '$pipeline/access/upload-guard.ts';
import { loadAuditEvent } from '$pipeline/audit/log.ts';
import type { LoadReport } from '$pipeline/load/load.ts';
import { auditRequest } from './guard.ts';

export async function auditUpload(event: RequestEvent, sentName: string, report: LoadReport): Promise<void> {
  await auditRequest(event, event.locals.viewer, loadAuditEvent(report, [displayName(sentName)]));
}
