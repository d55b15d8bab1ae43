/**
 * The codebook (framework): categories → codes → child codes, each code with a definition, inclusion and exclusion
 * rules and an example; an "Other" code in every category catches material that fits no code yet (Gale et al. 2013).
 *
 * Edits never lose codings: move and rename change only the code row; merge and split (merge-split.ts, above this
 * module because a merge also moves matrix cells) re-point codings. Every edit writes a codebook_change row (the audit
 * trail), in the same transaction as the edit.
 */
import { starterFramework, type FrameworkCode } from './frameworks.ts';
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface Category {
  category_id: string;
  name: string;
  description: string | null;
  framework: string | null;
  sort_order: number;
}

export interface Code {
  code_id: string;
  category_id: string;
  parent_code_id: string | null;
  name: string;
  definition: string | null;
  include_rule: string | null;
  exclude_rule: string | null;
  example: string | null;
  citation: string | null;
  color: string | null;
  is_other: boolean;
  sort_order: number;
}

export interface CodeDefinition {
  definition?: string | null;
  include_rule?: string | null;
  exclude_rule?: string | null;
  example?: string | null;
}

export const OTHER_CODE_NAME = 'Other';
/** Keeps each category's Other code last whatever is added later. */
const OTHER_SORT_ORDER = 1_000_000;

export async function logChange(
  connection: Connection,
  action: string,
  target: { code_id?: string | null; category_id?: string | null },
  detail: unknown,
  actor: Actor
) {
  await run(
    connection,
    `INSERT INTO codebook_change VALUES ($id, CAST($now AS TIMESTAMP), $user, $action, $code, $category, $detail)`,
    {
      id: newId(),
      now: nowText(actor),
      user: actor.user ?? null,
      action,
      code: target.code_id ?? null,
      category: target.category_id ?? null,
      detail: JSON.stringify(detail)
    }
  );
}

export async function getCategory(connection: Connection, id: string): Promise<Category> {
  const [found] = await rows<Category>(
    connection,
    'SELECT category_id, name, description, framework, sort_order FROM code_category WHERE category_id = $id',
    { id }
  );
  if (!found) throw new QualitativeError(`No code category ${id}`);
  return found;
}

const CODE_COLUMNS =
  'code_id, category_id, parent_code_id, name, definition, include_rule, exclude_rule, example, citation, color, is_other, sort_order';

export async function getCode(connection: Connection, id: string): Promise<Code> {
  const [found] = await rows<Code>(connection, `SELECT ${CODE_COLUMNS} FROM code WHERE code_id = $id`, { id });
  if (!found) throw new QualitativeError(`No code ${id}`);
  return found;
}

export async function listCodes(connection: Connection): Promise<Code[]> {
  return rows<Code>(connection, `SELECT ${CODE_COLUMNS} FROM code ORDER BY category_id, is_other, sort_order, name`);
}

export interface NewCategory {
  name: string;
  description?: string | null;
  framework?: string | null;
  categoryId?: string;
  /** Import only: the Other code comes with the imported codes, so do not add one. */
  withoutOther?: boolean;
}

/** Adds a category and its Other code. */
export async function addCategory(connection: Connection, input: NewCategory, actor: Actor = {}): Promise<Category> {
  const id = input.categoryId ?? newId();
  await inTransaction(connection, async () => {
    const [{ next }] = await rows<{ next: number }>(
      connection,
      'SELECT CAST(coalesce(max(sort_order), 0) + 1 AS INTEGER) AS next FROM code_category'
    );
    await run(
      connection,
      `INSERT INTO code_category VALUES ($id, $name, $description, $framework, $sort, CAST($now AS TIMESTAMP))`,
      {
        id,
        name: input.name,
        description: input.description ?? null,
        framework: input.framework ?? null,
        sort: next,
        now: nowText(actor)
      }
    );
    await logChange(connection, 'add-category', { category_id: id }, { name: input.name }, actor);
    if (!input.withoutOther) await addOtherCode(connection, id, actor);
  });
  return getCategory(connection, id);
}

/**
 * Gives a category its Other code, when the researcher wants one: imported codebooks come without, and an Other code
 * is the researcher's choice, never added behind their back.
 */
export async function addOtherCode(connection: Connection, categoryId: string, actor: Actor = {}): Promise<Code> {
  const category = await getCategory(connection, categoryId);
  return addCode(
    connection,
    {
      categoryId,
      name: OTHER_CODE_NAME,
      definition: `Material on "${category.name}" that fits none of its codes yet.`,
      isOther: true
    },
    actor
  );
}

export interface NewCode extends CodeDefinition {
  categoryId: string;
  parentCodeId?: string | null;
  name: string;
  citation?: string | null;
  color?: string | null;
  isOther?: boolean;
  codeId?: string;
}

export async function addCode(connection: Connection, input: NewCode, actor: Actor = {}): Promise<Code> {
  const id = input.codeId ?? newId();
  await inTransaction(connection, async () => {
    await getCategory(connection, input.categoryId);
    if (input.parentCodeId) {
      const parent = await getCode(connection, input.parentCodeId);
      if (parent.category_id !== input.categoryId)
        throw new QualitativeError(`Code ${parent.name} is in another category`);
    }
    if (input.isOther) {
      const [existing] = await rows(connection, 'SELECT 1 FROM code WHERE category_id = $c AND is_other', {
        c: input.categoryId
      });
      if (existing) throw new QualitativeError('This category already has an Other code');
    }
    const [{ next }] = await rows<{ next: number }>(
      connection,
      `SELECT CAST(coalesce(max(sort_order), 0) + 1 AS INTEGER) AS next FROM code
        WHERE category_id = $c AND parent_code_id IS NOT DISTINCT FROM $p AND NOT is_other`,
      { c: input.categoryId, p: input.parentCodeId ?? null }
    );
    await run(
      connection,
      `INSERT INTO code VALUES ($id, $c, $p, $name, $def, $inc, $exc, $ex, $cite, $color, $other, $sort, CAST($now AS TIMESTAMP))`,
      {
        id,
        c: input.categoryId,
        p: input.parentCodeId ?? null,
        name: input.name,
        def: input.definition ?? null,
        inc: input.include_rule ?? null,
        exc: input.exclude_rule ?? null,
        ex: input.example ?? null,
        cite: input.citation ?? null,
        color: input.color ?? null,
        other: input.isOther ?? false,
        sort: input.isOther ? OTHER_SORT_ORDER : next,
        now: nowText(actor)
      }
    );
    await logChange(
      connection,
      'add-code',
      { code_id: id, category_id: input.categoryId },
      { name: input.name, parent: input.parentCodeId ?? null },
      actor
    );
  });
  return getCode(connection, id);
}

export async function renameCode(
  connection: Connection,
  codeId: string,
  name: string,
  actor: Actor = {}
): Promise<Code> {
  if (!name.trim()) throw new QualitativeError('A code needs a name');
  await inTransaction(connection, async () => {
    const before = await getCode(connection, codeId);
    await run(connection, 'UPDATE code SET name = $name WHERE code_id = $id', { id: codeId, name: name.trim() });
    await logChange(connection, 'rename', before, { before: before.name, after: name.trim() }, actor);
  });
  return getCode(connection, codeId);
}

export async function redefineCode(
  connection: Connection,
  codeId: string,
  definition: CodeDefinition,
  actor: Actor = {}
): Promise<Code> {
  await inTransaction(connection, async () => {
    const before = await getCode(connection, codeId);
    const after = { ...before, ...definition };
    await run(
      connection,
      'UPDATE code SET definition = $d, include_rule = $i, exclude_rule = $e, example = $x WHERE code_id = $id',
      {
        id: codeId,
        d: after.definition,
        i: after.include_rule,
        e: after.exclude_rule,
        x: after.example
      }
    );
    const pick = (c: CodeDefinition) => ({
      definition: c.definition,
      include_rule: c.include_rule,
      exclude_rule: c.exclude_rule,
      example: c.example
    });
    await logChange(connection, 'redefine', before, { before: pick(before), after: pick(after) }, actor);
  });
  return getCode(connection, codeId);
}

export async function descendants(connection: Connection, codeId: string): Promise<string[]> {
  const found = await rows<{ code_id: string }>(
    connection,
    `WITH RECURSIVE tree(code_id) AS (SELECT code_id FROM code WHERE parent_code_id = $id
       UNION ALL SELECT c.code_id FROM code c JOIN tree ON c.parent_code_id = tree.code_id) SELECT code_id FROM tree`,
    { id: codeId }
  );
  return found.map((r) => r.code_id);
}

/** Moves a code (with its child codes) to another category, or under another parent code. Codings come along. */
export async function moveCode(
  connection: Connection,
  codeId: string,
  to: { categoryId: string; parentCodeId?: string | null },
  actor: Actor = {}
): Promise<Code> {
  await inTransaction(connection, async () => {
    const before = await getCode(connection, codeId);
    if (before.is_other) throw new QualitativeError('A category keeps its Other code; merge it instead');
    await getCategory(connection, to.categoryId);
    const below = await descendants(connection, codeId);
    if (to.parentCodeId) {
      if (to.parentCodeId === codeId || below.includes(to.parentCodeId))
        throw new QualitativeError('A code cannot move under itself');
      const parent = await getCode(connection, to.parentCodeId);
      if (parent.category_id !== to.categoryId)
        throw new QualitativeError(`Code ${parent.name} is not in that category`);
    }
    await run(connection, 'UPDATE code SET category_id = $c, parent_code_id = $p WHERE code_id = $id', {
      id: codeId,
      c: to.categoryId,
      p: to.parentCodeId ?? null
    });
    for (const child of below)
      await run(connection, 'UPDATE code SET category_id = $c WHERE code_id = $id', { id: child, c: to.categoryId });
    await logChange(
      connection,
      'move',
      { code_id: codeId, category_id: to.categoryId },
      {
        before: { category_id: before.category_id, parent_code_id: before.parent_code_id },
        after: { category_id: to.categoryId, parent_code_id: to.parentCodeId ?? null },
        childCodes: below.length
      },
      actor
    );
  });
  return getCode(connection, codeId);
}

/** Removes a code that nothing uses; a code with codings, cells, memos or child codes must be merged instead. */
export async function deleteCode(connection: Connection, codeId: string, actor: Actor = {}): Promise<void> {
  await inTransaction(connection, async () => {
    const code = await getCode(connection, codeId);
    if (code.is_other) throw new QualitativeError('A category keeps its Other code');
    const [{ used }] = await rows<{ used: number }>(
      connection,
      `SELECT CAST((SELECT count(*) FROM coding WHERE code_id = $id) + (SELECT count(*) FROM matrix_cell WHERE code_id = $id)
              + (SELECT count(*) FROM memo WHERE code_id = $id) + (SELECT count(*) FROM code WHERE parent_code_id = $id) AS INTEGER) AS used`,
      { id: codeId }
    );
    if (used > 0)
      throw new QualitativeError(
        `${code.name} is in use (codings, cells, memos or child codes): merge it into another code instead`
      );
    await run(connection, 'DELETE FROM code WHERE code_id = $id', { id: codeId });
    await logChange(connection, 'delete-code', code, { name: code.name }, actor);
  });
}

/** Adds a starter framework's categories and codes (each category with its Other code). */
export async function loadFramework(
  connection: Connection,
  frameworkId: string,
  actor: Actor = {}
): Promise<Category[]> {
  const framework = starterFramework(frameworkId);
  return inTransaction(connection, async () => {
    const categories: Category[] = [];
    const addTree = async (categoryId: string, codes: FrameworkCode[], parentCodeId: string | null) => {
      for (const c of codes) {
        const code = await addCode(
          connection,
          {
            categoryId,
            parentCodeId,
            name: c.name,
            definition: c.definition ?? null,
            include_rule: c.include ?? null,
            exclude_rule: c.exclude ?? null,
            example: c.example ?? null,
            citation: framework.citation
          },
          actor
        );
        await addTree(categoryId, c.children ?? [], code.code_id);
      }
    };
    for (const c of framework.categories) {
      const category = await addCategory(
        connection,
        { name: c.name, description: c.description ?? null, framework: framework.id },
        actor
      );
      await addTree(category.category_id, c.codes, null);
      categories.push(category);
    }
    await logChange(
      connection,
      'load-framework',
      {},
      { framework: framework.id, name: framework.name, categories: categories.length },
      actor
    );
    return categories;
  });
}

export interface CodeNode extends Code {
  /** "2.3.1": category 2, its third code, that code's first child (shortcut numbers in the coding view). */
  number: string;
  codings: number;
  children: CodeNode[];
}

export interface CodebookCategory extends Category {
  number: string;
  codes: CodeNode[];
}

/** The whole codebook as a tree, numbered in display order, with each code's number of codings. */
export async function getCodebook(connection: Connection): Promise<CodebookCategory[]> {
  const categories = await rows<Category>(
    connection,
    'SELECT category_id, name, description, framework, sort_order FROM code_category ORDER BY sort_order, name'
  );
  const codes = await rows<Code & { codings: number }>(
    connection,
    `SELECT ${CODE_COLUMNS.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')}, CAST(count(g.coding_id) AS INTEGER) AS codings
       FROM code c LEFT JOIN coding g ON g.code_id = c.code_id
      GROUP BY ALL ORDER BY c.is_other, c.sort_order, c.name`
  );
  const childrenOf = (categoryId: string, parent: string | null, prefix: string): CodeNode[] =>
    codes
      .filter((c) => c.category_id === categoryId && c.parent_code_id === parent)
      .map((c, i) => {
        const number = `${prefix}.${i + 1}`;
        return { ...c, number, children: childrenOf(categoryId, c.code_id, number) };
      });
  return categories.map((c, i) => ({
    ...c,
    number: String(i + 1),
    codes: childrenOf(c.category_id, null, String(i + 1))
  }));
}

/** Codes in codebook order, each followed by its child codes, with their depth (0 for a category's own codes). */
export function codesInOrder(codes: CodeNode[], depth = 0): { code: CodeNode; depth: number }[] {
  return codes.flatMap((code) => [{ code, depth }, ...codesInOrder(code.children, depth + 1)]);
}

/** One category of the codebook, numbered and with its codes as getCodebook gives it; undefined when there is none. */
export async function codebookCategory(
  connection: Connection,
  categoryId: string
): Promise<CodebookCategory | undefined> {
  return (await getCodebook(connection)).find((c) => c.category_id === categoryId);
}

export interface CodebookChange {
  change_id: string;
  changed_at: string;
  changed_by: string | null;
  action: string;
  code_id: string | null;
  category_id: string | null;
  detail: unknown;
}

export async function listCodebookChanges(connection: Connection): Promise<CodebookChange[]> {
  const found = await rows<CodebookChange & { detail: string }>(
    connection,
    `SELECT change_id, strftime(changed_at, '%Y-%m-%d %H:%M:%S') AS changed_at, changed_by, action, code_id, category_id, detail
       FROM codebook_change ORDER BY changed_at, rowid`
  );
  return found.map((c) => ({ ...c, detail: JSON.parse(c.detail) }));
}

export async function codeCount(connection: Connection): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(connection, 'SELECT CAST(count(*) AS INTEGER) AS n FROM code');
  return n;
}
