import { SteptrailApiError, type BulkFilter, type BulkKind } from '@steptrail/client';
import { client, describeError } from '../connection.js';

// The actions on one or many files, with one summary of what happened to show the operator.

export interface BulkResult {
  done: number;
  failed: number;
  message: string;
}

async function each(
  ids: number[],
  action: (id: number) => Promise<boolean>,
): Promise<{ done: number; skipped: number; errors: string[] }> {
  let done = 0;
  let skipped = 0;
  const errors: string[] = [];
  for (const id of ids) {
    try {
      if (await action(id)) done += 1;
      else skipped += 1;
    } catch (error) {
      errors.push(`#${id}: ${describeError(error)}`);
    }
  }
  return { done, skipped, errors };
}

/** POST /api/files/:id/retry for each: re-queues every failed step; files without one are counted, not errors. */
export async function retryFiles(ids: number[]): Promise<BulkResult> {
  const { done, skipped, errors } = await each(ids, async (id) => {
    try {
      const result = await client().retryFile(id);
      return result.retried.length > 0;
    } catch (error) {
      if (error instanceof SteptrailApiError && error.code === 'NOT_RETRYABLE') return false;
      throw error;
    }
  });
  const parts = [`Retried ${done} file${done === 1 ? '' : 's'}`];
  if (skipped > 0) parts.push(`${skipped} had no failed step`);
  if (errors.length > 0) parts.push(`${errors.length} failed: ${errors[0]}`);
  return { done, failed: errors.length, message: parts.join('; ') };
}

export async function deleteFiles(ids: number[]): Promise<BulkResult> {
  const { done, errors } = await each(ids, async (id) => {
    await client().deleteFile(id);
    return true;
  });
  const parts = [`Deleted ${done} file${done === 1 ? '' : 's'}`];
  if (errors.length > 0) parts.push(`${errors.length} failed: ${errors[0]}`);
  return { done, failed: errors.length, message: parts.join('; ') };
}

/**
 * Retry or delete the selected files as one durable bulk operation: the server records each file's outcome and a
 * history note naming the operation, and finishes it even if this page closes.
 */
export async function bulkAction(kind: BulkKind, ids: number[]): Promise<BulkResult> {
  return bulkByFilter(kind, { ids }, ids.length);
}

/** The same for every file a filter matches now (the server fixes the list when the operation starts). */
export async function bulkByFilter(
  kind: BulkKind,
  filter: BulkFilter,
  expected: number,
): Promise<BulkResult> {
  try {
    const operation = await client().bulk.run(kind, filter);
    const verb = kind === 'retry' ? 'Retried' : 'Deleted';
    const parts = [
      `${verb} ${operation.done} file${operation.done === 1 ? '' : 's'} (operation #${operation.id})`,
    ];
    if (operation.skipped > 0) {
      const why = kind === 'retry' ? 'no failed step, or gone meanwhile' : 'gone meanwhile';
      parts.push(`${operation.skipped} skipped (${why})`);
    }
    return { done: operation.done, failed: 0, message: parts.join('; ') };
  } catch (error) {
    return { done: 0, failed: expected, message: `Bulk ${kind} failed: ${describeError(error)}` };
  }
}
