import type { CommandName } from './command.js';

const GLOBAL = `Options of every command:
  --database-url URL   the database (default: $DATABASE_URL, else sqlite:./data/steptrail.db);
                       sqlite:path.db, postgres://user:pass@host:5432/db, mysql://user:pass@host:3306/db
  --json               one JSON document on stdout (progress as JSON lines on stderr)
  -h, --help           this help`;

const COMMANDS: Record<CommandName, { usage: string; text: string }> = {
  schema: {
    usage: 'schema up | status | down [--to NAME]',
    text: `Applies, lists or reverts steptrail's schema migrations. On a DocuElevate database "up" adds only the
columns, indexes and tables that are missing and changes no existing row. "down" reverts the newest applied
migration, or with --to NAME every migration applied after NAME (NAME stays applied).`,
  },
  'logs-to-steps': {
    usage: 'logs-to-steps [--file-id N] [--batch-size N] [--concurrency N] [--dry-run] [--all] [--restart]',
    text: `Rebuilds file_processing_steps (and each file's status rollup) from processing_logs with steptrail's fold.
By default only files that have logs and no step rows; --all re-derives every file (repair), which also
refreshes the status rollup of files without logs.
One transaction per batch of --batch-size files (default 2000, at most 20000); on PostgreSQL and MariaDB
--concurrency batches run at once on their own connections (default 2, at most 8; SQLite has one writer, so 1)
and still commit in file order. A run stopped by Ctrl-C, SIGTERM
or kill -9 continues after the last committed batch when run again; --restart discards that progress and
starts from the first file. --dry-run reports what a run would change and changes nothing.
--file-id N rebuilds one file (always re-derived, like --all).`,
  },
  verify: {
    usage: 'verify [--file-id N | --all]',
    text: `Compares every file's step rows and status rollup with the fold of its logs and lists each difference.
Without --file-id every file is checked (--all says so explicitly). Exit code 1 when any file is invalid.
A file whose history was removed by prune has nothing to compare and is counted as "no history", not invalid.`,
  },
  prune: {
    usage: 'prune --older-than DURATION [--dry-run]',
    text: `Deletes history (processing_logs rows) older than DURATION (e.g. 90d, 12h, 2w), at most 1,000 rows per
statement with short pauses, so writers are never blocked for long. A file's history is deleted only as a whole:
when all its log rows are older than the cutoff and every one of its step rows is finished (success, failure
or skipped) and was rebuilt from those logs. Task-level rows (no file id) and rows of deleted files go when they
are older than the cutoff. --dry-run counts what would be deleted and kept.`,
  },
};

export const GENERAL_HELP = `steptrail-migrate: schema migrations, logs-to-steps backfill, verification and log retention

Usage: steptrail-migrate <command> [options]

Commands:
${Object.values(COMMANDS)
  .map(({ usage }) => `  ${usage}`)
  .join('\n')}

${GLOBAL}

Exit codes: 0 ok, 1 discrepancies or failed files, 2 usage or configuration error, 130 interrupted (run again
to continue). "steptrail-migrate <command> --help" explains a command.`;

export function commandHelp(command: CommandName): string {
  const { usage, text } = COMMANDS[command];
  return `Usage: steptrail-migrate ${usage} [--json] [--database-url URL]\n\n${text}\n\n${GLOBAL}`;
}

export function commandUsage(command: CommandName): string {
  return `steptrail-migrate ${COMMANDS[command].usage}`;
}
