import { compareEvents, type EventPosition, type LogEntry } from '../events/step-event.js';
import type { FoldedStep } from '../events/step-state.fold.js';
import {
  blankStep,
  PENDING_ROLLUP,
  type FileRecord,
  type FileRollup,
  type FileRollupSource,
  type NewFile,
  type StoredStep,
} from '../files/file-record.js';
import type { FileListQuery, FilePage, FileRepository, StatusCounts } from '../ports/file-repository.js';
import type { CandidateMode, LegacyMigrationStore } from '../ports/legacy-migration-store.js';
import type { LogPage, LogRepository, NewLogEntry } from '../ports/log-repository.js';
import type { StepRepository, StepWrite } from '../ports/step-repository.js';
import type { Repositories } from '../ports/unit-of-work.js';
import type { ExpiredLease, LockedStep, StepRef, WorkQueue } from '../ports/work-queue.js';
import { stepKey } from '../files/step-key.js';
import { OVERALL_STATUSES } from '../status/step-status.js';
import { rebuildStepsByFold } from '../use-cases/rebuild-by-fold.js';
import { searchFiles } from './memory-file-search.js';
import { MemoryReconcile } from './memory-reconcile.js';
import { MemoryReceipts } from './memory-receipts.js';
import { MemoryBulkOperations } from './memory-bulk.js';
import { MemoryRetention } from './memory-retention.js';
import { MemoryStatistics } from './memory-statistics.js';
import { MemoryStalls } from './memory-stalls.js';
import { MemoryWebhooks } from './memory-webhooks.js';
import type { MemoryState } from './memory-state.js';

/** Repositories over a MemoryState; `state()` is read on every call so a transaction can swap it. */
export function memoryRepositories(state: () => MemoryState, onAnnounce: () => void): Repositories {
  const files = new MemoryFiles(state);
  const steps = new MemorySteps(state);
  const logs = new MemoryLogs(state);
  const legacy: LegacyMigrationStore = {
    candidateFileIds: async (mode, afterId, limit) => candidates(state(), mode, afterId, limit),
    rebuildSteps: (fileIds, dryRun) => rebuildStepsByFold({ steps, logs }, fileIds, dryRun),
    prepareProgress: async () => undefined,
    saveProgress: async (progress) => void state().progress.set(progress.mode, copy(progress)),
    loadProgress: async (mode) => {
      const saved = state().progress.get(mode);
      return saved === undefined ? null : copy(saved);
    },
    clearProgress: async (mode) => void state().progress.delete(mode),
  };
  const retention = new MemoryRetention(state);
  return {
    files,
    steps,
    logs,
    queue: new MemoryQueue(state, onAnnounce),
    legacy,
    retention,
    statistics: new MemoryStatistics(state),
    reconcile: new MemoryReconcile(state),
    receipts: new MemoryReceipts(state),
    stalls: new MemoryStalls(state),
    bulk: new MemoryBulkOperations(state),
    webhooks: new MemoryWebhooks(state),
  };
}

const copy = <T>(value: T): T => structuredClone(value);

class MemoryFiles implements FileRepository {
  constructor(private readonly state: () => MemoryState) {}

  async create(file: NewFile): Promise<FileRecord> {
    const state = this.state();
    const now = new Date();
    const record: FileRecord = {
      ...file,
      id: state.nextFileId++,
      isDuplicate: false,
      duplicateOfId: null,
      rollup: { ...PENDING_ROLLUP },
      createdAt: now,
      updatedAt: now,
    };
    state.files.set(record.id, record);
    return copy(record);
  }

  async get(id: number): Promise<FileRecord | null> {
    const file = this.state().files.get(id);
    return file === undefined ? null : copy(file);
  }

  async getMany(ids: readonly number[]): Promise<FileRecord[]> {
    const wanted = [...new Set(ids)].sort((a, b) => a - b);
    return wanted.flatMap((id) => {
      const file = this.state().files.get(id);
      return file === undefined ? [] : [copy(file)];
    });
  }

  async rollupSources(ids: readonly number[]): Promise<FileRollupSource[]> {
    return (await this.getMany(ids)).map(({ id, isDuplicate, managed, workflow, rollup }) => ({
      id,
      isDuplicate,
      managed,
      workflow,
      rollup,
    }));
  }

  lock(id: number): Promise<FileRecord | null> {
    return this.get(id);
  }

  lockMany(ids: readonly number[]): Promise<FileRecord[]> {
    return this.getMany(ids);
  }

  async saveRollup(id: number, rollup: FileRollup): Promise<void> {
    const file = this.state().files.get(id);
    if (file !== undefined) {
      file.rollup = copy(rollup);
      file.updatedAt = new Date();
    }
  }

  async saveRollups(rollups: ReadonlyMap<number, FileRollup>): Promise<void> {
    for (const [id, rollup] of rollups) await this.saveRollup(id, rollup);
  }

  async setDuplicate(id: number, isDuplicate: boolean, duplicateOfId: number | null): Promise<void> {
    const file = this.state().files.get(id);
    if (file !== undefined) Object.assign(file, { isDuplicate, duplicateOfId, updatedAt: new Date() });
  }

  async findOriginal(filehash: string, exceptId: number): Promise<FileRecord | null> {
    for (const file of this.state().files.values()) {
      if (file.filehash === filehash && !file.isDuplicate && file.id !== exceptId) return copy(file);
    }
    return null;
  }

  async delete(id: number): Promise<boolean> {
    const state = this.state();
    const file = state.files.get(id);
    if (file === undefined || !state.files.delete(id)) return false;
    state.deletedFiles.set(id, { file, deletedAt: new Date() });
    for (const [key, step] of state.steps) if (step.fileId === id) state.steps.delete(key);
    return true;
  }

  async list(query: FileListQuery): Promise<FilePage> {
    return searchFiles(this.state(), query);
  }

  async countByStatus(): Promise<StatusCounts> {
    const counts = Object.fromEntries(OVERALL_STATUSES.map((status) => [status, 0])) as StatusCounts;
    for (const file of this.state().files.values()) counts[file.rollup.status] += 1;
    return counts;
  }

  async processedFilePath(): Promise<string | null> {
    // The in-memory store has no DocuElevate columns: its processed documents are the storage step's.
    return null;
  }

  async listAfter(afterId: number, limit: number): Promise<FileRecord[]> {
    return [...this.state().files.values()]
      .filter((file) => file.id > afterId)
      .sort((a, b) => a.id - b.id)
      .slice(0, limit)
      .map(copy);
  }
}

class MemorySteps implements StepRepository {
  constructor(private readonly state: () => MemoryState) {}

  async get(fileId: number, stepName: string): Promise<StoredStep | null> {
    const step = this.state().steps.get(stepKey({ fileId, stepName }));
    return step === undefined ? null : copy(step);
  }

  async listForFile(fileId: number): Promise<StoredStep[]> {
    return [...this.state().steps.values()].filter((step) => step.fileId === fileId).map(copy);
  }

  async listForFiles(fileIds: readonly number[]): Promise<StoredStep[]> {
    const wanted = new Set(fileIds);
    return [...this.state().steps.values()]
      .filter((step) => wanted.has(step.fileId))
      .sort((a, b) => a.fileId - b.fileId)
      .map(copy);
  }

  async createMissing(
    fileId: number,
    stepNames: readonly string[],
    runAfter: Date | null,
  ): Promise<string[]> {
    const created: string[] = [];
    for (const stepName of stepNames) {
      const key = stepKey({ fileId, stepName });
      if (this.state().steps.has(key)) continue;
      this.state().steps.set(
        key,
        blankStep(fileId, stepName, runAfter === null ? null : new Date(runAfter), new Date()),
      );
      created.push(stepName);
    }
    return created;
  }

  async saveState(fileId: number, stepName: string, state: FoldedStep): Promise<void> {
    const key = stepKey({ fileId, stepName });
    const row = this.state().steps.get(key) ?? blankStep(fileId, stepName, null, new Date());
    const keepLease = state.status === 'in_progress';
    this.state().steps.set(key, {
      ...row,
      ...copy(state),
      leaseOwner: keepLease ? row.leaseOwner : null,
      leaseExpiresAt: keepLease ? row.leaseExpiresAt : null,
      updatedAt: new Date(),
    });
  }

  async saveStates(writes: readonly StepWrite[]): Promise<void> {
    for (const { fileId, stepName, state, runAfter, lease } of writes) {
      await this.saveState(fileId, stepName, state);
      const row = this.state().steps.get(stepKey({ fileId, stepName }));
      if (row === undefined) continue;
      row.runAfter = runAfter === null ? null : new Date(runAfter);
      if (lease !== 'keep') {
        row.leaseOwner = lease?.owner ?? null;
        row.leaseExpiresAt = lease === null ? null : new Date(lease.expiresAt);
      }
    }
  }

  async schedule(fileId: number, stepName: string, runAfter: Date, override: boolean): Promise<boolean> {
    const row = this.state().steps.get(stepKey({ fileId, stepName }));
    if (row === undefined || row.status !== 'pending' || (!override && row.runAfter !== null)) return false;
    row.runAfter = new Date(runAfter);
    return true;
  }
}

class MemoryLogs implements LogRepository {
  constructor(private readonly state: () => MemoryState) {}

  async append(entry: NewLogEntry): Promise<LogEntry> {
    const log: LogEntry = { ...copy(entry), id: this.state().nextLogId++ };
    this.state().logs.push(log);
    return copy(log);
  }

  async appendMany(entries: readonly NewLogEntry[]): Promise<LogEntry[]> {
    const appended: LogEntry[] = [];
    for (const entry of entries) appended.push(await this.append(entry));
    return appended;
  }

  async listForSteps(steps: readonly StepRef[]): Promise<LogEntry[]> {
    const wanted = new Set(steps.map(stepKey));
    return this.ordered((log) => wanted.has(stepKey(log)));
  }

  async listForStep(fileId: number, stepName: string): Promise<LogEntry[]> {
    return this.ordered((log) => log.fileId === fileId && log.stepName === stepName);
  }

  async listForFiles(fileIds: readonly number[]): Promise<LogEntry[]> {
    const wanted = new Set(fileIds);
    return this.ordered((log) => log.fileId !== null && wanted.has(log.fileId)).sort(
      (a, b) => (a.fileId ?? 0) - (b.fileId ?? 0) || compareEvents(a, b),
    );
  }

  async page(fileId: number, limit: number, after: EventPosition | null): Promise<LogPage> {
    const all = this.ordered(
      (log) => log.fileId === fileId && (after === null || compareEvents(after, log) < 0),
    );
    const items = all.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      next: all.length > limit && last !== undefined ? { occurredAt: last.occurredAt, id: last.id } : null,
    };
  }

  async listSince(afterId: number, limit: number): Promise<LogEntry[]> {
    return this.state()
      .logs.filter((log) => log.id > afterId)
      .slice(0, limit)
      .map(copy);
  }

  async maxId(): Promise<number> {
    return this.state().nextLogId - 1;
  }

  private ordered(keep: (log: LogEntry) => boolean): LogEntry[] {
    return this.state().logs.filter(keep).sort(compareEvents).map(copy);
  }
}

class MemoryQueue implements WorkQueue {
  constructor(
    private readonly state: () => MemoryState,
    private readonly onAnnounce: () => void,
  ) {}

  async lockRunnable(limit: number, now: Date, stepNames: readonly string[] | null): Promise<LockedStep[]> {
    const names = stepNames === null ? null : new Set(stepNames);
    return [...this.state().steps.values()]
      .filter((step) => step.status === 'pending' && step.runAfter !== null && step.runAfter <= now)
      .filter((step) => names === null || names.has(step.stepName))
      .filter((step) => this.state().files.get(step.fileId)?.managed === true)
      .sort((a, b) => (a.runAfter?.getTime() ?? 0) - (b.runAfter?.getTime() ?? 0))
      .slice(0, limit)
      .flatMap(({ fileId, stepName }) => this.withFile({ fileId, stepName }));
  }

  async renewLeases(owner: string, steps: readonly StepRef[], expiresAt: Date): Promise<StepRef[]> {
    const held: StepRef[] = [];
    for (const step of steps) {
      const row = this.state().steps.get(stepKey(step));
      if (row?.status !== 'in_progress' || row.leaseOwner !== owner) continue;
      row.leaseExpiresAt = new Date(expiresAt);
      held.push({ fileId: step.fileId, stepName: step.stepName });
    }
    return held;
  }

  async lockExpired(limit: number, now: Date): Promise<ExpiredLease[]> {
    return [...this.state().steps.values()]
      .filter(
        (step) => step.status === 'in_progress' && step.leaseExpiresAt !== null && step.leaseExpiresAt < now,
      )
      .slice(0, limit)
      .flatMap(({ fileId, stepName, leaseOwner, attempts }) =>
        this.withFile({ fileId, stepName, leaseOwner, attempts }),
      );
  }

  /** The step with a copy of its file, or nothing when the file is gone. */
  private withFile<T extends StepRef>(step: T): Array<T & { file: FileRecord }> {
    const file = this.state().files.get(step.fileId);
    return file === undefined ? [] : [{ ...step, file: copy(file) }];
  }

  async announce(): Promise<void> {
    this.onAnnounce();
  }
}

function candidates(state: MemoryState, mode: CandidateMode, afterId: number, limit: number): number[] {
  const withLogs = new Set(state.logs.map((log) => log.fileId).filter((id): id is number => id !== null));
  const withSteps = new Set([...state.steps.values()].map((step) => step.fileId));
  return [...state.files.keys()]
    .filter((id) => id > afterId && (mode === 'all' || (withLogs.has(id) && !withSteps.has(id))))
    .sort((a, b) => a - b)
    .slice(0, limit);
}
