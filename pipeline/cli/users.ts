/**
 * `uptake users add|list|remove|set-role|reset-password`: the accounts of the dashboard (pipeline/access). The first
 * admin is made here: `uptake users add alice --role admin` asks for a password (or reads it from standard input or
 * --password-file). Every change is written to the audit log as done by `cli:<operating-system user>`.
 *
 * Account changes write to the warehouse, so they need the dashboard stopped (exit 3 otherwise, as for `load`).
 */
import { Command, Option } from 'commander';
import type { CliEffects } from './effects.ts';
import type { RunCommand } from './command-runner.ts';
import { EXIT, UsageError } from './errors.ts';
import { readingWarehouse } from './with-warehouse.ts';
import { readPassword, processPasswordSource, type PasswordSource } from './password-input.ts';
import {
  AccountError,
  addAccount,
  listAccounts,
  removeAccount,
  resetPassword,
  setRole,
  type Actor
} from '../access/accounts.ts';
import { PasswordRuleError } from '../access/passwords.ts';
import { ROLES } from '../access/roles.ts';
import { cliActor } from '../audit/log.ts';
import { DatabaseInUseError, openWarehouse } from '../warehouse/open.ts';

/** Exit 3 like any "database in use", with the way on for accounts (the upload page is no help here). */
class AccountsInUseError extends DatabaseInUseError {
  constructor(cause: DatabaseInUseError) {
    super(cause.path, cause.pid, cause.holder);
    this.message =
      `The database ${cause.path} is in use by another process${cause.pid ? ` (PID ${cause.pid})` : ''}. ` +
      'Accounts live in the warehouse: stop the dashboard, run this command again, then start the dashboard.';
  }
}

/** Runs `change` on a read-write warehouse; an account or password mistake is the user's to fix (exit 2). */
async function changeAccounts<T>(
  dbPath: string,
  change: (connection: Awaited<ReturnType<typeof openWarehouse>>['connection'], by: Actor) => Promise<T>
): Promise<T> {
  let warehouse;
  try {
    warehouse = await openWarehouse(dbPath);
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw new AccountsInUseError(error);
    throw error;
  }
  try {
    return await change(warehouse.connection, { actor: cliActor(), source: 'cli' });
  } catch (error) {
    if (error instanceof AccountError || error instanceof PasswordRuleError) throw new UsageError(error.message);
    throw error;
  } finally {
    warehouse.close();
  }
}

export function registerUsersCommand(
  program: Command,
  run: RunCommand,
  effects: CliEffects,
  passwords: PasswordSource = processPasswordSource
): void {
  const users = program.command('users').description(`dashboard accounts and their roles (${ROLES.join(', ')})`);
  const roleOption = () => new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory();

  users
    .command('add')
    .description('add an account; the password is asked for, or read from standard input or --password-file')
    .argument('<username>', 'letters, digits and . _ @ - (an e-mail address fits)')
    .addOption(roleOption())
    .option('--name <display name>', 'the name shown on the pages')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .action(
      run<{ role: string; name?: string; passwordFile?: string }, [string]>(async (db, options, username) => {
        const password = await readPassword(options, passwords);
        const account = await changeAccounts(db, (connection, by) =>
          addAccount(connection, { username, role: options.role, password, displayName: options.name }, by)
        );
        effects.stdout.write(`Added ${account.username} (${account.role}).\n`);
        return EXIT.ok;
      })
    );

  users
    .command('list')
    .description('every account, its role and how it signs in')
    .option('--json', 'print an array of accounts')
    .action(
      run<{ json?: boolean }>(async (db, options) => {
        const accounts = await readingWarehouse(db, ({ connection }) =>
          listAccounts(connection).catch((error: Error) => {
            // A warehouse made before accounts existed has no account table: it has no accounts.
            if (/Table with name account does not exist/.test(error.message)) return [];
            throw error;
          })
        );
        if (options.json) effects.stdout.write(JSON.stringify(accounts, null, 2) + '\n');
        else if (!accounts.length)
          effects.stdout.write(
            'No accounts yet. Add the first admin with `uptake users add <username> --role admin`.\n'
          );
        else {
          const width = Math.max(8, ...accounts.map((a) => a.username.length));
          effects.stdout.write(`${'username'.padEnd(width)}  role        sign-in         created\n`);
          for (const a of accounts) {
            effects.stdout.write(
              `${a.username.padEnd(width)}  ${a.role.padEnd(10)}  ${a.signIn.padEnd(14)}  ${a.createdAt} by ${a.createdBy}\n`
            );
          }
        }
        return EXIT.ok;
      })
    );

  users
    .command('remove')
    .description('remove an account and end its sessions')
    .argument('<username>')
    .action(
      run<object, [string]>(async (db, _options, username) => {
        await changeAccounts(db, (connection, by) => removeAccount(connection, username, by));
        effects.stdout.write(`Removed ${username.trim().toLowerCase()}; its sessions have ended.\n`);
        return EXIT.ok;
      })
    );

  users
    .command('set-role')
    .description('change the role of an account (it applies to its next request)')
    .argument('<username>')
    .argument('<role>', ROLES.join(' | '))
    .action(
      run<object, [string, string]>(async (db, _options, username, role) => {
        const change = await changeAccounts(db, (connection, by) => setRole(connection, username, role, by));
        effects.stdout.write(
          change.from === change.to
            ? `${username.trim().toLowerCase()} already has the role ${change.to}: nothing changed.\n`
            : `${username.trim().toLowerCase()}: ${change.from} → ${change.to}.\n`
        );
        return EXIT.ok;
      })
    );

  users
    .command('reset-password')
    .description(
      "set a new password (asked for, or from standard input or --password-file) and end the account's sessions"
    )
    .argument('<username>')
    .option('--password-file <file>', 'read the password from the first line of this file')
    .action(
      run<{ passwordFile?: string }, [string]>(async (db, options, username) => {
        const password = await readPassword(options, passwords);
        await changeAccounts(db, (connection, by) => resetPassword(connection, username, password, by));
        effects.stdout.write(`New password set for ${username.trim().toLowerCase()}; its sessions have ended.\n`);
        return EXIT.ok;
      })
    );
}
