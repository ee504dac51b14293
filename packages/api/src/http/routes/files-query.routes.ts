import { errorResponse, fileIdParams } from '@steptrail/api-schema/common.schemas.js';
import {
  fileCountsJson,
  fileDetailJson,
  fileListJson,
  overallStatusJson,
  stepSummaryJson,
} from '@steptrail/api-schema/file.schemas.js';
import { listFilesQuery, toFileFilter } from '@steptrail/api-schema/file-filter.schemas.js';
import { logPageJson, logsQuery, stepsJson } from '@steptrail/api-schema/step.schemas.js';
import { validationError } from '../routing/validation.js';
import { defineRoute, type Route } from '../routing/route.js';
import {
  decodeFileCursor,
  decodeLogCursor,
  encodeFileCursor,
  encodeLogCursor,
  fileToJson,
  listItemToJson,
  logToJson,
  overallToJson,
  stepToJson,
  summaryToJson,
} from '../serialize.js';
import { unwrap, type RouteDeps } from './route-deps.js';

const notFound = { description: 'No file with this id', schema: errorResponse };

/** The read side: index reads of current state and pages of history. */
export function fileQueryRoutes({ queries }: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/api/files',
        operationId: 'listFiles',
        summary: 'Search files: filters, order, keyset pages',
        description:
          'Newest first unless `sort`/`order` say otherwise; every filter narrows the set and is served by an index ' +
          '(docs/architecture.md#file-search). The status filter reads the stored rollup, so it matches the badges ' +
          'exactly; `error` and `step` look at failed steps. `counts` are of all files, whatever the filter.',
        tag: 'files',
        scope: 'read',
        schemas: { query: listFilesQuery },
        responses: {
          200: { description: 'A page of files and the count of files per status', schema: fileListJson },
        },
        errors: [],
      },
      async ({ query }) => {
        const sort = { key: query.sort ?? 'id', direction: query.order ?? 'desc' } as const;
        const after = query.cursor === undefined ? undefined : decodeFileCursor(query.cursor, sort);
        if (after === null) {
          throw validationError([
            {
              path: 'query.cursor',
              code: 'invalid_cursor',
              message: 'Not a nextCursor value returned by this endpoint for the same sort and order.',
            },
          ]);
        }
        const { page, counts } = await queries.listFiles({
          ...toFileFilter(query),
          limit: query.limit,
          sort,
          ...(after === undefined ? {} : { after }),
        });
        return {
          status: 200,
          body: {
            items: page.items.map(listItemToJson),
            nextCursor: page.next === null ? null : encodeFileCursor(page.next),
            counts: { ...counts },
          },
        };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/counts',
        operationId: 'countFiles',
        summary: 'Files per status across the whole database, counted now',
        description:
          'Unlike the `counts` of GET /api/files (which may be up to COUNTS_MAX_AGE_MS old), these are read at the ' +
          'request, so after a live `file` event they include its change (docs/architecture.md#status-counts).',
        tag: 'files',
        scope: 'read',
        schemas: {},
        responses: { 200: { description: 'The count of files per status', schema: fileCountsJson } },
        errors: [],
      },
      async () => {
        const counts = await queries.countFiles();
        const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
        return { status: 200, body: { counts: { ...counts }, total } };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id',
        operationId: 'getFile',
        summary: 'A file with its overall status and step summary',
        tag: 'files',
        scope: 'read',
        schemas: { params: fileIdParams },
        responses: { 200: { description: 'The file', schema: fileDetailJson }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => {
        const detail = unwrap(await queries.getFileDetail(params.id));
        return {
          status: 200,
          body: {
            file: fileToJson(detail.file),
            status: overallToJson(detail.status),
            summary: summaryToJson(detail.summary),
          },
        };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id/status',
        operationId: 'getFileStatus',
        summary: 'Overall status of a file',
        tag: 'files',
        scope: 'read',
        schemas: { params: fileIdParams },
        responses: { 200: { description: 'The overall status', schema: overallStatusJson }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => ({
        status: 200,
        body: overallToJson(unwrap(await queries.getFileOverallStatus(params.id))),
      }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id/steps',
        operationId: 'getFileSteps',
        summary: 'Current state of every step of a file',
        tag: 'files',
        scope: 'read',
        schemas: { params: fileIdParams },
        responses: { 200: { description: 'Steps by name', schema: stepsJson }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => {
        const steps = unwrap(await queries.getFileStepStatus(params.id));
        return {
          status: 200,
          body: {
            steps: Object.fromEntries(Object.entries(steps).map(([name, step]) => [name, stepToJson(step)])),
          },
        };
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id/summary',
        operationId: 'getFileSummary',
        summary: 'Step counts of a file (main steps and upload tasks)',
        tag: 'files',
        scope: 'read',
        schemas: { params: fileIdParams },
        responses: { 200: { description: 'The step summary', schema: stepSummaryJson }, 404: notFound },
        errors: [404],
      },
      async ({ params }) => ({
        status: 200,
        body: summaryToJson(unwrap(await queries.getStepSummary(params.id))),
      }),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id/logs',
        operationId: 'getFileLogs',
        summary: 'History of a file, oldest first, paged',
        tag: 'files',
        scope: 'read',
        schemas: { params: fileIdParams, query: logsQuery },
        responses: { 200: { description: 'A page of history rows', schema: logPageJson }, 404: notFound },
        errors: [404],
      },
      async ({ params, query }) => {
        const after = query.cursor === undefined ? null : decodeLogCursor(query.cursor);
        if (query.cursor !== undefined && after === null) {
          throw validationError([
            {
              path: 'query.cursor',
              code: 'invalid_cursor',
              message: 'Not a nextCursor value returned by this endpoint.',
            },
          ]);
        }
        const page = unwrap(await queries.getProcessingLogs(params.id, query.limit, after));
        return {
          status: 200,
          body: {
            items: page.items.map(logToJson),
            nextCursor: page.next === null ? null : encodeLogCursor(page.next),
          },
        };
      },
    ),
  ];
}
