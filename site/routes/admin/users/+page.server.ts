/**
 * /admin/users: every account with its role and state (active, disabled, locked), and a form to add one. Each
 * account's own page (/admin/users/<username>) changes its role, resets its password, disables or re-enables it and
 * ends a lockout. Admins only (the policy table's /admin/**); every change is audited by pipeline/access/accounts.ts.
 * Plain forms posted to SvelteKit actions: they work without JavaScript, and `use:enhance` only saves the reload.
 */
import type { Actions, PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { adminActor, attempt, field, ukTime } from '$lib/server/access/account-admin.ts';
import { addAccount, checkRole, listAccounts, normaliseUsername } from '$pipeline/access/accounts.ts';
import { checkPasswordRules, MIN_PASSWORD_LENGTH } from '$pipeline/access/passwords.ts';
import { accountLock } from '$pipeline/access/sign-in.ts';
import { ROLE_DESCRIPTIONS, ROLES } from '$pipeline/access/roles.ts';

export const load: PageServerLoad = async () => {
  const accounts = await withReader(async (connection) => {
    const now = new Date();
    return Promise.all(
      (await listAccounts(connection)).map(async (account) => {
        const lock = await accountLock(connection, account.username, now);
        return { ...account, lockedUntil: lock ? ukTime(lock.until) : null };
      })
    );
  });
  return {
    accounts,
    roles: ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role] })),
    minPasswordLength: MIN_PASSWORD_LENGTH
  };
};

export const actions: Actions = {
  add: async (event) => {
    const form = await event.request.formData();
    const values = { username: field(form, 'username'), name: field(form, 'name'), role: field(form, 'role') };
    const password = String(form.get('password') ?? '');
    // Each field checked in the order of the form, so the first problem named is the first one a person meets.
    const checks: [string, () => unknown][] = [
      ['username', () => normaliseUsername(values.username)],
      ['role', () => checkRole(values.role)],
      ['password', () => checkPasswordRules(password)]
    ];
    for (const [name, check] of checks) {
      const checked = await attempt('add', name, async () => check(), values);
      if (!checked.ok) return checked.failure;
    }
    const added = await attempt(
      'add',
      'username',
      () =>
        withReader((connection) =>
          addAccount(
            connection,
            { username: values.username, role: values.role, password, displayName: values.name || null },
            adminActor(event)
          )
        ),
      values
    );
    if (!added.ok) return added.failure;
    return {
      action: 'add',
      done: `Account ${added.value.username} added with the ${added.value.role} role. Give them their password in person or by phone, not by email.`
    };
  }
};
