import type { LogEntry } from '../events/step-event.js';
import type { FileRecord, StoredStep } from '../files/file-record.js';
import type { CandidateMode, MigrationProgress } from '../ports/legacy-migration-store.js';

/** Everything the in-memory store holds; cloned to give transactions rollback. */
export interface MemoryState {
  files: Map<number, FileRecord>;
  /** Keyed by stepKey, in insertion order. */
  steps: Map<string, StoredStep>;
  logs: LogEntry[];
  nextFileId: number;
  nextLogId: number;
  /** Saved backfill progress, per candidate mode. */
  progress: Map<CandidateMode, MigrationProgress>;
}

export const emptyMemoryState = (): MemoryState => ({
  files: new Map(),
  steps: new Map(),
  logs: [],
  nextFileId: 1,
  nextLogId: 1,
  progress: new Map(),
});

export function cloneState(state: MemoryState): MemoryState {
  return structuredClone(state);
}
