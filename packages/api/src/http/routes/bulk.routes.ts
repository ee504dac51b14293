import type { BulkKind, BulkOperation, FileFilter } from '@steptrail/domain';
import type { z } from 'zod';
import { ApiError } from '../errors/api-error.js';
import { defineRoute, type Route } from '../routing/route.js';
import type { bulkOperationJson } from '@steptrail/api-schema/bulk.schemas.js';
import {
  bulkBody,
  bulkIdParams,
  bulkPreviewJson,
  bulkResultsQuery,
  bulkStartedJson,
  bulkStatusJson,
} from '@steptrail/api-schema/bulk.schemas.js';
import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import { toFileFilter } from '@steptrail/api-schema/file-filter.schemas.js';
import { unwrap, type RouteDeps } from './route-deps.js';

const SAMPLE_SIZE = 20;
const iso = (date: Date | undefined) => date?.toISOString();

/** The filter in the request's own field names, as it was given. */
function filterJson(filter: FileFilter): z.input<typeof bulkOperationJson>['filter'] {
  const fields = {
    status: filter.statuses,
    q: filter.search,
    error: filter.errorText,
    step: filter.failedStep,
    mimeType: filter.mimeType,
    hash: filter.hashPrefix,
    createdFrom: iso(filter.createdFrom),
    createdBefore: iso(filter.createdBefore),
    updatedFrom: iso(filter.updatedFrom),
    updatedBefore: iso(filter.updatedBefore),
    ids: filter.ids,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function operationJson(operation: BulkOperation): z.input<typeof bulkOperationJson> {
  return {
    id: operation.id,
    kind: operation.kind,
    state: operation.state,
    filter: filterJson(operation.filter),
    createdBy: operation.createdBy,
    total: operation.total,
    done: operation.done,
    skipped: operation.skipped,
    pending: operation.total - operation.done - operation.skipped,
    createdAt: operation.createdAt.toISOString(),
    updatedAt: operation.updatedAt.toISOString(),
    finishedAt: operation.finishedAt?.toISOString() ?? null,
  };
}

const WHAT: Record<BulkKind, { path: string; noun: string; verb: string; scope: 'write' | 'admin' }> = {
  retry: { path: '/api/retries', noun: 'retry', verb: 'Re-queue the failed steps of', scope: 'write' },
  delete: { path: '/api/deletions', noun: 'deletion', verb: 'Delete', scope: 'admin' },
};

/** `POST /api/retries`, `POST /api/deletions` and their status (docs/architecture.md#bulk-operations). */
export function bulkRoutes({ bulk, bulkRunner }: RouteDeps): Route[] {
  return (['retry', 'delete'] as const).flatMap((kind): Route[] => {
    const { path, noun, verb, scope } = WHAT[kind];
    const capital = `${noun[0]?.toUpperCase() ?? ''}${noun.slice(1)}`;
    return [
      defineRoute(
        {
          method: 'post',
          path,
          operationId: `startBulk${capital}`,
          summary: `${verb} every file a filter matches, as one bulk operation`,
          description:
            `The filter is the file search's (GET /api/files)${kind === 'retry' ? ', narrowed to files with a failed step matching it' : ''}; ` +
            'its files are fixed when the operation starts and handled in chunks by any API process, each exactly ' +
            'once, with a history note naming the operation and the token. With dryRun, answers the count and a ' +
            'sample and writes nothing.',
          tag: 'operations',
          scope,
          schemas: { body: bulkBody },
          responses: {
            200: { description: 'dryRun: what the operation would handle', schema: bulkPreviewJson },
            202: {
              description: 'The operation, started; follow it at the Location',
              schema: bulkStartedJson,
            },
            422: {
              description: `More than the files one operation takes (TOO_MANY_FILES)`,
              schema: errorResponse,
            },
          },
          errors: [413, 415, 422],
        },
        async ({ body }, _req, res) => {
          const filter = toFileFilter(body.filter);
          if (body.dryRun === true) {
            const preview = await bulk.preview(kind, filter, SAMPLE_SIZE);
            return { status: 200, body: { dryRun: true as const, kind, ...preview } };
          }
          const operation = unwrap(await bulk.start(kind, filter, res.locals.principal?.name ?? null));
          bulkRunner.wake();
          res.setHeader('Location', `${path}/${operation.id}`);
          return { status: 202, body: { operation: operationJson(operation) } };
        },
      ),
      defineRoute(
        {
          method: 'get',
          path: `${path}/:id`,
          operationId: `getBulk${capital}`,
          summary: `A bulk ${noun}: its state, counts and per-file results (paged by file id)`,
          tag: 'operations',
          scope: 'read',
          schemas: { params: bulkIdParams, query: bulkResultsQuery },
          responses: {
            200: { description: 'The operation', schema: bulkStatusJson },
            404: {
              description: `No bulk ${noun} with this id (BULK_OPERATION_NOT_FOUND)`,
              schema: errorResponse,
            },
          },
          errors: [404],
        },
        async ({ params, query }) => {
          const operation = unwrap(await bulk.get(params.id));
          if (operation.kind !== kind) {
            throw new ApiError('BULK_OPERATION_NOT_FOUND', `Bulk operation ${params.id} is not a ${noun}.`);
          }
          const results = await bulk.results(operation.id, query.cursor ?? 0, query.limit + 1);
          const page = results.slice(0, query.limit);
          const last = page[page.length - 1];
          return {
            status: 200,
            body: {
              operation: operationJson(operation),
              results: page.map((result) => ({
                ...result,
                processedAt: result.processedAt?.toISOString() ?? null,
              })),
              nextCursor: results.length > query.limit && last !== undefined ? String(last.fileId) : null,
            },
          };
        },
      ),
    ];
  });
}
