/**
 * /admin/users/<username>: one account, with a form for each change an admin can make: the role, a new password,
 * disable or re-enable, and ending a lockout. Each is a SvelteKit action that pipeline/access/accounts.ts carries out
 * and audits; a rule it breaks (the last admin, your own account, a short password) comes back on the form.
 */
import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { adminActor, attempt, field, ukTime } from '$lib/server/access/account-admin.ts';
import {
  AccountError,
  findAccount,
  normaliseUsername,
  resetPassword,
  setDisabled,
  setRole,
  unlockAccount
} from '$pipeline/access/accounts.ts';
import { MIN_PASSWORD_LENGTH } from '$pipeline/access/passwords.ts';
import { accountLock } from '$pipeline/access/sign-in.ts';
import { ROLE_DESCRIPTIONS, ROLES } from '$pipeline/access/roles.ts';

const NO_SUCH_ACCOUNT = 'There is no account with that username. The accounts page lists every account.';

function username(event: { params: { username: string } }): string {
  try {
    return normaliseUsername(event.params.username);
  } catch (e) {
    if (e instanceof AccountError) error(404, NO_SUCH_ACCOUNT);
    throw e;
  }
}

export const load: PageServerLoad = async (event) => {
  const name = username(event);
  const found = await withReader(async (connection) => {
    const account = await findAccount(connection, name);
    if (!account) return null;
    const { passwordHash: _hash, ...shown } = account; // the hash is never sent to the page
    return { account: shown, lock: await accountLock(connection, name) };
  });
  if (!found) error(404, NO_SUCH_ACCOUNT);
  return {
    account: found.account,
    lockedUntil: found.lock ? ukTime(found.lock.until) : null,
    lockedAddresses: found.lock?.addresses ?? 0,
    self: event.locals.viewer?.username === found.account.username,
    roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] })),
    minPasswordLength: MIN_PASSWORD_LENGTH
  };
};

/** Runs one change on the account in the URL; a 404 when it does not exist. */
async function change(event: RequestEvent, action: string, fieldName: string, run: (name: string) => Promise<string>) {
  const name = username(event);
  if (!(await withReader((connection) => findAccount(connection, name)))) error(404, NO_SUCH_ACCOUNT);
  const result = await attempt(action, fieldName, () => run(name));
  return result.ok ? { action, done: result.value } : result.failure;
}

export const actions: Actions = {
  role: async (event) => {
    const role = field(await event.request.formData(), 'role');
    return change(event, 'role', 'role', async (name) => {
      if (name === event.locals.viewer?.username)
        throw new AccountError('You cannot change your own role: ask another admin.');
      const { from, to } = await withReader((connection) => setRole(connection, name, role, adminActor(event)));
      return from === to
        ? `${name} already has the ${to} role: nothing changed.`
        : `${name}'s role is now ${to} (was ${from}).`;
    });
  },
  password: async (event) => {
    const password = String((await event.request.formData()).get('password') ?? '');
    return change(event, 'password', 'password', async (name) => {
      await withReader((connection) => resetPassword(connection, name, password, adminActor(event)));
      return `${name}'s password has been reset and they have been signed out everywhere. Give them the new password in person or by phone.`;
    });
  },
  disable: async (event) =>
    change(event, 'disable', 'disable', async (name) => {
      await withReader((connection) => setDisabled(connection, name, true, adminActor(event)));
      return `${name} is disabled: they cannot sign in, and they have been signed out everywhere.`;
    }),
  enable: async (event) =>
    change(event, 'enable', 'enable', async (name) => {
      await withReader((connection) => setDisabled(connection, name, false, adminActor(event)));
      return `${name} can sign in again.`;
    }),
  unlock: async (event) =>
    change(event, 'unlock', 'unlock', async (name) => {
      await withReader((connection) => unlockAccount(connection, name, adminActor(event)));
      return `${name} can sign in again now: their failed attempts no longer count.`;
    })
};
