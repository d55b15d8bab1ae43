/**
 * Case attributes: what a study knows about each participant beyond the fixed columns ("gender: female", "age: 67"),
 * as ATLAS.ti keeps them in document groups and NVivo in case classifications. They come from a REFI-QDA import
 * (document Sets or Case variables) or are typed in the workbench, and group the matrix's rows and filter themes.
 */
import { inTransaction, nowText, rows, run, QualitativeError, type Actor, type Connection } from './store.ts';

export interface ParticipantAttribute {
  participant_id: string;
  name: string;
  value: string | null;
  value_type: string;
  /** The REFI Set it came from (exported back as that Set), or null (exported as a Case variable). */
  set_id: string | null;
}

export interface NewAttribute {
  participantId: string;
  name: string;
  value: string | null;
  valueType?: string;
  setId?: string | null;
}

const clean = (name: string) => name.trim().replace(/\s+/g, ' ');

/** Sets (or replaces) one attribute of one participant. */
export async function setParticipantAttribute(connection: Connection, input: NewAttribute, actor: Actor = {}) {
  const name = clean(input.name);
  if (!name) throw new QualitativeError('An attribute needs a name');
  if (name.length > 100) throw new QualitativeError('An attribute name is at most 100 characters');
  const value = input.value === null ? null : input.value.trim();
  if (value !== null && value.length > 500) throw new QualitativeError('An attribute value is at most 500 characters');
  await inTransaction(connection, async () => {
    const [participant] = await rows(connection, 'SELECT 1 FROM participant WHERE participant_id = $id', {
      id: input.participantId
    });
    if (!participant) throw new QualitativeError(`No participant ${input.participantId}`);
    await run(connection, 'DELETE FROM participant_attribute WHERE participant_id = $p AND name = $n', {
      p: input.participantId,
      n: name
    });
    await run(
      connection,
      'INSERT INTO participant_attribute VALUES ($p, $n, $v, $t, $set, CAST($now AS TIMESTAMP), $user)',
      {
        p: input.participantId,
        n: name,
        v: value,
        t: input.valueType ?? 'Text',
        set: input.setId ?? null,
        now: nowText(actor),
        user: actor.user ?? null
      }
    );
  });
}

export async function removeParticipantAttribute(connection: Connection, participantId: string, name: string) {
  await run(connection, 'DELETE FROM participant_attribute WHERE participant_id = $p AND name = $n', {
    p: participantId,
    n: clean(name)
  });
}

export async function listParticipantAttributes(connection: Connection): Promise<ParticipantAttribute[]> {
  return rows<ParticipantAttribute>(
    connection,
    'SELECT participant_id, name, value, value_type, set_id FROM participant_attribute ORDER BY participant_id, name'
  );
}

/** Each attribute name with the values participants have, for the grouping and filter pickers. */
export async function attributeValues(connection: Connection): Promise<{ name: string; values: string[] }[]> {
  const found = await rows<{ name: string; value: string }>(
    connection,
    `SELECT DISTINCT name, coalesce(value, 'yes') AS value FROM participant_attribute ORDER BY name, value`
  );
  const byName = new Map<string, string[]>();
  for (const f of found) byName.set(f.name, [...(byName.get(f.name) ?? []), f.value]);
  return [...byName].map(([name, values]) => ({ name, values }));
}

/** Participant → the value of one attribute (an attribute without a value, a set membership, reads "yes"). */
export async function attributeOf(connection: Connection, name: string): Promise<Map<string, string>> {
  const found = await rows<{ participant_id: string; value: string }>(
    connection,
    `SELECT participant_id, coalesce(value, 'yes') AS value FROM participant_attribute WHERE name = $n`,
    { n: name }
  );
  return new Map(found.map((f) => [f.participant_id, f.value]));
}

/**
 * A "name: value" choice from the filter picker, as an AttributeFilter, if it is one of the values participants have.
 */
export async function attributeChoice(
  connection: Connection,
  key: string | null
): Promise<{ choices: string[]; chosen: { name: string; value: string } | undefined; key: string }> {
  const choices = (await attributeValues(connection)).flatMap((a) =>
    a.values.map((value) => ({ key: `${a.name}: ${value}`, name: a.name, value }))
  );
  const found = choices.find((c) => c.key === key);
  return {
    choices: choices.map((c) => c.key),
    chosen: found ? { name: found.name, value: found.value } : undefined,
    key: found?.key ?? ''
  };
}
