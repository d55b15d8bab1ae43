/**
 * The codebook (framework): categories → codes with definitions, a starter framework to begin from, and the edits that
 * never lose codings (rename, redefine, move, merge, split; pipeline/qualitative/codebook.ts), with the change log.
 */
import { fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import type { DuckDBConnection } from '@duckdb/node-api';
import { actorFrom, attempt, text, withReader, withWriter, writeAction } from '$lib/server/interviews.ts';
import { describeChange } from '$lib/interviews/codebook-changes.ts';
import {
  addCategory,
  addCode,
  addOtherCode,
  codesInOrder,
  deleteCode,
  getCodebook,
  listCodebookChanges,
  type CodebookChange,
  loadFramework,
  moveCode,
  redefineCode,
  renameCode
} from '$pipeline/qualitative/codebook.ts';
import { mergeCodes, splitCode } from '$pipeline/qualitative/merge-split.ts';
import { STARTER_FRAMEWORKS } from '$pipeline/qualitative/frameworks.ts';
import { codingsOfCode } from '$pipeline/qualitative/coding.ts';
import { lineAt, lineStarts } from '$pipeline/qualitative/offsets.ts';

export const load: PageServerLoad = async ({ url }) =>
  withReader(async (connection) => {
    const codebook = await getCodebook(connection);
    const splitting = url.searchParams.get('split');
    const splitCodings = splitting
      ? (await codingsOfCode(connection, splitting)).map(({ body, ...c }) => ({
          ...c,
          line: lineAt(lineStarts(body), c.start_cp)
        }))
      : [];
    const nameOf = new Map(
      codebook.flatMap((cat) => codesInOrder(cat.codes)).map(({ code }) => [code.code_id, code.name])
    );
    const changes = withoutFrameworkSteps(
      await listCodebookChanges(connection),
      new Set(codebook.filter((c) => c.framework).map((c) => c.category_id))
    );
    return {
      codebook,
      frameworks: STARTER_FRAMEWORKS.map(({ id, name, citation, description, categories }) => ({
        id,
        name,
        citation,
        description,
        categories: categories.length
      })),
      loadedFrameworks: [...new Set(codebook.map((c) => c.framework).filter(Boolean))],
      splitting,
      splitCodings,
      changes: changes.reverse().map((c) => ({
        change_id: c.change_id,
        changed_at: c.changed_at,
        changed_by: c.changed_by,
        action: c.action,
        text: describeChange(c, c.code_id ? nameOf.get(c.code_id) : null, c.codes)
      }))
    };
  });

const definitionFrom = (form: FormData) => {
  const value = (name: string) => text(form, name, 4000).trim() || null;
  return {
    definition: value('definition'),
    include_rule: value('include_rule'),
    exclude_rule: value('exclude_rule'),
    example: value('example')
  };
};

export const actions: Actions = {
  loadFramework: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('loadFramework', async () => {
      const categories = await withWriter((c) =>
        loadFramework(c, text(form, 'framework', 100), actorFrom(locals, form))
      );
      return { categories: categories.length };
    });
  },

  addCategory: async ({ request, locals }) => {
    const form = await request.formData();
    const name = text(form, 'name', 200).trim();
    if (!name) return fail(400, { action: 'addCategory', ok: false as const, message: 'Give the category a name.' });
    return attempt('addCategory', async () => {
      await withWriter((c) =>
        addCategory(
          c,
          {
            name,
            description: text(form, 'description', 2000).trim() || null,
            withoutOther: form.get('other') !== 'yes'
          },
          actorFrom(locals, form)
        )
      );
      return {};
    });
  },

  addOther: writeAction('addOther', (c, form, { locals }) =>
    addOtherCode(c, text(form, 'category', 100), actorFrom(locals, form))
  ),

  addCode: async ({ request, locals }) => {
    const form = await request.formData();
    const name = text(form, 'name', 200).trim();
    if (!name) return fail(400, { action: 'addCode', ok: false as const, message: 'Give the code a name.' });
    return attempt('addCode', async () => {
      await withWriter(async (c) =>
        addCode(
          c,
          { ...(await placeFrom(c, text(form, 'under', 100))), name, ...definitionFrom(form) },
          actorFrom(locals, form)
        )
      );
      return {};
    });
  },

  rename: writeAction('rename', (c, form, { locals }) =>
    renameCode(c, text(form, 'code', 100), text(form, 'name', 200), actorFrom(locals, form))
  ),

  redefine: writeAction('redefine', (c, form, { locals }) =>
    redefineCode(c, text(form, 'code', 100), definitionFrom(form), actorFrom(locals, form))
  ),

  move: writeAction('move', async (c, form, { locals }) =>
    moveCode(c, text(form, 'code', 100), await placeFrom(c, text(form, 'to', 100)), actorFrom(locals, form))
  ),

  merge: async ({ request, locals }) => {
    const form = await request.formData();
    return attempt('merge', async () =>
      withWriter((c) => mergeCodes(c, text(form, 'source', 100), text(form, 'target', 100), actorFrom(locals, form)))
    );
  },

  split: async ({ request, locals }) => {
    const form = await request.formData();
    const name = text(form, 'name', 200).trim();
    const codingIds = form.getAll('coding').map(String);
    if (!name) return fail(400, { action: 'split', ok: false as const, message: 'Name the new code.' });
    if (codingIds.length === 0)
      return fail(400, { action: 'split', ok: false as const, message: 'Tick the codings that go to the new code.' });
    return attempt('split', async () => {
      const [created] = await withWriter((c) =>
        splitCode(c, text(form, 'code', 100), [{ name, codingIds, ...definitionFrom(form) }], actorFrom(locals, form))
      );
      return { created: created.name, moved: codingIds.length };
    });
  },

  delete: writeAction('delete', (c, form, { locals }) =>
    deleteCode(c, text(form, 'code', 100), actorFrom(locals, form))
  )
};

/**
 * Loading a starter framework logs every category and code it adds, then the load itself; the log shows the load
 * alone, with how many codes it brought ("Loaded … (6 categories, 45 codes)"). Codes added by hand later still show.
 */
function withoutFrameworkSteps(
  changes: CodebookChange[],
  frameworkCategories: Set<string>
): (CodebookChange & { codes?: number })[] {
  const shown: (CodebookChange & { codes?: number })[] = [];
  let steps: CodebookChange[] = [];
  for (const change of changes) {
    const step =
      (change.action === 'add-category' || change.action === 'add-code') &&
      change.category_id !== null &&
      frameworkCategories.has(change.category_id);
    if (step) {
      steps.push(change);
    } else if (change.action === 'load-framework') {
      const mine = steps.filter((s) => s.changed_by === change.changed_by);
      shown.push(...steps.filter((s) => s.changed_by !== change.changed_by), {
        ...change,
        codes: mine.filter((s) => s.action === 'add-code').length
      });
      steps = [];
    } else {
      shown.push(change);
    }
  }
  return [...shown, ...steps];
}

/**
 * Where a form puts a code: "category:<id>" at the top of that category, "code:<id>" under that code (in its
 * category). A code id that is not in the codebook is taken as a category id, which the engine then refuses by name.
 */
async function placeFrom(
  connection: DuckDBConnection,
  value: string
): Promise<{ categoryId: string; parentCodeId: string | null }> {
  const [kind, id] = value.split(':');
  const parent =
    kind === 'code'
      ? (await getCodebook(connection)).flatMap((cat) => codesInOrder(cat.codes)).find((x) => x.code.code_id === id)
      : undefined;
  return { categoryId: parent ? parent.code.category_id : id, parentCodeId: parent?.code.code_id ?? null };
}
