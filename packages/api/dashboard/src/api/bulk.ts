import type { z } from 'zod';
import type {
  bulkBody,
  bulkPreviewJson,
  bulkStartedJson,
  bulkStatusJson,
} from '@steptrail/api-schema/bulk.schemas.js';
import { api } from './client.js';

// Bulk retry and delete through the API's durable operations (POST /api/retries, /api/deletions): one request for any
// number of selected files, worked through by the server even if this page closes (docs/architecture.md#dashboard,
// #bulk-operations).

export type BulkFilter = z.input<typeof bulkBody>['filter'];
export type BulkOperation = z.input<typeof bulkStartedJson>['operation'];
export type BulkPreview = z.input<typeof bulkPreviewJson>;
type BulkStatus = z.input<typeof bulkStatusJson>;
export type BulkKind = BulkOperation['kind'];

const PATH: Record<BulkKind, string> = { retry: '/api/retries', delete: '/api/deletions' };
const POLL_MS = 400;

/** Starts the operation and resolves once the server has handled every file of it. */
export async function runBulk(kind: BulkKind, filter: BulkFilter): Promise<BulkOperation> {
  const started = await api<z.input<typeof bulkStartedJson>>(PATH[kind], {
    method: 'POST',
    body: { filter },
  });
  let operation = started.operation;
  while (operation.state !== 'completed') {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    operation = (await api<BulkStatus>(`${PATH[kind]}/${operation.id}?limit=1`)).operation;
  }
  return operation;
}

/** What the operation would take now, changing nothing (dryRun). */
export const previewBulk = (kind: BulkKind, filter: BulkFilter): Promise<BulkPreview> =>
  api<BulkPreview>(PATH[kind], { method: 'POST', body: { filter, dryRun: true } });

/** The list's URL filter as a bulk filter: the same field names, statuses as a list; paging and order dropped. */
export function filterOfQuery(query: URLSearchParams): BulkFilter {
  const filter: Record<string, unknown> = {};
  for (const [key, value] of query.entries()) {
    if (value === '' || ['cursor', 'limit', 'sort', 'order'].includes(key)) continue;
    filter[key] = key === 'status' ? value.split(',').filter((status) => status !== '') : value;
  }
  return filter;
}
