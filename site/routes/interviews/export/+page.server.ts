/**
 * Export and import: the project as REFI-QDA (.qdpx) or the codebook alone (.qdc), the matrix as XLSX, and importing a
 * .qdpx or .qdc with its report: every departure from the standard that was tolerated, and everything not carried.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { actorFrom, withReader, withWriter } from '$lib/server/interviews.ts';
import { importRefiProject, MAX_QDPX_BYTES } from '$pipeline/refi-qda/import.ts';
import { exportProject } from '$pipeline/refi-qda/export.ts';

export const load: PageServerLoad = async () =>
  withReader(async (connection) => {
    const { counts, warnings } = await exportProject(connection, { name: 'Uptake interviews' });
    // adapter-node refuses request bodies over BODY_SIZE_LIMIT (default 512K): say so before someone tries a big file.
    return { counts, warnings, sizeLimit: process.env.BODY_SIZE_LIMIT ?? '512K' };
  });

export const actions: Actions = {
  import: async ({ request, locals }) => {
    const form = await request.formData();
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return fail(400, { message: 'Choose a .qdpx, .qde or .qdc file.' });
    // A bare .qde comes without its source files: its transcripts are kept without text and listed in the report.
    if (!/\.(qdpx|qdc|qde)$/i.test(file.name))
      return fail(400, {
        message: `${file.name} is not a REFI-QDA file (.qdpx for a project, .qde for a project file alone, .qdc for a codebook).`
      });
    if (file.size > MAX_QDPX_BYTES) return fail(400, { message: `${file.name} is larger than Uptake reads.` });
    const bytes = new Uint8Array(await file.arrayBuffer());
    try {
      // Read on a worker thread within the import limits (pipeline/refi-qda/limits.ts), outside the one-writer queue,
      // so pages and interview writes go on meanwhile; the writer is held only to write what was read. Imported
      // dynamically so that the built server keeps the worker's module in a chunk of its own (read-worker.ts).
      const { readRefiInWorker } = await import('$pipeline/refi-qda/read-worker.ts');
      const read = await readRefiInWorker(bytes, file.name);
      const report = await withWriter((c) => importRefiProject(c, read, { actor: actorFrom(locals, form) }));
      return { file: file.name, report: JSON.parse(JSON.stringify(report)) as typeof report };
    } catch (e) {
      // A file that cannot be read (not a zip, not QDA-XML, an unsafe archive) is the file's problem: say what it was.
      return fail(422, { message: `${file.name} could not be imported: ${(e as Error).message}` });
    }
  }
};
