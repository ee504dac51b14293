import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, sep } from 'node:path';
import {
  STORAGE_STEP,
  processedDocumentCandidates,
  type FileRecord,
  type Repositories,
} from '@steptrail/domain';
import type { DownloadKind } from '@steptrail/api-schema/download.schemas.js';
import { ApiError } from '../errors/api-error.js';
import type { ContentStore } from '../uploads/content-store.js';

/** A file on disk ready to be sent: where it is, the name to offer, and its media type when known. */
export interface Download {
  path: string;
  name: string;
  /** Null: the media type follows from the name's extension. */
  contentType: string | null;
}

// type/subtype of RFC 9110 tokens; anything else in files.mime_type (another program wrote it) is not sent.
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Finds what a download serves (docs/architecture.md#downloads). Only two places are ever read: the content store
 * (an original lives under its SHA-256) and PROCESSED_DIR (the path the storage step recorded, or DocuElevate's
 * `files.processed_file_path`, which must resolve inside it), so no value in the database can make the API send
 * another file.
 */
export class FileDownloads {
  constructor(private readonly deps: { reads: Repositories; content: ContentStore; processedDir: string }) {}

  async find(file: FileRecord, kind: DownloadKind): Promise<Download> {
    return kind === 'original' ? this.original(file) : this.processed(file);
  }

  private async original(file: FileRecord): Promise<Download> {
    const path = /^[0-9a-f]{64}$/.test(file.filehash)
      ? await regularFileWithin(this.deps.content.root, this.deps.content.pathFor(file.filehash))
      : null;
    if (path === null) {
      throw missing(
        file.id,
        'original',
        `File ${file.id}'s original is not in this API's storage (STORAGE_DIR): only uploads to POST /api/files are ` +
          'stored here, and a file an external pipeline registered keeps its content where that pipeline put it.',
      );
    }
    const name = file.originalFilename?.trim() || `file-${file.id}`;
    const declared = file.mimeType?.trim() ?? '';
    const contentType = MEDIA_TYPE.test(declared)
      ? declared
      : extname(name) === ''
        ? 'application/octet-stream'
        : null;
    return { path, name, contentType };
  }

  private async processed(file: FileRecord): Promise<Download> {
    const candidates = processedDocumentCandidates(
      await this.deps.reads.logs.listForStep(file.id, STORAGE_STEP),
      await this.deps.reads.files.processedFilePath(file.id),
    );
    const [first] = candidates;
    if (first === undefined) {
      throw missing(
        file.id,
        'processed',
        `File ${file.id} has no processed document: ${STORAGE_STEP} has not stored one for it (yet), and ` +
          'files.processed_file_path names none.',
      );
    }
    for (const document of candidates) {
      const path = isAbsolute(document.path)
        ? await regularFileWithin(this.deps.processedDir, document.path)
        : null;
      if (path !== null) return { path, name: document.name, contentType: null };
    }
    throw missing(
      file.id,
      'processed',
      `File ${file.id}'s processed document ${JSON.stringify(first.name)} is not in this API's PROCESSED_DIR: it ` +
        'was moved or removed after it was stored, or it was stored elsewhere.',
    );
  }
}

const missing = (fileId: number, kind: DownloadKind, message: string): ApiError =>
  new ApiError('CONTENT_NOT_FOUND', message, { fileId, kind });

/** `path` resolved through symlinks when it is a regular file inside `dir`; null otherwise. */
async function regularFileWithin(dir: string, path: string): Promise<string | null> {
  try {
    const [root, real] = await Promise.all([realpath(dir), realpath(path)]);
    const inside = relative(root, real);
    if (inside === '' || isAbsolute(inside) || inside.split(sep)[0] === '..') return null;
    return (await stat(real)).isFile() ? real : null;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

const isMissing = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  (error.code === 'ENOENT' || error.code === 'ENOTDIR');
