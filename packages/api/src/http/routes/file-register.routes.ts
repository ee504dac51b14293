import type { NewFile } from '@steptrail/domain';
import type { Request } from 'express';
import { ApiError } from '../errors/api-error.js';
import { errorResponse, SHORT_TEXT } from '@steptrail/api-schema/common.schemas.js';
import { createdFileJson, registerFileBody, uploadForm } from '@steptrail/api-schema/file.schemas.js';
import { defineRoute, type Route } from '../routing/route.js';
import { unstorableTextProblem, unstorableTextProblems } from '../routing/unstorable-text.js';
import { parseParts, problemsOf, validationError } from '../routing/validation.js';
import { fileToJson, overallToJson } from '../serialize.js';
import {
  MalformedMultipart,
  readMultipart,
  type MultipartUpload,
  type UploadedFile,
} from '../uploads/multipart-upload.js';
import type { Problem } from '../errors/api-error.js';
import { RequestTimedOut } from '../request-timeouts.js';
import { changeNote } from './history-notes.js';
import { unwrap, type RouteDeps } from './route-deps.js';

/** POST /api/files: an upload steptrail's worker will process, or a registration by an external pipeline. */
export function fileRegisterRoutes(deps: RouteDeps): Route[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/api/files',
        operationId: 'createFile',
        summary: 'Upload a document (multipart) or register one processed by an external pipeline (JSON)',
        description:
          'multipart/form-data with a `file` part stores the document under its SHA-256, creates the file record with a ' +
          'snapshot of its workflow, initialises its steps and makes the first one runnable (managed=true). A JSON body ' +
          'registers a file whose pipeline runs elsewhere and reports progress through /events (managed=false).',
        tag: 'files',
        scope: 'write',
        schemas: {},
        accepts: ['json', 'multipart'],
        documentedBodies: { 'multipart/form-data': uploadForm, 'application/json': registerFileBody },
        responses: {
          201: {
            description: 'The file, its status, and the older file it duplicates if any',
            schema: createdFileJson,
          },
          413: { description: 'The upload is larger than MAX_UPLOAD_BYTES', schema: errorResponse },
        },
        errors: [408, 413, 415],
      },
      async (_input, req, res) => {
        const multipart = typeof req.is('multipart/form-data') === 'string';
        const { file, undo } = multipart ? await fromUpload(deps, req) : { file: await fromJson(deps, req) };
        const mode = file.managed ? 'uploaded' : 'registered by an external pipeline';
        let created;
        try {
          created = await deps.tracker.registerFile(
            file,
            changeNote(res, `File ${mode} (workflow ${file.workflow.name})`),
          );
        } catch (error) {
          // No record points at content this request stored: do not leave it behind.
          await undo?.();
          throw error;
        }
        deps.live.changed();
        const detail = unwrap(await deps.queries.getFileDetail(created.id));
        const original = await deps.queries.originalOf(created);
        return {
          status: 201,
          body: {
            file: fileToJson(detail.file),
            status: overallToJson(detail.status),
            duplicateOf: original === null ? null : original.id,
          },
        };
      },
    ),
  ];
}

async function fromJson(deps: RouteDeps, req: Request): Promise<NewFile> {
  const { body } = parseParts(
    { body: registerFileBody },
    { body: req.body, params: {}, query: {}, headers: {} },
  );
  const workflow = unwrap(deps.workflows.resolve(body.workflow));
  return {
    filehash: body.filehash,
    originalFilename: body.originalFilename,
    localFilename: body.localFilename ?? '',
    fileSize: body.fileSize,
    mimeType: body.mimeType ?? null,
    workflow,
    managed: false,
  };
}

async function fromUpload(
  deps: RouteDeps,
  req: Request,
): Promise<{ file: NewFile; undo: () => Promise<void> }> {
  let upload: MultipartUpload;
  try {
    upload = await readMultipart(req, deps.content, deps.config.maxUploadBytes);
  } catch (error) {
    // A broken body is the client's problem; a storage failure (disk full) stays a fault.
    if (!(error instanceof MalformedMultipart)) throw error;
    if (error.cause instanceof RequestTimedOut) {
      // Answered once the upload's temporary file is gone; the rest of the body is never read.
      throw new ApiError(
        'REQUEST_TIMEOUT',
        `${error.cause.message} The upload was discarded; send it again, faster or in one piece.`,
        { timeoutMs: error.cause.timeoutMs },
        { Connection: 'close' },
      );
    }
    throw validationError([
      { path: 'body', code: 'invalid_multipart', message: `Malformed multipart body: ${error.message}` },
    ]);
  }
  const { file } = upload;
  try {
    if (upload.tooLarge) {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `The file is larger than the limit of ${deps.config.maxUploadBytes} bytes.`,
        {
          limitBytes: deps.config.maxUploadBytes,
        },
      );
    }
    const problems = [
      ...upload.problems,
      ...unstorableTextProblems('body', upload.fields),
      ...filePartProblems(file),
    ];
    const fields = uploadForm.omit({ file: true }).safeParse(upload.fields);
    if (!fields.success) problems.push(...problemsOf('body', fields.error));
    if (problems.length > 0 || file === null || !fields.success) throw validationError(problems);
    const workflow = unwrap(deps.workflows.resolve(fields.data.workflow));
    const stored = await file.blob.commit();
    const registration: NewFile = {
      filehash: file.blob.sha256,
      originalFilename: file.filename === '' ? null : file.filename,
      localFilename: stored.path,
      fileSize: file.blob.size,
      mimeType: file.mimeType,
      workflow,
      managed: true,
    };
    return { file: registration, undo: stored.undo };
  } catch (error) {
    await file?.blob.discard();
    throw error;
  }
}

/** The file part's name and media type go into VARCHAR(255) columns: longer or unstorable values are refused. */
function filePartProblems(file: UploadedFile | null): Problem[] {
  if (file === null)
    return [{ path: 'body.file', code: 'invalid_type', message: 'A part named "file" is required.' }];
  const problems: Problem[] = [];
  const texts = [
    ['file name', 'body.file.filename', file.filename],
    ['Content-Type', 'body.file.contentType', file.mimeType],
  ] as const;
  for (const [what, path, value] of texts) {
    if (value.length > SHORT_TEXT)
      problems.push({
        path,
        code: 'too_big',
        message: `The ${what} is longer than ${SHORT_TEXT} characters.`,
      });
    const unstorable = unstorableTextProblem(path, value);
    if (unstorable !== null) problems.push(unstorable);
  }
  return problems;
}
