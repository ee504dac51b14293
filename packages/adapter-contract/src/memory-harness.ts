import {
  DEFAULT_WORKFLOW,
  encodeRecordedEvent,
  encodeWorkflow,
  stepKey,
  type FileRecord,
  type LogEntry,
  type StoredStep,
} from '@steptrail/domain';
import { MemoryStore, type MemoryState } from '@steptrail/domain/memory';
import type { ContractBackend, ContractHarness, RawAccess, RawRow } from './harness.js';

export const memoryBackend: ContractBackend = {
  name: 'memory',
  capabilities: {
    concurrentWriters: false,
    concurrencyNote: 'the in-memory store runs one transaction at a time',
  },
};

/** The in-memory fake as a contract backend: one MemoryStore is the whole database, so both stores are it. */
export async function memoryHarness(): Promise<ContractHarness> {
  const store = new MemoryStore();
  return {
    openStore: async () => store,
    openSecondStore: async () => store,
    raw: memoryRawAccess(store),
    close: () => store.close(),
  };
}

/** RawAccess over the store's committed state, with the SQL column names so the same assertions hold. */
export function memoryRawAccess(store: MemoryStore): RawAccess {
  return {
    fileRow: (fileId) =>
      read(store, (state) => {
        const file = state.files.get(fileId);
        if (file !== undefined) return fileRow(file);
        const deleted = state.deletedFiles.get(fileId);
        return deleted === undefined ? null : { ...fileRow(deleted.file), deleted_at: deleted.deletedAt };
      }),
    stepRows: (fileId) =>
      read(store, (state) =>
        // The fake keeps no step ids; a row's position in insertion order stands in for its id.
        [...state.steps.values()].flatMap((step, index) =>
          step.fileId === fileId ? [stepRow(step, index + 1)] : [],
        ),
      ),
    logRows: (fileId) =>
      read(store, (state) => state.logs.filter((log) => log.fileId === fileId).map(logRow)),
    receiptRows: (fileId) =>
      read(store, (state) =>
        [...state.receipts.values()]
          .filter((receipt) => receipt.fileId === fileId)
          .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0))
          .map((receipt) => ({
            file_id: receipt.fileId,
            event_id: receipt.eventId,
            fingerprint: receipt.fingerprint,
            log_id: receipt.outcome.logId,
            outcome: encodeRecordedEvent(receipt.outcome),
            created_at: receipt.createdAt,
          })),
      ),
    countTaskLevelLogs: () =>
      store.inspect((state) => state.logs.filter((log) => log.fileId === null).length),
    insertLegacyFile: (row) =>
      store.unitOfWork.transaction(async (repos) => {
        const file = await repos.files.create({
          filehash: row.filehash,
          originalFilename: row.originalFilename ?? null,
          localFilename: row.localFilename ?? `/legacy/${row.filehash}`,
          fileSize: row.fileSize ?? 0,
          mimeType: row.mimeType ?? null,
          // A DocuElevate row has no workflow column: it reads as the default workflow.
          workflow: DEFAULT_WORKFLOW,
          managed: false,
        });
        return file.id;
      }),
    insertLegacyLogs: (rows) =>
      store.inspect((state) => {
        for (const row of rows) {
          state.logs.push({
            id: state.nextLogId++,
            fileId: row.fileId,
            taskId: row.taskId ?? null,
            stepName: row.stepName,
            status: row.status,
            message: row.message ?? null,
            detail: row.detail ?? null,
            occurredAt: new Date(row.timestamp),
          });
        }
      }),
    insertLegacyStep: (fileId, stepName, status) =>
      store.inspect((state) => plantStep(state, fileId, stepName, status)),
  };
}

/** Rows detached from the live state, as a database hands out copies. */
const read = <T>(store: MemoryStore, visit: (state: MemoryState) => T): Promise<T> =>
  store.inspect((state) => structuredClone(visit(state)));

function plantStep(state: MemoryState, fileId: number, stepName: string, status: string): void {
  const now = new Date();
  const step: StoredStep = {
    fileId,
    stepName,
    status,
    startedAt: null,
    completedAt: null,
    errorMessage: null,
    attempts: 0,
    lastEvent: null,
    runAfter: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  // The same key the fake's repositories use; a duplicate would break UNIQUE(file_id, step_name).
  const key = stepKey({ fileId, stepName });
  if (state.steps.has(key))
    throw new Error(`Step ${stepName} of file ${fileId} already exists (unique_file_step).`);
  state.steps.set(key, step);
}

function fileRow(file: FileRecord): RawRow {
  const { rollup } = file;
  return {
    id: file.id,
    filehash: file.filehash,
    original_filename: file.originalFilename,
    local_filename: file.localFilename,
    file_size: file.fileSize,
    mime_type: file.mimeType,
    is_duplicate: file.isDuplicate,
    duplicate_of_id: file.duplicateOfId,
    created_at: file.createdAt,
    workflow: encodeWorkflow(file.workflow),
    managed: file.managed,
    processing_status: rollup.status,
    has_errors: rollup.hasErrors,
    total_steps: rollup.totalSteps,
    completed_steps: rollup.completedSteps,
    failed_steps: rollup.failedSteps,
    in_progress_steps: rollup.inProgressSteps,
    skipped_steps: rollup.skippedSteps,
    last_step: rollup.lastStep,
    status_changed_at: rollup.statusChangedAt,
    updated_at: file.updatedAt,
    deleted_at: null,
  };
}

function stepRow(step: StoredStep, id: number): RawRow {
  return {
    id,
    file_id: step.fileId,
    step_name: step.stepName,
    status: step.status,
    started_at: step.startedAt,
    completed_at: step.completedAt,
    error_message: step.errorMessage,
    created_at: step.createdAt,
    updated_at: step.updatedAt,
    attempts: step.attempts,
    last_event_at: step.lastEvent?.occurredAt ?? null,
    last_event_id: step.lastEvent?.id ?? null,
    run_after: step.runAfter,
    lease_owner: step.leaseOwner,
    lease_expires_at: step.leaseExpiresAt,
  };
}

function logRow(log: LogEntry): RawRow {
  return {
    id: log.id,
    file_id: log.fileId,
    task_id: log.taskId,
    step_name: log.stepName,
    status: log.status,
    message: log.message,
    detail: log.detail,
    timestamp: log.occurredAt,
  };
}
