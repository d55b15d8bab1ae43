/**
 * Merging and splitting codes: the two codebook edits that move codings, memos and matrix cells between codes. They
 * live above the codebook, coding and matrix modules because they use all three (a module below would import in a
 * circle). Edits never lose codings: merge re-points the source's codings, memos, child codes and matrix cells to the
 * target before the source goes; split moves the codings the researcher picks to new codes.
 */
import { addCode, descendants, getCode, logChange, type Code, type CodeDefinition } from './codebook.ts';
import { mergeCellsForCodes } from './matrix.ts';
import { inTransaction, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

/**
 * Merges `sourceId` into `targetId`: codings, code memos, child codes and matrix cells move to the target, then the
 * source code is removed. Returns how many codings moved.
 */
export async function mergeCodes(
  connection: Connection,
  sourceId: string,
  targetId: string,
  actor: Actor = {}
): Promise<{ codings: number }> {
  if (sourceId === targetId) throw new QualitativeError('A code cannot be merged into itself');
  return inTransaction(connection, async () => {
    const source = await getCode(connection, sourceId);
    const target = await getCode(connection, targetId);
    if (source.is_other)
      throw new QualitativeError('A category keeps its Other code; move its codings by splitting it instead');
    if ((await descendants(connection, sourceId)).includes(targetId))
      throw new QualitativeError('A code cannot be merged into its own child code');
    const [{ n }] = await rows<{ n: number }>(
      connection,
      'SELECT CAST(count(*) AS INTEGER) AS n FROM coding WHERE code_id = $s',
      { s: sourceId }
    );
    await run(connection, 'UPDATE coding SET code_id = $t WHERE code_id = $s', { s: sourceId, t: targetId });
    await run(connection, 'UPDATE memo SET code_id = $t WHERE code_id = $s', { s: sourceId, t: targetId });
    await run(connection, 'UPDATE code SET parent_code_id = $t, category_id = $c WHERE parent_code_id = $s', {
      s: sourceId,
      t: targetId,
      c: target.category_id
    });
    const cells = await mergeCellsForCodes(connection, source, target, actor);
    await run(connection, 'DELETE FROM code WHERE code_id = $s', { s: sourceId });
    await logChange(
      connection,
      'merge',
      { code_id: targetId, category_id: target.category_id },
      {
        source: { code_id: sourceId, name: source.name, category_id: source.category_id },
        target: { code_id: targetId, name: target.name },
        codings: n,
        cells
      },
      actor
    );
    return { codings: n };
  });
}

export interface SplitPart extends CodeDefinition {
  name: string;
  /** The codings (of the code being split) that go to this new code. */
  codingIds: string[];
}

/**
 * Splits a code: each part becomes a new sibling code and takes the codings listed for it; codings not listed stay
 * on the original code, which stays. Cells stay with the original code (the researcher re-charts them).
 */
export async function splitCode(
  connection: Connection,
  codeId: string,
  parts: SplitPart[],
  actor: Actor = {}
): Promise<Code[]> {
  return inTransaction(connection, async () => {
    const original = await getCode(connection, codeId);
    const owned = new Set(
      (
        await rows<{ coding_id: string }>(connection, 'SELECT coding_id FROM coding WHERE code_id = $id', {
          id: codeId
        })
      ).map((r) => r.coding_id)
    );
    const claimed = new Set<string>();
    for (const part of parts) {
      for (const id of part.codingIds) {
        if (!owned.has(id)) throw new QualitativeError(`Coding ${id} is not coded with ${original.name}`);
        if (claimed.has(id)) throw new QualitativeError(`Coding ${id} is given to two parts of the split`);
        claimed.add(id);
      }
    }
    const created: Code[] = [];
    for (const part of parts) {
      const code = await addCode(
        connection,
        { ...part, categoryId: original.category_id, parentCodeId: original.parent_code_id },
        actor
      );
      for (const id of part.codingIds)
        await run(connection, 'UPDATE coding SET code_id = $c WHERE coding_id = $id', { id, c: code.code_id });
      created.push(code);
    }
    await logChange(
      connection,
      'split',
      original,
      {
        from: { code_id: codeId, name: original.name },
        into: created.map((c, i) => ({ code_id: c.code_id, name: c.name, codings: parts[i].codingIds })),
        remaining: owned.size - claimed.size
      },
      actor
    );
    return created;
  });
}
