// Bulk seeding: the domain-written templates (seed-templates.ts) go into four small tables, then one
// INSERT ... SELECT per table and chunk replicates them over a range of file ids. File n starts n*7 s after the
// base instant; its log ids are (n-1)*LOG_SLOTS + seq + 1 and its step ids (n-1)*STEP_SLOTS + ordinal, so every
// step row points at the exact id of its last event, as the live write path leaves it.
import type { migrationDataSource } from '@steptrail/runtime';
import { literal, type SeedDialect } from './seed-dialects.js';
import { LOG_SLOTS, TEMPLATE_PERIOD, type Templates } from './seed-templates.js';

type DataSource = Awaited<ReturnType<typeof migrationDataSource>>;
type Value = string | number | boolean | null;

const STEP_SLOTS = 8;
const FILE_SPACING_MS = 7_000;
const TEMPLATE_TABLES = [
  'bench_seed_map',
  'bench_seed_events',
  'bench_seed_steps',
  'bench_seed_rollups',
] as const;
type TemplateTable = (typeof TEMPLATE_TABLES)[number];

function templateRows({ templates, assignment }: Templates): Record<TemplateTable, string> {
  const values = (rows: Value[][]) => rows.map((row) => `(${row.map(literal).join(', ')})`).join(',\n');
  return {
    bench_seed_map: values(assignment.map((template, residue) => [residue, template])),
    bench_seed_events: values(
      templates.flatMap((t) =>
        t.events.map((e) => [t.id, e.seq, e.stepName, e.status, e.message, e.offsetMs]),
      ),
    ),
    bench_seed_steps: values(
      templates.flatMap((t) =>
        t.steps.map((s) => [
          t.id,
          s.ordinal,
          s.stepName,
          s.status,
          s.startedOff,
          s.completedOff,
          s.errorMessage,
          s.attempts,
          s.lastEventOff,
          s.lastEventSeq,
        ]),
      ),
    ),
    bench_seed_rollups: values(
      templates.map(({ id, workflowJson, rollup: r }) => [
        id,
        workflowJson,
        r.status,
        r.hasErrors ? 1 : 0,
        r.totalSteps,
        r.completedSteps,
        r.failedSteps,
        r.inProgressSteps,
        r.skippedSteps,
        r.lastStep,
        r.statusChangedOff,
        r.updatedOff,
      ]),
    ),
  };
}

const TEMPLATE_DDL: Record<TemplateTable, string> = {
  bench_seed_map: 'r INTEGER PRIMARY KEY, template INTEGER NOT NULL',
  bench_seed_events:
    'template INTEGER, seq INTEGER, step_name VARCHAR(255), status VARCHAR(16), message VARCHAR(255), offset_ms INTEGER',
  bench_seed_steps:
    'template INTEGER, ordinal INTEGER, step_name VARCHAR(255), status VARCHAR(16), started_off INTEGER, ' +
    'completed_off INTEGER, error_message VARCHAR(255), attempts INTEGER, last_event_off INTEGER, last_event_seq INTEGER',
  bench_seed_rollups:
    'template INTEGER PRIMARY KEY, workflow TEXT, processing_status VARCHAR(16), has_errors INTEGER, ' +
    'total_steps INTEGER, completed_steps INTEGER, failed_steps INTEGER, in_progress_steps INTEGER, ' +
    'skipped_steps INTEGER, last_step VARCHAR(255), status_changed_off INTEGER, updated_off INTEGER',
};

/** The three INSERT ... SELECT statements that add files from+1 ... to with their steps and logs. */
function rangeStatements(d: SeedDialect, baseMs: number, from: number, to: number) {
  const { with: withNumbers, from: numbers } = d.numbers(from + 1, to);
  const at = (offset: string | number) => d.time(baseMs, `nums.n * ${FILE_SPACING_MS} + ${offset}`);
  const join = `FROM ${numbers} JOIN bench_seed_map m ON m.r = nums.n % ${TEMPLATE_PERIOD}`;
  return {
    files: `INSERT INTO files (id, filehash, original_filename, local_filename, file_size, mime_type, is_duplicate,
        duplicate_of_id, created_at, workflow, managed, processing_status, has_errors, total_steps, completed_steps,
        failed_steps, in_progress_steps, skipped_steps, last_step, status_changed_at, updated_at)
      ${withNumbers}SELECT nums.n, ${d.padded('nums.n', 64)}, ${d.concat("'scan-'", 'nums.n', "'.pdf'")},
        ${d.concat("'storage/'", 'nums.n', "'.pdf'")}, 20000 + (nums.n * 7919) % 5000000, 'application/pdf',
        ${d.bool('0')}, NULL, ${at(0)}, r.workflow, ${d.bool('0')}, r.processing_status, ${d.bool('r.has_errors')},
        r.total_steps, r.completed_steps, r.failed_steps, r.in_progress_steps, r.skipped_steps, r.last_step,
        ${at('r.status_changed_off')}, ${at('r.updated_off')}
      ${join} JOIN bench_seed_rollups r ON r.template = m.template`,
    steps: `INSERT INTO file_processing_steps (id, file_id, step_name, status, started_at, completed_at, error_message,
        created_at, updated_at, attempts, last_event_at, last_event_id, run_after, lease_owner, lease_expires_at)
      ${withNumbers}SELECT (nums.n - 1) * ${STEP_SLOTS} + s.ordinal, nums.n, s.step_name, s.status,
        ${at('s.started_off')}, ${at('s.completed_off')}, s.error_message, ${at(0)},
        ${at('COALESCE(s.last_event_off, 0)')}, s.attempts, ${at('s.last_event_off')},
        (nums.n - 1) * ${LOG_SLOTS} + s.last_event_seq + 1, NULL, NULL, NULL
      ${join} JOIN bench_seed_steps s ON s.template = m.template`,
    logs: `INSERT INTO processing_logs (id, file_id, task_id, step_name, status, message, detail, timestamp)
      ${withNumbers}SELECT (nums.n - 1) * ${LOG_SLOTS} + e.seq + 1, nums.n, NULL, e.step_name, e.status, e.message,
        NULL, ${at('e.offset_ms')}
      ${join} JOIN bench_seed_events e ON e.template = m.template`,
  };
}

/** Seeds a migrated, empty-or-partly-seeded database; `dataSource` is an initialised TypeORM data source. */
export class BulkSeeder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: SeedDialect,
    private readonly templates: Templates,
    private readonly log: (line: string) => void,
  ) {
    if (templates.templates.some((t) => t.steps.length > STEP_SLOTS))
      throw new Error('a template has too many steps');
  }

  /** Creates and fills the template tables (dropping leftovers of an interrupted run first). */
  async prepare(): Promise<void> {
    await this.dropTemplates();
    const rows = templateRows(this.templates);
    for (const table of TEMPLATE_TABLES) {
      await this.dataSource.query(`CREATE TABLE ${table} (${TEMPLATE_DDL[table]})`);
      await this.dataSource.query(`INSERT INTO ${table} VALUES ${rows[table]}`);
    }
  }

  async dropTemplates(): Promise<void> {
    for (const table of TEMPLATE_TABLES) await this.dataSource.query(`DROP TABLE IF EXISTS ${table}`);
  }

  /** Adds files from+1 ... to (with steps and logs), in chunks that each commit. */
  async seed(from: number, to: number): Promise<number> {
    const d = this.dialect;
    const started = performance.now();
    const runners = [this.dataSource.createQueryRunner(), this.dataSource.createQueryRunner()] as const;
    try {
      for (const runner of runners) for (const statement of d.session) await runner.query(statement);
      for (let start = from; start < to; start += d.chunkFiles) {
        const end = Math.min(to, start + d.chunkFiles);
        const sql = rangeStatements(d, this.templates.baseMs, start, end);
        await runners[0].query(sql.files);
        if (d.parallel) await Promise.all([runners[0].query(sql.steps), runners[1].query(sql.logs)]);
        else for (const statement of [sql.steps, sql.logs]) await runners[0].query(statement);
        for (const statement of d.afterChunk) await runners[0].query(statement);
        const seconds = (performance.now() - started) / 1000;
        this.log(
          `  seeded files ${end.toLocaleString('en')}/${to.toLocaleString('en')} (${seconds.toFixed(0)} s)`,
        );
      }
    } finally {
      await Promise.all(runners.map((runner) => runner.release()));
    }
    return (performance.now() - started) / 1000;
  }

  /** How much the database takes on disk (tables and indexes), in bytes. */
  async sizeBytes(): Promise<number> {
    const [row] = await this.dataSource.query<{ bytes?: number | string }[]>(this.dialect.sizeSql);
    return Number(row?.bytes ?? Number.NaN);
  }

  /** Housekeeping a settled database would have done: statistics, sequences past the seeded ids. */
  async settle(): Promise<number> {
    const started = performance.now();
    for (const statement of this.dialect.afterLoad()) await this.dataSource.query(statement);
    return (performance.now() - started) / 1000;
  }
}
