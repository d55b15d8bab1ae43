/**
 * What every module of the workbench shares: ids, the clock, transactions and small query helpers.
 *
 * Ids are GUIDs so that REFI-QDA export and import keep them (docs/domain/refi-qda.md: "keep GUIDs for every entity").
 * Where an entity has no id of its own (a REFI selection, a user, a participant's case), stableGuid derives one from
 * the persistent key, so repeated exports give the same GUIDs (the Taguette design, unlike ATLAS.ti's regeneration).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';

export type Connection = DuckDBConnection;

/**
 * Who did it and when: injected so tests fix the clock (side effects are injected, docs/architecture.md "Code style").
 */
export interface Actor {
  /** The person (coder, author, editor). */
  user?: string;
  now?: () => Date;
}

export const newId = (): string => randomUUID();

/** A name-based (version 5 style, SHA-1) UUID: the same parts always give the same GUID. */
export function stableGuid(...parts: (string | number)[]): string {
  const hash = createHash('sha1')
    .update(`uptake-qualitative\u0000${parts.join('\u0000')}`)
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A TIMESTAMP literal DuckDB reads exactly (UTC, milliseconds). */
export function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function nowText(actor: Actor = {}): string {
  return timestampText((actor.now ?? (() => new Date()))());
}

const depth = new WeakMap<Connection, number>();

/**
 * Runs `body` in one transaction (nested calls join the outer one): an edit that re-points codings, cells and memos
 * either happens whole or not at all. One write at a time per connection: the site queues writes, each on its own
 * connection (site/lib/server/write-queue.ts), since DuckDB has one writer.
 */
export async function inTransaction<T>(connection: Connection, body: () => Promise<T>): Promise<T> {
  const level = depth.get(connection) ?? 0;
  if (level > 0) {
    depth.set(connection, level + 1);
    try {
      return await body();
    } finally {
      depth.set(connection, level);
    }
  }
  await connection.run('BEGIN TRANSACTION');
  depth.set(connection, 1);
  try {
    const result = await body();
    await connection.run('COMMIT');
    return result;
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  } finally {
    depth.set(connection, 0);
  }
}

type Param = string | number | boolean | null;

/** Rows as plain objects (queryRows binds only the `$name`s a statement uses). */
export async function rows<T>(connection: Connection, sql: string, params: Record<string, Param> = {}): Promise<T[]> {
  return queryRows<T>(connection, sql, params);
}

export async function run(connection: Connection, sql: string, params: Record<string, Param> = {}): Promise<void> {
  await rows(connection, sql, params);
}

/** A not-found or rule-breaking request from the person using the workbench (shown to them as is). */
export class QualitativeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QualitativeError';
  }
}
