import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loadUploadedFile } from '$lib/server/uploads.ts';
import { auditUpload } from '$lib/server/access/audit-upload.ts';

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
    const report = await loadUploadedFile(file.name, new Uint8Array(await file.arrayBuffer()));
    await auditUpload(event, file.name, report);
    // Plain JSON: the report crosses to the browser as form data.
    const result = { file: file.name, report: JSON.parse(JSON.stringify(report)) as typeof report };
    return report.outcome === 'rejected' ? fail(422, result) : result;
  }
};
