/**
 * `uptake audit --since <date> [--until <date>] [--actor <name>] [--action <action>] [--json]`: the audit log
 * (pipeline/audit), oldest first so it reads as a story; the same events as the /admin/audit page. Read-only.
 */
import { Command, Option } from 'commander';
import type { CliEffects } from './effects.ts';
import type { RunCommand } from './command-runner.ts';
import { EXIT, UsageError } from './errors.ts';
import { readingWarehouse } from './with-warehouse.ts';
import { AUDIT_ACTIONS } from '../audit/log.ts';
import { AuditFilterError, readAudit, type AuditFilter, type AuditRow } from '../audit/query.ts';

export interface AuditOptions {
  since: string;
  until?: string;
  actor?: string;
  action?: string;
  json?: boolean;
}

export async function readAuditForCli(dbPath: string, filter: AuditFilter): Promise<AuditRow[]> {
  return readingWarehouse(dbPath, async ({ connection }) => {
    try {
      // Everything that matches, newest first from the query; a warehouse made before the audit log existed has none.
      const { rows } = await readAudit(connection, filter, { limit: 100_000 });
      return rows.reverse();
    } catch (error) {
      if (error instanceof AuditFilterError) throw new UsageError(error.message);
      if (/Table with name audit_event does not exist/.test((error as Error).message)) return [];
      throw error;
    }
  });
}

export function formatAudit(rows: AuditRow[]): string {
  if (!rows.length) return 'No events in that period.\n';
  const who = (r: AuditRow) => `${r.actor}${r.actorRole ? ` (${r.actorRole})` : ''}`;
  const widths = {
    who: Math.max(3, ...rows.map((r) => who(r).length)),
    action: Math.max(4, ...rows.map((r) => r.action.length)),
    outcome: 7
  };
  const lines = [
    `${'when (UTC)'.padEnd(19)}  ${'who'.padEnd(widths.who)}  ${'what'.padEnd(widths.action)}  outcome  target — detail`
  ];
  for (const r of rows) {
    const tail = [r.target, r.detail].filter(Boolean).join(' — ');
    lines.push(
      `${r.occurredAt}  ${who(r).padEnd(widths.who)}  ${r.action.padEnd(widths.action)}  ${r.outcome.padEnd(widths.outcome)}  ${tail}`.trimEnd()
    );
  }
  return lines.join('\n') + '\n';
}

export function registerAuditCommand(program: Command, run: RunCommand, effects: CliEffects): void {
  program
    .command('audit')
    .description('the audit log: sign-ins, loads, downloads, report renders, views of interviews, account changes')
    .requiredOption('--since <date>', 'from this date (YYYY-MM-DD, UTC) or moment (YYYY-MM-DD HH:MM)')
    .option('--until <date>', 'up to and including this date or moment')
    .option('--actor <name>', 'only what this person (username) did')
    .addOption(new Option('--action <action>', 'only this kind of event').choices([...AUDIT_ACTIONS]))
    .option('--json', 'print an array of events')
    .action(
      run<AuditOptions>(
        async (db, options) => {
          const rows = await readAuditForCli(db, {
            since: options.since,
            until: options.until,
            actor: options.actor,
            action: options.action
          });
          effects.stdout.write(options.json ? JSON.stringify(rows, null, 2) + '\n' : formatAudit(rows));
          return EXIT.ok;
        },
        { jsonFailure: true }
      )
    );
}
