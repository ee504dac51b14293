import type { SqlRunner } from '../../src/sql/sql-runner.js';
import { docuElevateStatements } from '@steptrail/test-servers/docuelevate-schema';
import type { BackendKind } from './databases.js';

/** One processing_logs row as DocuElevate wrote it; `at` is UTC wall time with whole seconds. */
export interface LegacyLog {
  step: string | null;
  status: string | null;
  at: string;
  message?: string;
  detail?: string;
}

/** A DocuElevate step row written by its live tracker (not by steptrail). */
export interface LegacyStepRow {
  step: string;
  status: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface LegacyFile {
  tag: string;
  logs: readonly LegacyLog[];
  stepRows?: readonly LegacyStepRow[];
}

/** Old history: whole seconds in January 2024, as DocuElevate stores them. */
export const old = (second: number): string =>
  new Date(Date.UTC(2024, 0, 10, 8, 0, second)).toISOString().slice(0, 19).replace('T', ' ');

/** Recent history: `second` seconds into the hour before now. */
export const recent = (second: number): string => {
  const hourAgo = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
  return new Date(hourAgo + second * 1000).toISOString().slice(0, 19).replace('T', ' ');
};

const MAIN_STEPS = [
  'hash_file',
  'create_file_record',
  'check_text',
  'extract_text',
  'extract_metadata_with_gpt',
  'embed_metadata_into_pdf',
  'finalize_document_storage',
  'send_to_all_destinations',
] as const;

/** Start and finish of a step in the same second, start logged first: the case DocuElevate's order swaps. */
const startAndFinish = (step: string, second: number, finish = 'success'): LegacyLog[] => [
  { step, status: 'in_progress', at: old(second), message: `Starting ${step}` },
  { step, status: finish, at: old(second), message: `Finished ${step}` },
];

/**
 * The legacy fixture: one file per behaviour the backfill must get right, plus task-level rows. Tags name the
 * behaviour; tests look files up by tag.
 */
export const LEGACY_FILES: readonly LegacyFile[] = [
  {
    tag: 'complete',
    logs: [
      { step: null, status: null, at: old(0), message: 'Upload received' },
      ...MAIN_STEPS.flatMap((step, index) => startAndFinish(step, 10 + index)),
      { step: 'poll_task', status: 'success', at: old(30), message: 'diagnostic' },
    ],
  },
  {
    tag: 'upper_case',
    logs: [
      { step: 'hash_file', status: 'IN_PROGRESS', at: old(40) },
      { step: 'hash_file', status: 'SUCCESS', at: old(41) },
      { step: 'create_file_record', status: 'In_Progress', at: old(42) },
      { step: 'create_file_record', status: 'Success', at: old(42) },
      { step: 'check_text', status: 'QUEUED', at: old(43) },
      { step: 'check_text', status: 'SKIPPED', at: old(44) },
    ],
  },
  {
    tag: 'noise',
    logs: [
      { step: 'hash_file', status: 'in_progress', at: old(50) },
      { step: 'hash_file', status: 'warning', at: old(51), message: 'slow disk' },
      { step: 'hash_file', status: null, at: old(51), message: 'no status at all' },
      { step: 'hash_file', status: 'success', at: old(52) },
      { step: null, status: 'success', at: old(52), message: 'a note without a step' },
      { step: 'extract_text', status: 'started', at: old(53), message: 'unknown word only' },
    ],
  },
  {
    tag: 'retried',
    logs: [
      { step: 'extract_text', status: 'in_progress', at: old(60) },
      { step: 'extract_text', status: 'failure', at: old(61), message: 'OCR timeout' },
      { step: 'extract_text', status: 'queued', at: old(62), message: 'retry 1 scheduled' },
      { step: 'extract_text', status: 'in_progress', at: old(63) },
      { step: 'extract_text', status: 'success', at: old(64) },
    ],
  },
  {
    tag: 'failed',
    logs: [
      ...startAndFinish('hash_file', 70),
      ...startAndFinish('create_file_record', 71),
      { step: 'check_text', status: 'in_progress', at: old(72) },
      { step: 'check_text', status: 'failure', at: old(73), detail: 'Traceback: PDF is encrypted' },
    ],
  },
  {
    tag: 'skipped',
    logs: [
      { step: 'check_text', status: 'skipped', at: old(80) },
      { step: 'extract_text', status: 'in_progress', at: old(81) },
      { step: 'extract_text', status: 'skipped', at: old(82), message: 'text layer present' },
    ],
  },
  {
    tag: 'uploads',
    logs: [
      ...MAIN_STEPS.slice(0, 7).flatMap((step, index) => startAndFinish(step, 90 + index)),
      { step: 'queue_dropbox', status: 'pending', at: old(100) },
      { step: 'queue_dropbox', status: 'success', at: old(101) },
      { step: 'upload_to_dropbox', status: 'in_progress', at: old(102) },
      { step: 'upload_to_dropbox', status: 'success', at: old(103) },
      { step: 'send_to_user_destinations', status: 'success', at: old(104) },
    ],
  },
  {
    tag: 'in_flight',
    logs: [
      ...startAndFinish('hash_file', 110),
      { step: 'create_file_record', status: 'in_progress', at: old(111) },
    ],
  },
  {
    tag: 'stale_rows',
    logs: [...startAndFinish('hash_file', 120), ...startAndFinish('create_file_record', 121)],
    stepRows: [
      // Written by DocuElevate's tracker, never by steptrail: finished, but completed_at went missing.
      { step: 'hash_file', status: 'success', startedAt: old(120), completedAt: null },
      { step: 'create_file_record', status: 'success', startedAt: old(121), completedAt: old(121) },
    ],
  },
  {
    tag: 'notes_only',
    logs: [
      { step: null, status: null, at: old(130), message: 'Upload received' },
      { step: null, status: 'failure', at: old(131), message: 'Rejected before processing' },
    ],
  },
  {
    tag: 'reprocessed',
    logs: [
      ...startAndFinish('hash_file', 140),
      { step: 'check_text', status: 'in_progress', at: recent(1) },
      { step: 'check_text', status: 'success', at: recent(2) },
    ],
  },
  { tag: 'no_logs', logs: [] },
];

/** Task-level rows (no file): one old, one recent. */
export const TASK_LEVEL_LOGS: readonly LegacyLog[] = [
  { step: 'poll_inbox', status: 'success', at: old(5), message: 'IMAP poll' },
  { step: 'poll_inbox', status: 'success', at: recent(5), message: 'IMAP poll' },
];

/** Creates DocuElevate's tables and plants the fixture; returns file ids by tag. */
export async function plantLegacyFixture(sql: SqlRunner, kind: BackendKind): Promise<Map<string, number>> {
  for (const statement of docuElevateStatements(kind)) await sql.write(statement);
  const ids = new Map<string, number>();
  for (const file of LEGACY_FILES) {
    const fileId = await insertFile(sql, file.tag);
    ids.set(file.tag, fileId);
    for (const log of file.logs) await insertLog(sql, fileId, log);
    for (const row of file.stepRows ?? []) {
      await sql.write(
        `INSERT INTO file_processing_steps (file_id, step_name, status, started_at, completed_at, created_at, updated_at)
         VALUES (:fileId, :step, :status, :startedAt, :completedAt, :at, :at)`,
        { fileId, ...row, at: old(0) },
      );
    }
  }
  for (const log of TASK_LEVEL_LOGS) await insertLog(sql, null, { ...log });
  return ids;
}

export async function insertFile(sql: SqlRunner, tag: string): Promise<number> {
  await sql.write(
    `INSERT INTO files (owner_id, filehash, original_filename, local_filename, file_size, mime_type, is_duplicate,
       legal_hold, ocr_text, created_at)
     VALUES ('alice', :hash, :name, :local, 4096, 'application/pdf', :no, :no, 'some text', :at)`,
    { hash: `hash-${tag}`, name: `${tag}.pdf`, local: `/workdir/tmp/${tag}.pdf`, no: false, at: old(0) },
  );
  const [row] = await sql.rows('SELECT id FROM files WHERE filehash = :hash', { hash: `hash-${tag}` });
  return Number(row?.id);
}

async function insertLog(sql: SqlRunner, fileId: number | null, log: LegacyLog): Promise<void> {
  await sql.write(
    `INSERT INTO processing_logs (file_id, task_id, step_name, status, message, detail, timestamp)
     VALUES (:fileId, :taskId, :step, :status, :message, :detail, :at)`,
    {
      fileId,
      taskId: fileId === null ? 'celery-beat' : `task-${fileId}`,
      step: log.step,
      status: log.status,
      message: log.message ?? null,
      detail: log.detail ?? null,
      at: log.at,
    },
  );
}
