/**
 * Interpretation (Gale et al. stage 7): theme prevalence by stakeholder group (participants, not codings), codes that
 * co-occur, a quote bank for one theme filtered by group, and inter-coder agreement for two coders
 * (pipeline/qualitative/themes-page.ts, from the choices in the URL).
 */
import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { themesPage } from '$pipeline/qualitative/themes-page.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader((connection) => themesPage(connection, url.searchParams));
