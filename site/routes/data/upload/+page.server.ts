import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loadUploadedFile } from '$lib/server/uploads.ts';
import { auditUpload } from '$lib/server/access/audit-upload.ts';
import { describeFault, isDiskFull, isNotWritable, type Fault } from '$pipeline/warehouse/faults.ts';
import { displayName } from '$pipeline/access/upload-guard.ts';
import type { LoadReport } from '$pipeline/load/load.ts';

/** The audit log's record of an upload that a fault stopped: rejected, with the fault as its one problem. */
const faultReport = (file: string, fault: Fault): LoadReport => ({
  batchId: '',
  outcome: 'rejected',
  loaded: [],
  skipped: [],
  problems: [
    { file, row: null, column: null, value: null, rule: fault.kind, message: fault.message, severity: 'error' }
  ]
});

// The preview is parsed in the browser (papaparse), so this page ships JavaScript; the form works without it too.
export const csr = true;

export const load: PageServerLoad = async () => {
  // adapter-node refuses request bodies over BODY_SIZE_LIMIT (default 512K): say so before someone tries a big file.
  return { sizeLimit: process.env.BODY_SIZE_LIMIT ?? '512K' };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || (file.size === 0 && file.name === '')) {
      return fail(400, { missing: true as const });
    }
    let report;
    try {
      report = await loadUploadedFile(file.name, new Uint8Array(await file.arrayBuffer()));
    } catch (error) {
      // A full disk or a database the server may not write is not the file's fault: say what is wrong and what to
      // do (pipeline/warehouse/faults.ts), on this page, with the form still there for when it is put right.
      if (!isDiskFull(error) && !isNotWritable(error)) throw error;
      const fault = describeFault(error, '');
      console.error(`uptake: upload of ${displayName(file.name)} failed: ${(error as Error).message}`);
      // The audit line may fail for the same reason (the database is on the same disk): the log line above remains.
      await auditUpload(event, file.name, faultReport(displayName(file.name), fault)).catch(() => {});
      return fail(507, { file: file.name, fault: { message: fault.message, action: fault.action } });
    }
    await auditUpload(event, file.name, report);
    // Plain JSON: the report crosses to the browser as form data.
    const result = { file: file.name, report: JSON.parse(JSON.stringify(report)) as typeof report };
    return report.outcome === 'rejected' ? fail(422, result) : result;
  }
};
