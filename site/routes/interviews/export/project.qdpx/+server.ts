/** The whole project as REFI-QDA (.qdpx: project.qde + sources/), for NVivo, ATLAS.ti, MAXQDA and others. */
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { exportProject, qdpxArchive } from '$pipeline/refi-qda/export.ts';

export const GET: RequestHandler = async () => {
  const bytes = await withReader(async (connection) =>
    qdpxArchive(await exportProject(connection, { name: 'Uptake interviews' }))
  );
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': 'application/zip',
      'content-disposition': 'attachment; filename="uptake-interviews.qdpx"'
    }
  });
};
