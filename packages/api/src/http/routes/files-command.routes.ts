import { errorResponse, fileIdParams } from '@steptrail/api-schema/common.schemas.js';
import { fileWithStatusJson, patchFileBody } from '@steptrail/api-schema/file.schemas.js';
import {
  addUploadsBody,
  createdStepsJson,
  eventBody,
  eventRecordedJson,
  idempotencyHeaders,
  initStepsBody,
  retriedJson,
  retryBody,
} from '@steptrail/api-schema/step.schemas.js';
import { defineRoute, type Route } from '../routing/route.js';
import { validationError } from '../routing/validation.js';
import { fileToJson, overallToJson, recordedToJson } from '../serialize.js';
import { changeNote, writeNote } from './history-notes.js';
import { unwrap, type RouteDeps } from './route-deps.js';

const notFound = { description: 'No file with this id', schema: errorResponse };

/** The write side: every change goes through the domain's StepTracker. */
export function fileCommandRoutes({ tracker, ingestion, queries, live }: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/api/files/:id/steps',
        operationId: 'initializeSteps',
        summary: "Create pending rows for the file's workflow steps (or the named ones); idempotent",
        tag: 'steps',
        scope: 'write',
        schemas: { params: fileIdParams, body: initStepsBody },
        bodyOptional: true,
        responses: {
          200: { description: 'Names of the rows created by this call', schema: createdStepsJson },
          404: notFound,
        },
        errors: [404, 413, 415],
      },
      async ({ params, body }, _req, res) => {
        const note = changeNote(res, `Steps initialised${body.steps ? `: ${body.steps.join(', ')}` : ''}`);
        const created = unwrap(await tracker.initializeFileSteps(params.id, body.steps, note));
        live.changed();
        return { status: 200, body: { created } };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/api/files/:id/uploads',
        operationId: 'addUploadSteps',
        summary: 'Add queue_{destination} and upload_to_{destination} steps; idempotent',
        tag: 'steps',
        scope: 'write',
        schemas: { params: fileIdParams, body: addUploadsBody },
        responses: {
          200: { description: 'Names of the rows created by this call', schema: createdStepsJson },
          404: notFound,
        },
        errors: [404, 413, 415],
      },
      async ({ params, body }, _req, res) => {
        const note = changeNote(res, `Upload steps added for ${body.destinations.join(', ')}`);
        const created = unwrap(await tracker.addUploadSteps(params.id, body.destinations, note));
        live.changed();
        return { status: 200, body: { created } };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/api/files/:id/events',
        operationId: 'recordEvent',
        summary:
          'Record a step status change: its history row, step row and the file rollup change atomically',
        description:
          'With an event id (eventId or Idempotency-Key) a repetition answers exactly as the first time (with ' +
          'Idempotent-Replayed: true) and writes nothing. Every answer says whether the step counts toward the ' +
          "file's status (counting); a strict workflow refuses steps outside it (STEP_NOT_IN_WORKFLOW).",
        tag: 'steps',
        scope: 'write',
        schemas: { params: fileIdParams, headers: idempotencyHeaders, body: eventBody },
        responses: {
          201: {
            description: 'The step after the event, the file status, and whether the step counts',
            schema: eventRecordedJson,
          },
          404: notFound,
          409: {
            description: 'The event id was used for a different event (EVENT_ID_CONFLICT)',
            schema: errorResponse,
          },
        },
        errors: [404, 409, 413, 415],
      },
      async ({ params, headers, body }) => {
        const { stepName, status, eventId, ...options } = body;
        const headerId = headers['idempotency-key'];
        if (headerId !== undefined && eventId != null && headerId !== eventId) {
          throw validationError([
            {
              path: 'headers.idempotency-key',
              code: 'invalid_value',
              message:
                'Idempotency-Key and body.eventId name different events; send one of them, or the same id.',
            },
          ]);
        }
        const recorded = unwrap(
          await ingestion.record({
            fileId: params.id,
            eventId: eventId ?? headerId,
            stepName,
            status,
            ...options,
          }),
        );
        if (recorded.duplicate) {
          return {
            status: 201,
            body: recordedToJson(recorded.event),
            headers: { 'Idempotent-Replayed': 'true' },
          };
        }
        live.changed();
        return { status: 201, body: recordedToJson(recorded.event) };
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/api/files/:id/retry',
        operationId: 'retryFailedSteps',
        summary: 'Re-queue failed steps (all, or the named ones) with a pending event',
        tag: 'steps',
        scope: 'write',
        schemas: { params: fileIdParams, body: retryBody },
        bodyOptional: true,
        responses: {
          200: { description: 'The steps re-queued', schema: retriedJson },
          404: notFound,
          409: { description: 'A named step is not failed (NOT_RETRYABLE)', schema: errorResponse },
        },
        errors: [404, 409, 413, 415],
      },
      async ({ params, body }) => {
        const retried = unwrap(await tracker.retryFailedSteps(params.id, body.steps));
        live.changed();
        return { status: 200, body: { retried } };
      },
    ),
    defineRoute(
      {
        method: 'patch',
        path: '/api/files/:id',
        operationId: 'markDuplicate',
        summary: 'Mark a file as a duplicate (status duplicate) or clear the mark',
        tag: 'files',
        scope: 'write',
        schemas: { params: fileIdParams, body: patchFileBody },
        responses: {
          200: { description: 'The file and its status', schema: fileWithStatusJson },
          404: notFound,
          409: { description: 'duplicateOfId names no file (CONFLICT)', schema: errorResponse },
        },
        errors: [404, 409, 413, 415],
      },
      async ({ params, body }, _req, res) => {
        const original = body.duplicateOfId ?? null;
        if (original !== null && (!body.isDuplicate || original === params.id)) {
          throw validationError([
            {
              path: 'body.duplicateOfId',
              code: 'invalid_value',
              message: 'Only a duplicate names an original, and not itself.',
            },
          ]);
        }
        const note = body.isDuplicate
          ? `Marked as a duplicate${original === null ? '' : ` of file ${original}`}`
          : 'Duplicate mark cleared';
        unwrap(await tracker.setDuplicate(params.id, body.isDuplicate, original, changeNote(res, note)));
        live.changed();
        const detail = unwrap(await queries.getFileDetail(params.id));
        return { status: 200, body: { file: fileToJson(detail.file), status: overallToJson(detail.status) } };
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/api/files/:id',
        operationId: 'deleteFile',
        summary: 'Delete a file and its step rows; its history stays',
        tag: 'files',
        scope: 'admin',
        schemas: { params: fileIdParams },
        responses: {
          204: { description: 'Deleted', schema: null },
          404: notFound,
          409: {
            description: 'The database refused the change (CONFLICT); the file is unchanged',
            schema: errorResponse,
          },
        },
        errors: [404, 409],
      },
      async ({ params }, _req, res) => {
        unwrap(await queries.getFile(params.id));
        const note = changeNote(res, 'File deleted: its step rows are removed, this history stays');
        try {
          unwrap(await tracker.deleteFile(params.id, note));
        } catch (error) {
          await writeNote(tracker, res, params.id, 'Deletion refused; the file is unchanged');
          throw error;
        }
        live.changed();
        return { status: 204, body: undefined };
      },
    ),
  ];
}
