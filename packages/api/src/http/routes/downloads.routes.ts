import type { Response } from 'express';
import { errorResponse } from '@steptrail/api-schema/common.schemas.js';
import { downloadParams } from '@steptrail/api-schema/download.schemas.js';
import { FileDownloads, type Download } from '../downloads/file-downloads.js';
import { ApiError } from '../errors/api-error.js';
import { defineRoute, type Route } from '../routing/route.js';
import type { RouteDeps } from './route-deps.js';

const DESCRIPTION = [
  'The bytes of a file: `original` as uploaded (from STORAGE_DIR, only for uploads to POST /api/files), or',
  '`processed`, the document finalize_document_storage stored, or on an adopted DocuElevate database the one',
  'files.processed_file_path names (only from PROCESSED_DIR). Sent as an attachment named',
  'after the file (RFC 6266, with an RFC 5987 `filename*` for non-ASCII names); `Range` requests are answered with',
  '206 and `If-Range`/ETag are honoured; HEAD tells whether a download exists without sending it. 404',
  '`CONTENT_NOT_FOUND` says why a file has none (docs/architecture.md#downloads).',
].join(' ');

/** Downloads of a file's original and its processed document. */
export function downloadRoutes({ store, content, config }: RouteDeps): Route[] {
  const downloads = new FileDownloads({ reads: store.reads, content, processedDir: config.processedDir });
  return [
    defineRoute(
      {
        method: 'get',
        path: '/api/files/:id/download/:kind',
        operationId: 'downloadFile',
        summary: "Download a file's original or its processed document",
        description: DESCRIPTION,
        tag: 'files',
        scope: 'read',
        schemas: { params: downloadParams },
        responses: {
          200: { description: 'The whole file', schema: null, contentType: 'application/octet-stream' },
          206: { description: 'The requested range', schema: null, contentType: 'application/octet-stream' },
          404: {
            description: 'No such file (FILE_NOT_FOUND), or it has no such download (CONTENT_NOT_FOUND)',
            schema: errorResponse,
          },
        },
        errors: [404],
      },
      async ({ params }, _req, res) => {
        const file = await store.reads.files.get(params.id);
        if (file === null) throw new ApiError('FILE_NOT_FOUND', `No file with id ${params.id}.`);
        await send(res, await downloads.find(file, params.kind));
        return { handled: true };
      },
    ),
  ];
}

/** Streams the file with its headers; Range, conditional requests and HEAD are send's (through res.sendFile). */
function send(res: Response, download: Download): Promise<void> {
  res.attachment(download.name);
  if (download.contentType !== null) res.type(download.contentType);
  return new Promise((resolve, reject) => {
    res.sendFile(
      download.path,
      {
        // The path was checked to be inside the storage it belongs to; a hidden folder above it is the operator's.
        dotfiles: 'allow',
        cacheControl: false,
        headers: { 'Cache-Control': 'private, no-cache' },
      },
      (error?: Error) => {
        if (error === undefined || res.headersSent) resolve();
        else reject(refusal(error, download, res));
      },
    );
  });
}

/** send's refusals as the API's errors (sent as JSON, so not as an attachment); anything else stays a fault. */
function refusal(error: Error, download: Download, res: Response): Error {
  res.removeHeader('Content-Disposition');
  const status = 'status' in error ? error.status : null;
  if ('code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR'))
    return new ApiError('CONTENT_NOT_FOUND', `${download.name} was removed while it was being sent.`);
  if (status === 416) {
    // send has set Content-Range: bytes */<size>, which tells the client what it may ask for.
    const contentRange = String(res.getHeader('Content-Range') ?? '');
    return new ApiError(
      'RANGE_NOT_SATISFIABLE',
      `The Range asks for bytes ${download.name} does not have (${contentRange}).`,
      { contentRange },
      { 'Content-Range': contentRange },
    );
  }
  if (status === 412)
    return new ApiError(
      'PRECONDITION_FAILED',
      `${download.name} changed since the version the request names.`,
    );
  return error;
}
