import {
  computeOverallStatus,
  reconstruct,
  type FileVerification,
  type FoldedStep,
  type Store,
} from '@steptrail/domain';
import { expect } from 'vitest';
import type { LegacyLogRow, RawAccess } from '../harness.js';
import { at } from './fixtures.js';
import { foldedView, orderedLogs, rollupView, stepViewsByName, storedFile } from './raw-rows.js';

/** A DocuElevate timestamp: whole seconds (plus `millis`) after the main epoch. */
export const legacyTime = (seconds: number, millis = 0): Date => at(seconds + millis / 1000);

/** A legacy log row of `fileId`; everything not given is null, as DocuElevate leaves it. */
export const legacyLog = (
  fileId: number | null,
  stepName: string | null,
  status: string | null,
  seconds: number,
  texts: Partial<Pick<LegacyLogRow, 'message' | 'detail' | 'taskId'>> = {},
): LegacyLogRow => ({
  fileId,
  stepName,
  status,
  timestamp: legacyTime(seconds),
  message: texts.message ?? null,
  detail: texts.detail ?? null,
  taskId: texts.taskId ?? null,
});

/** Plants a DocuElevate file and its logs (built once its id is known); returns the file id. */
export async function plantLegacyFile(
  raw: RawAccess,
  tag: string,
  logsOf: (fileId: number) => readonly LegacyLogRow[] = () => [],
): Promise<number> {
  const fileId = await raw.insertLegacyFile({
    filehash: `legacy-${tag}`,
    originalFilename: `${tag}-scan.pdf`,
    localFilename: `/workdir/${tag}.pdf`,
    fileSize: 4096,
    mimeType: 'application/pdf',
  });
  const logs = logsOf(fileId);
  if (logs.length > 0) await raw.insertLegacyLogs(logs);
  return fileId;
}

/**
 * Asserts that the stored step rows and rollup of a file are exactly what the domain fold derives from its
 * stored logs, and returns the fold's steps.
 */
export async function expectStepsToEqualTheFold(
  store: Store,
  raw: RawAccess,
  fileId: number,
): Promise<Map<string, FoldedStep>> {
  const { steps } = reconstruct(await orderedLogs(raw, fileId));
  const rows = await raw.stepRows(fileId);
  const expected = Object.fromEntries([...steps].map(([name, state]) => [name, foldedView(state)]));
  expect(stepViewsByName(rows)).toEqual(expected);
  expect(rows).toHaveLength(steps.size);
  const file = await store.reads.files.get(fileId);
  if (file === null) throw new Error(`File ${fileId} vanished`);
  const snapshots = [...steps].map(([stepName, state]) => ({
    stepName,
    status: state.status,
    attempts: state.attempts,
  }));
  const rollup = computeOverallStatus({
    isDuplicate: file.isDuplicate,
    managed: file.managed,
    workflow: file.workflow,
    steps: snapshots,
  });
  expect(rollupView(await storedFile(raw, fileId))).toEqual(rollup);
  return steps;
}

/** Runs verifyAll and keeps the verifications of the given files only (other tests share the database). */
export async function verifyOnly(
  verifyAll: (onFile: (verification: FileVerification) => void) => Promise<unknown>,
  fileIds: readonly number[],
): Promise<FileVerification[]> {
  const wanted = new Set(fileIds);
  const found: FileVerification[] = [];
  await verifyAll((verification) => {
    if (wanted.has(verification.fileId)) found.push(verification);
  });
  return found.sort((a, b) => a.fileId - b.fileId);
}
