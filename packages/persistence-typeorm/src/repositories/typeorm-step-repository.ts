import type { FoldedStep, StepRepository, StepWrite, StoredStep } from '@steptrail/domain';
import { STEP_COLUMNS, toStoredStep } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';

const STATE_COLUMNS = [
  'status',
  'started_at',
  'completed_at',
  'error_message',
  'attempts',
  'last_event_at',
  'last_event_id',
  'lease_owner',
  'lease_expires_at',
  'updated_at',
];

/** Rows per multi-row upsert: 14 parameters a row stays far below every database's parameter limit. */
const ROWS_PER_UPSERT = 100;

export class TypeormStepRepository implements StepRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => Date,
  ) {}

  async get(fileId: number, stepName: string): Promise<StoredStep | null> {
    const row = await this.sql.one(
      `SELECT ${STEP_COLUMNS} FROM file_processing_steps WHERE file_id = :fileId AND step_name = :stepName`,
      { fileId, stepName },
    );
    return row === null ? null : toStoredStep(row);
  }

  async listForFile(fileId: number): Promise<StoredStep[]> {
    const rows = await this.sql.rows(
      `SELECT ${STEP_COLUMNS} FROM file_processing_steps WHERE file_id = :fileId ORDER BY id`,
      { fileId },
    );
    return rows.map(toStoredStep);
  }

  async listForFiles(fileIds: readonly number[]): Promise<StoredStep[]> {
    if (fileIds.length === 0) return [];
    const rows = await this.sql.rows(
      `SELECT ${STEP_COLUMNS} FROM file_processing_steps WHERE file_id IN (:...fileIds) ORDER BY file_id, id`,
      { fileIds: [...new Set(fileIds)] },
    );
    return rows.map(toStoredStep);
  }

  async createMissing(
    fileId: number,
    stepNames: readonly string[],
    runAfter: Date | null,
  ): Promise<string[]> {
    const d = this.sql.dialect;
    const columns = ['file_id', 'step_name', 'status', 'attempts', 'run_after', 'created_at', 'updated_at'];
    const { head, tail } = d.sql.insertIgnore('file_processing_steps', columns, ['file_id', 'step_name']);
    const created: string[] = [];
    const now = d.driver.time(this.now());
    for (const stepName of new Set(stepNames)) {
      const result = await this.sql.write(
        `${head} VALUES (:fileId, :stepName, 'pending', 0, :runAfter, :now, :now)${tail}`,
        { fileId, stepName, runAfter: runAfter === null ? null : d.driver.time(runAfter), now },
      );
      if (result.affected > 0) created.push(stepName);
    }
    return created;
  }

  async saveState(fileId: number, stepName: string, state: FoldedStep): Promise<void> {
    const d = this.sql.dialect;
    const keepLease = state.status === 'in_progress';
    const now = d.driver.time(this.now());
    const columns = ['file_id', 'step_name', 'created_at', ...STATE_COLUMNS];
    // The lease survives only while the step stays in progress; any other state ends it.
    const overwritten = keepLease
      ? STATE_COLUMNS.filter((column) => !column.startsWith('lease_'))
      : STATE_COLUMNS;
    const tail = d.sql.upsertTail(['file_id', 'step_name'], overwritten);
    await this.sql.write(
      `INSERT INTO file_processing_steps (${columns.join(', ')})
       VALUES (:fileId, :stepName, :now, :status, :startedAt, :completedAt, :errorMessage, :attempts, :lastEventAt,
         :lastEventId, NULL, NULL, :now)${tail}`,
      {
        fileId,
        stepName,
        now,
        status: state.status,
        startedAt: state.startedAt === null ? null : d.driver.time(state.startedAt),
        completedAt: state.completedAt === null ? null : d.driver.time(state.completedAt),
        errorMessage: state.errorMessage,
        attempts: state.attempts,
        lastEventAt: state.lastEvent === null ? null : d.driver.time(state.lastEvent.occurredAt),
        lastEventId: state.lastEvent?.id ?? null,
      },
    );
  }

  /**
   * Multi-row upserts. Rows that keep their lease leave the lease columns out, so a heartbeat renewing it meanwhile
   * (renewals do not lock the file) is not overwritten; every other column was read under the file lock.
   */
  async saveStates(writes: readonly StepWrite[]): Promise<void> {
    const keeping = writes.filter((write) => write.lease === 'keep');
    const leasing = writes.filter((write) => write.lease !== 'keep');
    for (const [group, withLease] of [
      [leasing, true],
      [keeping, false],
    ] as const) {
      for (let start = 0; start < group.length; start += ROWS_PER_UPSERT) {
        await this.upsert(group.slice(start, start + ROWS_PER_UPSERT), withLease);
      }
    }
  }

  async schedule(fileId: number, stepName: string, runAfter: Date, override: boolean): Promise<boolean> {
    const d = this.sql.dialect;
    const result = await this.sql.write(
      `UPDATE file_processing_steps SET run_after = :runAfter, updated_at = :now
       WHERE file_id = :fileId AND step_name = :stepName AND status = 'pending'${override ? '' : ' AND run_after IS NULL'}`,
      { fileId, stepName, runAfter: d.driver.time(runAfter), now: d.driver.time(this.now()) },
    );
    return result.affected > 0;
  }

  private async upsert(writes: readonly StepWrite[], withLease: boolean): Promise<void> {
    if (writes.length === 0) return;
    const overwritten = [
      ...STATE_COLUMNS.filter((column) => withLease || !column.startsWith('lease_')),
      'run_after',
    ];
    const columns = ['file_id', 'step_name', ...overwritten.filter((column) => column !== 'updated_at')];
    const params: Record<string, unknown> = { now: this.sql.dialect.driver.time(this.now()) };
    const tuples = writes.map((write, index) => {
      const values = this.columnValues(write);
      for (const column of columns) params[`${column}_${index}`] = values[column];
      return `(${columns.map((column) => `:${column}_${index}`).join(', ')}, :now, :now)`;
    });
    const tail = this.sql.dialect.sql.upsertTail(['file_id', 'step_name'], overwritten);
    await this.sql.write(
      `INSERT INTO file_processing_steps (${columns.join(', ')}, created_at, updated_at)
       VALUES ${tuples.join(', ')}${tail}`,
      params,
    );
  }

  private columnValues({ fileId, stepName, state, runAfter, lease }: StepWrite): Record<string, unknown> {
    const d = this.sql.dialect;
    const time = (value: Date | null) => (value === null ? null : d.driver.time(value));
    const stored = lease === 'keep' ? null : lease;
    return {
      file_id: fileId,
      step_name: stepName,
      status: state.status,
      started_at: time(state.startedAt),
      completed_at: time(state.completedAt),
      error_message: state.errorMessage,
      attempts: state.attempts,
      last_event_at: time(state.lastEvent?.occurredAt ?? null),
      last_event_id: state.lastEvent?.id ?? null,
      run_after: time(runAfter),
      lease_owner: stored?.owner ?? null,
      lease_expires_at: time(stored?.expiresAt ?? null),
    };
  }
}
