import type { SchemaAction } from '../cli/command.js';
import { ConfigurationProblem } from '../cli/configuration-problem.js';
import { EXIT, type ExitCode } from '../cli/exit-codes.js';
import { UsageError } from '../cli/usage-error.js';
import type { DatabaseSession } from '../database-session.js';
import { formatCount } from '../output/format.js';
import type { Output } from '../output/output.js';
import { CHECKPOINT_TABLE } from '../sql/checkpoint-table.js';
import type { SchemaMigrations, TableChange } from '../sql/schema-migrations.js';

/** `schema up | status | down [--to NAME] [--yes]`. */
export class SchemaCommand {
  constructor(
    private readonly db: DatabaseSession,
    private readonly output: Output,
    private readonly programName: string,
  ) {}

  async run({
    action,
    to,
    yes,
  }: {
    action: SchemaAction;
    to: string | null;
    yes: boolean;
  }): Promise<ExitCode> {
    switch (action) {
      case 'status':
        return this.status();
      case 'up':
        return this.up();
      case 'down':
        return this.down(to, yes);
    }
  }

  private async status(): Promise<ExitCode> {
    const database = this.db.target.display;
    if (this.db.missingSqliteFile) {
      this.output.result(
        { database, exists: false, migrations: [] },
        () =>
          `${database}: no database file yet; "${this.programName} schema up" creates it and applies every migration.`,
      );
      return EXIT.ok;
    }
    const migrations = await (await this.db.schema()).status();
    const { legacy } = (await this.db.useCases()).store.reads;
    const interrupted = (
      await Promise.all([legacy.loadProgress('missing'), legacy.loadProgress('all')])
    ).flatMap((checkpoint) => (checkpoint === null ? [] : [checkpoint]));
    const pending = migrations.filter((migration) => !migration.applied).length;
    this.output.result(
      {
        database,
        exists: true,
        migrations,
        interruptedBackfills: interrupted.map(({ mode, lastFileId, startedAt }) => ({
          mode,
          lastFileId,
          startedAt,
        })),
      },
      () =>
        [
          `${database}`,
          ...migrations.map((migration) => `  [${migration.applied ? 'x' : ' '}] ${migration.name}`),
          `${migrations.length - pending} applied, ${pending} pending${pending > 0 ? ` (run "${this.programName} schema up")` : ''}`,
          ...interrupted.map(
            ({ mode, lastFileId, startedAt }) =>
              `An interrupted logs-to-steps${mode === 'all' ? ' --all' : ''} run (started ${startedAt.toISOString()}) ` +
              `continues after file ${lastFileId} when run again.`,
          ),
        ].join('\n'),
    );
    return EXIT.ok;
  }

  private async up(): Promise<ExitCode> {
    const { applied, changes } = await (await this.db.schema()).up();
    const database = this.db.target.display;
    this.output.result({ database, applied, changes }, () =>
      applied.length === 0
        ? `${database}: the schema is up to date; nothing to apply.`
        : [`${database}: applied ${applied.join(', ')}`, ...changes.map(describeChange)].join('\n'),
    );
    return EXIT.ok;
  }

  private async down(to: string | null, yes: boolean): Promise<ExitCode> {
    if (this.db.missingSqliteFile) {
      throw new ConfigurationProblem(`There is no database at ${this.db.target.display}; nothing to revert.`);
    }
    const schema = await this.db.schema();
    if (!yes) await this.refuseToDropRows(schema, to);
    const reverted = await schema.down(to);
    const nothingLeft = (await schema.status()).every((migration) => !migration.applied);
    // The checkpoint table belongs to the schema's lifetime: a fully reverted database keeps nothing of steptrail.
    const droppedCheckpoints = nothingLeft && (await (await this.db.checkpoints()).drop());
    const database = this.db.target.display;
    this.output.result({ database, reverted, droppedCheckpointTable: droppedCheckpoints }, () =>
      reverted.length === 0
        ? `${database}: nothing to revert${to === null ? ' (no migration is applied)' : ` (${to} is the newest applied)`}.`
        : `${database}: reverted ${reverted.join(', ')}${droppedCheckpoints ? ' and dropped the backfill checkpoint table' : ''}.`,
    );
    return EXIT.ok;
  }

  /** Reverting the first migration drops steptrail's tables: when they hold rows, only if the operator says so. */
  private async refuseToDropRows(schema: SchemaMigrations, to: string | null): Promise<void> {
    if (!(await schema.revertsEverything(to))) return;
    const checkpoints = await this.db.checkpoints();
    const tables = [
      ...(await schema.createdTables()),
      ...((await checkpoints.exists()) ? [CHECKPOINT_TABLE] : []),
    ];
    const holding: string[] = [];
    for (const table of tables) {
      const rows = await schema.rowCount(table);
      if (rows > 0) holding.push(`${table} (${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'})`);
    }
    if (holding.length === 0) return;
    throw new UsageError(
      `schema down would drop ${holding.length === 1 ? 'a table that holds' : 'tables that hold'} rows: ` +
        `${holding.join(', ')}. Nothing was changed. Add --yes to drop them (back the database up first).`,
      'schema down',
    );
  }
}

function describeChange(change: TableChange): string {
  if (change.created) return `  ${change.table}: created`;
  const parts = [
    change.addedColumns.length > 0 ? `added columns ${change.addedColumns.join(', ')}` : null,
    change.addedIndexes.length > 0 ? `added indexes ${change.addedIndexes.join(', ')}` : null,
  ].filter((part) => part !== null);
  return `  ${change.table}: ${parts.join('; ')}`;
}
