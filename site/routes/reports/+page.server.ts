import type { PageServerLoad } from './$types';
import { loadNotebook, notebookNames } from '$pipeline/notebooks/index.ts';

/** Every notebook in notebooks/; one that does not parse is listed with its problem rather than hiding the rest. */
export const load: PageServerLoad = async () => ({
  notebooks: notebookNames().map((name) => {
    try {
      const { title, description, audience } = loadNotebook(name);
      return { name, title, description, audience, problem: null };
    } catch (e) {
      return { name, title: name, description: '', audience: null, problem: (e as Error).message };
    }
  })
});
