import {
  FEED_TABLES,
  OVERALL_STATUSES,
  emptyCursor,
  fileWorkflow,
  type FeedRow,
  type FeedTable,
  type OpenId,
  type ReconcileCursor,
  type ReconcileState,
  type RecentFile,
  type RollupReconcileStore,
} from '@steptrail/domain';
import {
  RowParseError,
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
} from '../mappers/column-parsers.js';
import { LIVE } from '../mappers/row-mappers.js';
import { RECONCILER_TABLE } from '../schema/schema-plan.js';
import type { SqlExecutor } from '../sql-executor.js';

const TABLE = RECONCILER_TABLE.name;
/** The one row of the reconciler's table. */
const ROW_ID = 1;

/** Each table of the feed, the column of its mark, and the column naming a row's file. */
const FEED: Record<FeedTable, { table: string; mark: string; fileId: string }> = {
  logs: { table: 'processing_logs', mark: 'log_mark', fileId: 'file_id' },
  steps: { table: 'file_processing_steps', mark: 'step_mark', fileId: 'file_id' },
  files: { table: 'files', mark: 'file_mark', fileId: 'id' },
};

/** The rollup reconciler's port over its table and the primary keys of the three tables (docs/architecture.md#foreign-writes). */
export class TypeormReconcile implements RollupReconcileStore {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => Date,
    /** Whether `files` has DocuElevate's `workflow_plan`: new file rows then say whether theirs can be read. */
    private readonly hasPlan = false,
  ) {}

  async load(): Promise<ReconcileState> {
    const row = await this.sql.one(
      `SELECT revision, lease_owner, lease_expires_at, log_mark, step_mark, file_mark, open_rows
       FROM ${TABLE} WHERE id = :id`,
      { id: ROW_ID },
    );
    if (row === null) return { cursor: emptyCursor(), revision: 0, leaseOwner: null, leaseExpiresAt: null };
    const lists = parseOpenRows(row.open_rows);
    return {
      cursor: {
        marks: {
          logs: requireInteger(`${TABLE}.log_mark`, row.log_mark),
          steps: requireInteger(`${TABLE}.step_mark`, row.step_mark),
          files: requireInteger(`${TABLE}.file_mark`, row.file_mark),
        },
        ...lists,
      },
      revision: requireInteger(`${TABLE}.revision`, row.revision),
      leaseOwner: parseText(`${TABLE}.lease_owner`, row.lease_owner),
      leaseExpiresAt: parseTimestamp(`${TABLE}.lease_expires_at`, row.lease_expires_at),
    };
  }

  async rowsAfter(cursor: ReconcileCursor, limit: number): Promise<FeedRow[]> {
    const found: FeedRow[] = [];
    for (const table of FEED_TABLES) {
      const { table: name, fileId } = FEED[table];
      const withPlan = table === 'files' && this.hasPlan;
      const toRow = (row: Record<string, unknown>): FeedRow => ({
        table,
        id: requireInteger(`${name}.id`, row.id),
        fileId: parseInteger(`${name}.${fileId}`, row.file_id),
        ...(table === 'files'
          ? { registeredBySteptrail: parseText('files.workflow', row.workflow) !== null }
          : {}),
        ...(withPlan
          ? {
              workflowProblem: fileWorkflow(
                parseText('files.workflow', row.workflow),
                parseText('files.workflow_plan', row.workflow_plan),
              ).problem,
            }
          : {}),
      });
      const columns = `id, ${fileId} AS file_id${
        table !== 'files' ? '' : withPlan ? ', workflow, workflow_plan' : ', workflow'
      }`;
      const after = await this.sql.rows(
        `SELECT ${columns} FROM ${name} WHERE id > :mark ORDER BY id LIMIT :limit`,
        { mark: cursor.marks[table], limit },
      );
      found.push(...after.map(toRow));
      const open = cursor.open.filter((id) => id.table === table).map((id) => id.id);
      if (open.length > 0) {
        const reopened = await this.sql.rows(`SELECT ${columns} FROM ${name} WHERE id IN (:...open)`, {
          open,
        });
        found.push(...reopened.map(toRow));
      }
    }
    return found;
  }

  async duplicateMismatches(limit: number): Promise<number[]> {
    // Point ranges of ix_files_duplicate_status: marked files whose rollup is not `duplicate`, and the other way.
    const notDuplicate = OVERALL_STATUSES.filter((status) => status !== 'duplicate');
    const rows = await this.sql.rows(
      `SELECT id FROM files WHERE is_duplicate = :yes AND processing_status IN (:...notDuplicate) AND ${LIVE}
       UNION ALL
       SELECT id FROM files WHERE is_duplicate = :no AND processing_status = 'duplicate' AND ${LIVE}`,
      { yes: true, no: false, notDuplicate },
    );
    return rows.slice(0, limit).map((row) => requireInteger('files.id', row.id));
  }

  async claim(owner: string, revision: number, now: Date, expiresAt: Date): Promise<boolean> {
    const d = this.sql.dialect;
    const columns = ['id', 'revision', 'log_mark', 'step_mark', 'file_mark'];
    const { head, tail } = d.sql.insertIgnore(TABLE, columns, ['id']);
    await this.sql.write(`${head} VALUES (:id, 0, 0, 0, 0)${tail}`, { id: ROW_ID });
    const claimed = await this.sql.write(
      `UPDATE ${TABLE} SET lease_owner = :owner, lease_expires_at = :expiresAt
       WHERE id = :id AND revision = :revision
         AND (lease_owner IS NULL OR lease_owner = :owner OR lease_expires_at < :now)`,
      { id: ROW_ID, owner, revision, now: d.driver.time(now), expiresAt: d.driver.time(expiresAt) },
    );
    return claimed.affected > 0;
  }

  async save(cursor: ReconcileCursor, revision: number): Promise<void> {
    const d = this.sql.dialect;
    await this.sql.write(
      `UPDATE ${TABLE} SET revision = :next, log_mark = :logs, step_mark = :steps, file_mark = :files,
         open_rows = :openRows, updated_at = :now
       WHERE id = :id AND revision = :revision`,
      {
        id: ROW_ID,
        revision,
        next: revision + 1,
        ...cursor.marks,
        openRows: JSON.stringify({ open: cursor.open, recent: cursor.recent }),
        now: d.driver.time(this.now()),
      },
    );
  }

  async release(owner: string): Promise<void> {
    await this.sql.write(
      `UPDATE ${TABLE} SET lease_owner = NULL, lease_expires_at = NULL WHERE id = :id AND lease_owner = :owner`,
      { id: ROW_ID, owner },
    );
  }
}

/** The open ids and recent files kept as JSON text, checked field by field. */
function parseOpenRows(value: unknown): { open: OpenId[]; recent: RecentFile[] } {
  if (value === null || value === undefined) return { open: [], recent: [] };
  const unreadable = () => new RowParseError(`${TABLE}.open_rows`, value, 'the open ids and recent files');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : '');
  } catch {
    throw unreadable();
  }
  if (typeof parsed !== 'object' || parsed === null) throw unreadable();
  const { open, recent } = parsed as Record<string, unknown>;
  if (!Array.isArray(open) || !Array.isArray(recent)) throw unreadable();
  const integer = (item: unknown): number => {
    if (typeof item !== 'number' || !Number.isSafeInteger(item)) throw unreadable();
    return item;
  };
  return {
    open: open.map((item: unknown): OpenId => {
      if (typeof item !== 'object' || item === null) throw unreadable();
      const { table, id, since } = item as Record<string, unknown>;
      if (!FEED_TABLES.includes(table as FeedTable)) throw unreadable();
      return { table: table as FeedTable, id: integer(id), since: integer(since) };
    }),
    recent: recent.map((item: unknown): RecentFile => {
      if (typeof item !== 'object' || item === null) throw unreadable();
      const { fileId, until } = item as Record<string, unknown>;
      return { fileId: integer(fileId), until: integer(until) };
    }),
  };
}
