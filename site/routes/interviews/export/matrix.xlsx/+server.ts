/** The framework matrix as an Excel workbook: a sheet per category (pipeline/qualitative/matrix-xlsx.ts). */
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { matrixWorkbook } from '$pipeline/qualitative/matrix-xlsx.ts';

export const GET: RequestHandler = async () => {
  const bytes = await withReader((connection) => matrixWorkbook(connection));
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': 'attachment; filename="uptake-framework-matrix.xlsx"'
    }
  });
};
