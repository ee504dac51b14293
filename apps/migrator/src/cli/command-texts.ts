/**
 * The prose of the help pages, one paragraph per string (commander wraps them to the terminal); usage lines and
 * option lists are generated from the definitions in program.ts.
 */

export const PROGRAM_SUMMARY =
  'steptrail-migrate: schema migrations, the logs-to-steps backfill, verification, rollup reconciliation and log retention.';

export const EXIT_CODES_TEXT =
  'Exit codes: 0 ok, 1 discrepancies or failed files, 2 usage or configuration error (nothing was changed), ' +
  '130 interrupted (run the same command again to continue).';

export const COMMAND_TEXTS = {
  schema: {
    summary: "apply, list or revert steptrail's schema migrations",
    description:
      'Applies, lists or reverts steptrail\'s schema migrations. On a DocuElevate database "up" adds only the ' +
      'columns, indexes and tables that are missing and changes no existing row.',
    status: 'Lists the migrations, applied or pending, and any interrupted backfill (read-only).',
    up: 'Applies every pending migration; on a DocuElevate database only what is missing is added.',
    down:
      'Reverts the newest applied migration, or with --to NAME every migration applied after NAME. Reverting ' +
      'the first migration drops the tables steptrail created (and the backfill checkpoint table); when they ' +
      'hold rows it refuses, unless --yes is given.',
  },
  'logs-to-steps': {
    summary: 'rebuild step rows and status rollups from processing_logs',
    description:
      "Rebuilds file_processing_steps (and each file's status rollup) from processing_logs with steptrail's " +
      'fold. By default only files that have logs and no step rows; --all re-derives every file (repair), which ' +
      'also refreshes the status rollup of files without logs. One transaction per batch of --batch-size files; ' +
      'on PostgreSQL and MariaDB --concurrency batches run at once on their own connections and still commit in ' +
      'file order. A run stopped by Ctrl-C, SIGTERM or kill -9 continues after the last committed batch when run ' +
      'again; --restart discards that progress and starts from the first file.',
  },
  verify: {
    summary: 'compare step rows and rollups with the fold of the logs',
    description:
      "Compares every file's step rows and status rollup with the fold of its logs and lists each difference; " +
      'exit code 1 when any file is invalid. A file whose history was removed by prune has nothing to compare ' +
      'and is counted as "no history", not invalid.',
  },
  reconcile: {
    summary: "recompute every file's status rollup from its step rows",
    description:
      "Recomputes every file's status rollup (files.processing_status and the step counts) from its step rows " +
      'with the status rule and saves the ones that differ, each with a history note. The API and the worker do ' +
      'the same in the background for the files another program (DocuElevate) writes; this is the on-demand ' +
      'form, e.g. after a hand edit. Safe to run while they run.',
  },
  prune: {
    summary: 'delete old history, a whole file at a time',
    description:
      'Deletes history (processing_logs rows) older than DURATION, at most 1,000 rows per statement with short ' +
      "pauses, so writers are never blocked for long. A file's history is deleted only as a whole: when all its " +
      'log rows are older than the cutoff and every one of its step rows is finished (success, failure or ' +
      'skipped) and was rebuilt from those logs. Task-level rows (no file id) and rows of deleted files go when ' +
      'they are older than the cutoff.',
  },
} as const;
