import type { PageServerLoad } from './$types';
import { AUDIENCES, REPORT_CSS } from '$pipeline/notebooks/index.ts';
import { notebookOr404, renderForRequest } from '../report.server.ts';

export const load: PageServerLoad = async (event) => {
  const notebook = await notebookOr404(event);
  const report = await renderForRequest(event);
  return {
    name: notebook.name,
    title: notebook.title,
    audiences: [...AUDIENCES],
    css: REPORT_CSS,
    report: report && {
      audience: report.audience,
      profile: report.profile,
      asOf: report.asOf,
      availableAsOf: report.availableAsOf,
      fragment: report.fragment
    }
  };
};
