import {
  sameFoldedStep,
  stepKey,
  type FoldedStep,
  type RebuiltStep,
  type RebuiltSteps,
  type StepRebuildCounts,
} from '@steptrail/domain';
import {
  parseInteger,
  parseText,
  parseTimestamp,
  requireInteger,
  requireText,
} from '../mappers/column-parsers.js';
import { STEP_COLUMNS, toStoredStep } from '../mappers/row-mappers.js';
import type { SqlExecutor } from '../sql-executor.js';
import type { ValueKind } from '../dialect.js';
import { legacyFoldSql } from './legacy-fold-sql.js';
import { jsonRowsOf } from '../define-dialect.js';

/** Where a batch's fold is kept between reading it and copying it into file_processing_steps. */
const FOLD_TABLE = 'steptrail_legacy_fold';

/** What the counts and the rollup need of a new row. */
const NEW_ROW_COLUMNS = [
  'file_id',
  'step_name',
  'ignored',
  'attempts',
  'status',
  'last_event_at',
  'last_event_id',
] as const;
/** Every column of the fold, for a comparison with the stored rows. */
const FOLD_COLUMNS = [...NEW_ROW_COLUMNS, 'started_at', 'completed_at', 'error_message'] as const;
/** A fold row's values in the order of the columns asked for, each checked where it is read. */
type FoldTuple = readonly unknown[];

/** The columns a rebuilt row sets (besides its key and times), with their types. */
const UPDATED: ReadonlyArray<readonly [string, ValueKind]> = [
  ['status', 'text'],
  ['started_at', 'timestamp'],
  ['completed_at', 'timestamp'],
  ['error_message', 'text'],
  ['attempts', 'integer'],
  ['last_event_at', 'timestamp'],
  ['last_event_id', 'integer'],
  ['lease_owner', 'text'],
  ['lease_expires_at', 'timestamp'],
];
const ROWS_PER_STATEMENT = 400;

interface FoldedRow {
  fileId: number;
  stepName: string;
  ignored: number;
  state: FoldedStep;
}

/**
 * Rebuilds the steps of a batch of files from their logs: the database folds the batch into a temporary table. When
 * the files have no step rows yet (a first backfill) the database copies the table into file_processing_steps;
 * otherwise the fold is compared here with the rows that exist and only the changed rows are written from here.
 */
export async function rebuildStepsSetBased(
  sql: SqlExecutor,
  fileIds: readonly number[],
  dryRun: boolean,
  now: Date,
): Promise<RebuiltSteps> {
  const ids = [...new Set(fileIds)];
  const counts = new Map<number, StepRebuildCounts>(
    ids.map((id) => [id, { stepsCreated: 0, stepsUpdated: 0, stepsUnchanged: 0, eventsIgnored: 0 }]),
  );
  if (ids.length === 0) return { counts, steps: [] };
  const steps = await currentSteps(sql, ids);
  // Without step rows (every candidate of a first backfill) each folded row is new: no need to read what a
  // comparison or a write from here would need, as the database copies the whole fold.
  if (steps.size === 0) {
    const folded = await foldTuples(sql, ids, dryRun, NEW_ROW_COLUMNS);
    const rebuilt = folded.map((row) => countNewRow(counts, row));
    if (!dryRun) await copyFold(sql, now);
    return { counts, steps: rebuilt };
  }
  const folded = (await foldTuples(sql, ids, dryRun, FOLD_COLUMNS)).map(toFoldedRow);
  const created: FoldedRow[] = [];
  const updated: FoldedRow[] = [];
  for (const row of folded) {
    const fileCounts = counts.get(row.fileId);
    if (fileCounts === undefined) continue;
    fileCounts.eventsIgnored += row.ignored;
    const key = stepKey(row);
    const current = steps.get(key);
    if (current !== undefined && sameFoldedStep(current, row.state)) {
      fileCounts.stepsUnchanged += 1;
      continue;
    }
    if (current === undefined) {
      fileCounts.stepsCreated += 1;
      created.push(row);
    } else {
      fileCounts.stepsUpdated += 1;
      updated.push(row);
    }
    steps.set(key, {
      fileId: row.fileId,
      stepName: row.stepName,
      ...row.state,
      runAfter: current?.runAfter ?? null,
    });
  }
  if (!dryRun) await writeRows(sql, { created, updated }, now);
  return { counts, steps: [...steps.values()] };
}

/** `columns` of every fold row, as one JSON text where the dialect reads that faster than rows. */
async function foldTuples(
  sql: SqlExecutor,
  fileIds: readonly number[],
  dryRun: boolean,
  columns: readonly string[],
): Promise<FoldTuple[]> {
  const d = sql.dialect;
  if (!d.capabilities.jsonRowAggregation) {
    const rows = await foldBatch(sql, fileIds, dryRun, columns.join(', '));
    return rows.map((row) => columns.map((column) => row[column]));
  }
  const [row] = await foldBatch(sql, fileIds, dryRun, `${jsonRowsOf(d)(columns)} AS fold_json`);
  const parsed: unknown = JSON.parse(requireText('fold_json', row?.fold_json));
  if (!Array.isArray(parsed)) throw new Error('The fold of a batch did not come back as a JSON array.');
  return parsed as FoldTuple[];
}

/** A folded row of NEW_ROW_COLUMNS as the step it creates, counted for its file (folds cover only asked files). */
function countNewRow(counts: Map<number, StepRebuildCounts>, row: FoldTuple): RebuiltStep {
  const [fileIdValue, stepName, ignored, attempts, status, lastEventAt, lastEventId] = row;
  const fileId = requireInteger('file_id', fileIdValue);
  const fileCounts = counts.get(fileId);
  if (fileCounts === undefined)
    throw new Error(`The fold of a batch produced file ${fileId}, not in the batch.`);
  fileCounts.stepsCreated += 1;
  fileCounts.eventsIgnored += parseInteger('ignored', ignored) ?? 0;
  return {
    fileId,
    stepName: requireText('step_name', stepName),
    status: foldedStatus(parseText('status', status)),
    attempts: parseInteger('attempts', attempts) ?? 0,
    runAfter: null,
    lastEvent: lastEventOf(lastEventAt, lastEventId),
  };
}

/** The fold of the batch; kept in FOLD_TABLE as well unless this is a dry run. */
async function foldBatch(
  sql: SqlExecutor,
  fileIds: readonly number[],
  dryRun: boolean,
  columns: string,
): Promise<Record<string, unknown>[]> {
  const batch = logsOfBatch(fileIds, sql.dialect.capabilities.longestInList);
  const fold = legacyFoldSql(sql.dialect, batch.where);
  if (dryRun) return sql.rows(`SELECT ${columns} FROM (${fold}) folded`, batch.params);
  for (const statement of sql.dialect.sql.materialize(FOLD_TABLE, fold))
    await sql.write(statement, batch.params);
  return sql.rows(`SELECT ${columns} FROM ${FOLD_TABLE}`);
}

/** The batch's logs: a range when the ids are consecutive (a first backfill), else lists the planner keeps as lists. */
function logsOfBatch(
  fileIds: readonly number[],
  longestInList: number,
): { where: string; params: Record<string, unknown> } {
  const low = Math.min(...fileIds);
  const high = Math.max(...fileIds);
  if (high - low + 1 === fileIds.length)
    return { where: 'l.file_id BETWEEN :low AND :high', params: { low, high } };
  const size = Math.min(longestInList, fileIds.length);
  const params: Record<string, unknown> = {};
  const lists: string[] = [];
  for (let start = 0; start < fileIds.length; start += size) {
    params[`ids${lists.length}`] = fileIds.slice(start, start + size);
    lists.push(`l.file_id IN (:...ids${lists.length})`);
  }
  return { where: `(${lists.join(' OR ')})`, params };
}

/** The step rows of these files; by id range, which uses the unique index whatever the statistics say. */
async function currentSteps(
  sql: SqlExecutor,
  fileIds: readonly number[],
): Promise<Map<string, RebuiltStep & Omit<FoldedStep, 'status'>>> {
  const wanted = new Set(fileIds);
  const rows = await sql.rows(
    `SELECT ${STEP_COLUMNS} FROM file_processing_steps WHERE file_id BETWEEN :low AND :high`,
    { low: Math.min(...fileIds), high: Math.max(...fileIds) },
  );
  const steps = new Map<string, RebuiltStep & Omit<FoldedStep, 'status'>>();
  for (const row of rows) {
    const step = toStoredStep(row);
    if (wanted.has(step.fileId)) steps.set(stepKey(step), step);
  }
  return steps;
}

/**
 * Every folded row is new: the database copies the fold, no row passes through here. A plain insert (a row a
 * concurrent writer added meanwhile fails the batch, which is then redone).
 */
async function copyFold(sql: SqlExecutor, now: Date): Promise<void> {
  const d = sql.dialect;
  const at = d.sql.castParam(':now', 'timestamp');
  await sql.write(
    `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, error_message,
       attempts, last_event_at, last_event_id, created_at, updated_at)
     SELECT file_id, step_name, COALESCE(status, 'pending'), started_at, completed_at, error_message, attempts,
       last_event_at, last_event_id, ${at}, ${at}
     FROM ${FOLD_TABLE}`,
    { now: d.driver.time(now) },
  );
}

/** A folded row of FOLD_COLUMNS. */
function toFoldedRow(row: FoldTuple): FoldedRow {
  const [
    fileId,
    stepName,
    ignored,
    attempts,
    status,
    lastEventAt,
    lastEventId,
    startedAt,
    completedAt,
    error,
  ] = row;
  return {
    fileId: requireInteger('file_id', fileId),
    stepName: requireText('step_name', stepName),
    ignored: parseInteger('ignored', ignored) ?? 0,
    state: {
      status: foldedStatus(parseText('status', status)),
      startedAt: parseTimestamp('started_at', startedAt),
      completedAt: parseTimestamp('completed_at', completedAt),
      errorMessage: parseText('error_message', error),
      attempts: parseInteger('attempts', attempts) ?? 0,
      lastEvent: lastEventOf(lastEventAt, lastEventId),
    },
  };
}

/** The step's last event, from a folded row's last_event_at and last_event_id. */
function lastEventOf(lastEventAt: unknown, lastEventId: unknown): FoldedStep['lastEvent'] {
  const occurredAt = parseTimestamp('last_event_at', lastEventAt);
  const id = parseInteger('last_event_id', lastEventId);
  return occurredAt !== null && id !== null ? { occurredAt, id } : null;
}

function foldedStatus(value: string | null): FoldedStep['status'] {
  switch (value) {
    case null:
      return 'pending';
    case 'pending':
    case 'in_progress':
    case 'success':
    case 'failure':
    case 'skipped':
      return value;
    default:
      throw new Error(`The fold query produced the status ${value}.`);
  }
}

/**
 * Writes the changed rows from here: new ones with plain INSERTs, existing ones with UPDATEs on their key. No
 * upsert: on MariaDB one takes a next-key lock on the unique index, whose gap a batch running beside this one (and
 * committing before it) may need for a new row; that batch would wait for a lock this one holds until it commits.
 */
async function writeRows(
  sql: SqlExecutor,
  rows: { created: readonly FoldedRow[]; updated: readonly FoldedRow[] },
  now: Date,
): Promise<void> {
  for (let start = 0; start < rows.created.length; start += ROWS_PER_STATEMENT)
    await insertRows(sql, rows.created.slice(start, start + ROWS_PER_STATEMENT), now);
  for (let start = 0; start < rows.updated.length; start += ROWS_PER_STATEMENT)
    await updateRows(sql, rows.updated.slice(start, start + ROWS_PER_STATEMENT), now);
}

/** The values a written row stores, in the order of UPDATED. */
function storedValues(row: FoldedRow, time: (value: Date) => unknown): unknown[] {
  const { state } = row;
  const at = (value: Date | null) => (value === null ? null : time(value));
  return [
    state.status,
    at(state.startedAt),
    at(state.completedAt),
    state.errorMessage,
    state.attempts,
    at(state.lastEvent?.occurredAt ?? null),
    state.lastEvent?.id ?? null,
    null,
    null,
  ];
}

async function insertRows(sql: SqlExecutor, rows: readonly FoldedRow[], now: Date): Promise<void> {
  const params: Record<string, unknown> = { now: sql.dialect.driver.time(now) };
  const tuples = rows.map((row, index) => {
    const names = [`f${index}`, `n${index}`, ...UPDATED.map((_, column) => `v${index}_${column}`)];
    const values = [
      row.fileId,
      row.stepName,
      ...storedValues(row, (value) => sql.dialect.driver.time(value)),
    ];
    names.forEach((name, column) => (params[name] = values[column]));
    return `(${names.map((name) => `:${name}`).join(', ')}, :now, :now)`;
  });
  const columns = ['file_id', 'step_name', ...UPDATED.map(([column]) => column), 'created_at', 'updated_at'];
  await sql.write(
    `INSERT INTO file_processing_steps (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
    params,
  );
}

async function updateRows(sql: SqlExecutor, rows: readonly FoldedRow[], now: Date): Promise<void> {
  const d = sql.dialect;
  const update = d.sql.updateFromRows({
    table: 'file_processing_steps',
    keys: [
      ['file_id', 'integer'],
      ['step_name', 'text'],
    ],
    columns: UPDATED,
    rows: rows.map((row) => [
      row.fileId,
      row.stepName,
      ...storedValues(row, (value) => d.driver.time(value)),
    ]),
    extra: 'updated_at = :now',
  });
  await sql.write(update.sql, { ...update.params, now: d.driver.time(now) });
}
