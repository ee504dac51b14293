import { stepKey } from '../files/step-key.js';
import type { StoredStep } from '../files/file-record.js';
import type {
  ActiveSteps,
  Silence,
  SilentStep,
  StallStore,
  StuckCandidate,
  StuckCandidateQuery,
} from '../ports/stall-store.js';
import type { StepRef } from '../ports/work-queue.js';
import type { MemoryState } from './memory-state.js';

/** The in-memory StallStore: the same rules as the SQL one, over the state's rows (docs/architecture.md#stalls). */
export class MemoryStalls implements StallStore {
  constructor(private readonly state: () => MemoryState) {}

  async heartbeat(ref: StepRef, at: Date, by: string | null): Promise<boolean> {
    const row = this.state().steps.get(stepKey(ref));
    if (row?.status !== 'in_progress') return false;
    this.state().heartbeats.set(stepKey(ref), { at: new Date(at), by });
    return true;
  }

  async lockSilent(limit: number, silentSince: Date): Promise<SilentStep[]> {
    return this.silent(silentSince)
      .sort((a, b) => a.silence.since.getTime() - b.silence.since.getTime())
      .slice(0, limit)
      .flatMap(({ row, silence }) => {
        const file = this.state().files.get(row.fileId);
        return file === undefined
          ? []
          : [{ fileId: row.fileId, stepName: row.stepName, file: structuredClone(file), ...silence }];
      });
  }

  async listStuck(query: StuckCandidateQuery): Promise<StuckCandidate[]> {
    const silent = this.silent(query.silentSince).map(({ row, silence }) => ({
      row,
      silence,
      kind: 'silent' as const,
    }));
    const unclaimed = [...this.state().steps.values()]
      .filter(
        (row) =>
          row.status === 'pending' &&
          row.runAfter !== null &&
          row.runAfter <= query.unclaimedSince &&
          this.state().files.get(row.fileId)?.managed === true,
      )
      .map((row) => ({
        row,
        silence: { since: row.runAfter ?? row.updatedAt, lastTouchedBy: this.lastEventTask(row) },
        kind: 'unclaimed' as const,
      }));
    const after = query.after;
    return [...silent, ...unclaimed]
      .filter(({ row }) => after === null || compareRefs(row, after) > 0)
      .sort((a, b) => compareRefs(a.row, b.row))
      .slice(0, query.limit)
      .map(({ row, silence, kind }) => ({
        fileId: row.fileId,
        stepName: row.stepName,
        kind,
        ...silence,
        attempts: row.attempts,
        workflowName: this.state().files.get(row.fileId)?.workflow.name ?? '',
      }));
  }

  async countActive(now: Date): Promise<ActiveSteps[]> {
    const counts = new Map<string, ActiveSteps>();
    for (const row of this.state().steps.values()) {
      const runnable =
        row.status === 'pending' &&
        row.runAfter !== null &&
        row.runAfter <= now &&
        this.state().files.get(row.fileId)?.managed === true;
      if (!runnable && row.status !== 'in_progress') continue;
      const entry = counts.get(row.stepName) ?? { stepName: row.stepName, runnable: 0, inProgress: 0 };
      if (runnable) entry.runnable += 1;
      else entry.inProgress += 1;
      counts.set(row.stepName, entry);
    }
    return [...counts.values()].sort((a, b) => (a.stepName < b.stepName ? -1 : 1));
  }

  /** In-progress steps without a lease whose last event and heartbeat are at or before `since`. */
  private silent(since: Date): Array<{ row: StoredStep; silence: Silence }> {
    return [...this.state().steps.values()]
      .filter((row) => row.status === 'in_progress' && row.leaseOwner === null)
      .map((row) => ({ row, silence: this.silenceOf(row) }))
      .filter(({ silence }) => silence.since <= since);
  }

  private silenceOf(row: StoredStep): Silence {
    const event = row.lastEvent?.occurredAt ?? row.startedAt ?? row.updatedAt;
    const beat = this.state().heartbeats.get(stepKey(row));
    if (beat !== undefined && beat.at > event) return { since: beat.at, lastTouchedBy: beat.by };
    return { since: event, lastTouchedBy: this.lastEventTask(row) };
  }

  private lastEventTask(row: StoredStep): string | null {
    const id = row.lastEvent?.id;
    return id === undefined ? null : (this.state().logs.find((log) => log.id === id)?.taskId ?? null);
  }
}

function compareRefs(a: StepRef, b: StepRef): number {
  if (a.fileId !== b.fileId) return a.fileId - b.fileId;
  return a.stepName < b.stepName ? -1 : a.stepName > b.stepName ? 1 : 0;
}
