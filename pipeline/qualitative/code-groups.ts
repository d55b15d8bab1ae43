/**
 * Code groups: named sets of codes across categories (ATLAS.ti's code groups, REFI-QDA Sets of codes). A group only
 * lists codes; it never changes the codebook's hierarchy or any coding.
 */
import { inTransaction, newId, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface CodeGroup {
  group_id: string;
  name: string;
  description: string | null;
  /** Codes (or categories, for a top-level code) in the order the group lists them. */
  member_ids: string[];
}

export async function addCodeGroup(
  connection: Connection,
  input: { groupId?: string; name: string; description?: string | null; memberIds: string[] },
  actor: Actor = {}
): Promise<string> {
  const id = input.groupId ?? newId();
  if (!input.name.trim()) throw new QualitativeError('A code group needs a name');
  await inTransaction(connection, async () => {
    await run(connection, 'INSERT INTO code_group VALUES ($id, $name, $description, CAST($now AS TIMESTAMP))', {
      id,
      name: input.name,
      description: input.description ?? null,
      now: nowText(actor)
    });
    let ordinal = 0;
    for (const member of [...new Set(input.memberIds)]) {
      await run(connection, 'INSERT INTO code_group_member VALUES ($g, $c, $o)', { g: id, c: member, o: ordinal++ });
    }
  });
  return id;
}

export async function listCodeGroups(connection: Connection): Promise<CodeGroup[]> {
  const groups = await rows<Omit<CodeGroup, 'member_ids'>>(
    connection,
    'SELECT group_id, name, description FROM code_group ORDER BY created_at, name'
  );
  const members = await rows<{ group_id: string; code_id: string }>(
    connection,
    'SELECT group_id, code_id FROM code_group_member ORDER BY group_id, ordinal'
  );
  return groups.map((g) => ({
    ...g,
    member_ids: members.filter((m) => m.group_id === g.group_id).map((m) => m.code_id)
  }));
}
