/**
 * What every Interviews page needs on the server: reads and writes on the server's one DuckDB instance
 * (warehouse.ts), who is doing the work, and turning the engine's refusals into a 400 the page can show.
 *
 * Writes wait in the server's one write queue (write-queue.ts, shared with loading uploads), each on its own
 * short-lived connection inside the engine's transaction: DuckDB has one writer, and two people saving cells at once
 * (or a cell and an upload) must not interleave half an edit each.
 */
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import type { DuckDBConnection } from '@duckdb/node-api';
import { QualitativeError, type Actor } from '$pipeline/qualitative/store.ts';
import { withReader } from './warehouse.ts';
import { withWriter } from './write-queue.ts';

export { withReader, withWriter };

/** The longest name a person may give as coder or author. */
const MAX_NAME = 80;

/**
 * The signed-in person's name, when access control has put the person on `locals` (site/hooks.server.ts, as `user` or
 * `viewer`); whatever shape that has, a display name, user name, e-mail or id names them.
 */
export function signedInName(locals: App.Locals): string | null {
  const { user, viewer } = locals as { user?: Record<string, unknown> | null; viewer?: Record<string, unknown> | null };
  const person = user ?? viewer;
  if (!person) return null;
  for (const key of ['displayName', 'name', 'username', 'email', 'id']) {
    const value = person[key];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, MAX_NAME);
  }
  return null;
}

/** Who a write is recorded as: the signed-in user, else the name typed in the form's "coder" field (if any). */
export function actorFrom(locals: App.Locals, form: FormData): Actor {
  const typed = String(form.get('coder') ?? '')
    .trim()
    .slice(0, MAX_NAME);
  return { user: signedInName(locals) ?? (typed || undefined) };
}

export function text(form: FormData, name: string, max = 20_000): string {
  return String(form.get(name) ?? '').slice(0, max);
}

export function integer(form: FormData, name: string): number | null {
  const value = String(form.get(name) ?? '').trim();
  return /^-?\d+$/.test(value) ? Number(value) : null;
}

/**
 * Runs a form action's write; the engine's refusals (QualitativeError: "A coding records its coder", "No code …")
 * become a 400 with the message for the page, anything else stays a server error.
 */
export async function attempt<T extends Record<string, unknown>>(action: string, write: () => Promise<T>) {
  try {
    return { action, ok: true as const, ...(await write()) };
  } catch (e) {
    if (e instanceof QualitativeError) return fail(400, { action, ok: false as const, message: e.message });
    throw e;
  }
}

/**
 * A form action that makes one write and shows the page again with nothing more to say than that it worked:
 * `{ action, ok: true }`, or the engine's refusal as a 400 (`attempt`).
 */
export function writeAction<Event extends RequestEvent>(
  action: string,
  write: (connection: DuckDBConnection, form: FormData, event: Event) => Promise<unknown>
) {
  return async (event: Event) => {
    const form = await event.request.formData();
    return attempt(action, async () => {
      await withWriter((connection) => write(connection, form, event));
      return {};
    });
  };
}

/** For loads: a missing transcript, code or category is a 404 page that says which. */
export async function orNotFound<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof QualitativeError) error(404, e.message);
    throw e;
  }
}
