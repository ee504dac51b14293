import type {
  BulkFilter,
  BulkKind,
  BulkOperation,
  BulkPreview,
  BulkResultsQuery,
  BulkStarted,
  BulkStatus,
} from './api-types.js';
import type { Transport } from './transport.js';

const PATH: Record<BulkKind, string> = { retry: '/api/retries', delete: '/api/deletions' };

/**
 * Bulk retry and delete (POST /api/retries, /api/deletions): one durable operation for every file a filter
 * matches, worked through by the server even if the caller goes away (docs/architecture.md#bulk-operations).
 */
export class BulkCalls {
  constructor(private readonly transport: Transport) {}

  /** What the operation would take now (a dry run): changes nothing, so it is retried. */
  preview(kind: BulkKind, filter: BulkFilter): Promise<BulkPreview> {
    return this.transport.request({
      method: 'POST',
      path: PATH[kind],
      body: { filter, dryRun: true },
      idempotent: true,
    });
  }

  /** Starts the operation. Not retried: a repeat would start a second one. */
  start(kind: BulkKind, filter: BulkFilter): Promise<BulkStarted> {
    return this.transport.request({ method: 'POST', path: PATH[kind], body: { filter }, idempotent: false });
  }

  /** The operation's state and a page of its per-file results. */
  get(kind: BulkKind, id: number, query: BulkResultsQuery = {}): Promise<BulkStatus> {
    return this.transport.request({ method: 'GET', path: `${PATH[kind]}/${id}`, query, idempotent: true });
  }

  /** Starts the operation and resolves once the server has handled every file of it. */
  async run(kind: BulkKind, filter: BulkFilter, pollMs = 400): Promise<BulkOperation> {
    let { operation } = await this.start(kind, filter);
    while (operation.state !== 'completed') {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      ({ operation } = await this.get(kind, operation.id, { limit: '1' }));
    }
    return operation;
  }
}
