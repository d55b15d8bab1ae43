import type { LayoutServerLoad } from './$types';
import { signedInName } from '$lib/server/interviews.ts';

// Access control (site/hooks.server.ts) restricts /interviews/** to researchers and admins; the pages only need to know
// who is signed in, to record them as coder and author instead of asking for a name.
export const load: LayoutServerLoad = async ({ locals }) => ({ signedInAs: signedInName(locals) });
