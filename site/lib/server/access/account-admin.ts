/**
 * What /admin/users and /admin/users/<username> share: who is making the change (for the audit log, which
 * pipeline/access/accounts.ts writes in the same call as the change), and turning a refused change into a form error
 * on the field it is about. The changes themselves, and every rule about them, live in pipeline/access.
 */
import { fail, type RequestEvent } from '@sveltejs/kit';
import { AccountError, type Actor } from '$pipeline/access/accounts.ts';
import { PasswordRuleError } from '$pipeline/access/passwords.ts';
import { clientAddress } from './guard.ts';

/** The admin making a change, as the audit log records them. */
export function adminActor(event: RequestEvent): Actor {
  const viewer = event.locals.viewer!; // the policy table lets only signed-in admins reach /admin/**
  return { actor: viewer.username, actorRole: viewer.role, source: 'web', client: clientAddress(event) };
}

/** A form field's text, trimmed and bounded (a form is typed by a person; nothing needs more). */
export function field(form: FormData, name: string, max = 200): string {
  return String(form.get(name) ?? '')
    .trim()
    .slice(0, max);
}

export interface FormProblem {
  action: string;
  /** The input the problem is about (its id), for the error summary's link and the field's own message. */
  field: string;
  problem: string;
  values?: Record<string, string>;
}

/** Runs a change; a rule it breaks comes back as a 400 with the message on `fieldName`, anything else is thrown. */
export async function attempt<T>(
  action: string,
  fieldName: string,
  change: () => Promise<T>,
  values?: Record<string, string>
) {
  try {
    return { ok: true as const, value: await change() };
  } catch (error) {
    if (error instanceof AccountError || error instanceof PasswordRuleError) {
      return {
        ok: false as const,
        failure: fail(400, { action, field: fieldName, problem: error.message, values } satisfies FormProblem)
      };
    }
    throw error;
  }
}

/** "14:05 (UK time), 7 Feb": when a lock ends, as the sign-in page words it. */
export function ukTime(at: Date): string {
  const time = at.toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
  const day = at.toLocaleDateString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'short' });
  return `${time} (UK time), ${day}`;
}
