import busboy from 'busboy';
import type { Request } from 'express';
import type { Problem } from '../errors/api-error.js';
import type { ContentStore, IncomingBlob } from './content-store.js';

/** The body is not valid multipart/form-data (as opposed to a storage failure, which stays a fault). */
export class MalformedMultipart extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'MalformedMultipart';
  }
}

export interface UploadedFile {
  blob: IncomingBlob;
  filename: string;
  mimeType: string;
}

export interface MultipartUpload {
  file: UploadedFile | null;
  fields: Record<string, string>;
  problems: Problem[];
  /** The file part exceeded the size limit; its bytes were discarded. */
  tooLarge: boolean;
}

/**
 * Reads a multipart/form-data request: the part named `file` streams into the content store, text fields are
 * collected, and every problem is listed instead of stopping at the first. The whole body is consumed, so the client
 * always gets to read the answer.
 */
export function readMultipart(
  req: Request,
  store: ContentStore,
  maxFileBytes: number,
): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    const problems: Problem[] = [];
    const fields: Record<string, string> = {};
    let tooLarge = false;
    let file: Promise<UploadedFile | null> = Promise.resolve(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxFileBytes, files: 1, fields: 8, fieldSize: 4096, parts: 9 },
      });
    } catch (error) {
      reject(new MalformedMultipart(error));
      return;
    }
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        problems.push({
          path: `body.${name}`,
          code: 'unrecognized_key',
          message: `Unknown file field "${name}"; send the document as "file".`,
        });
        stream.resume();
        return;
      }
      stream.on('limit', () => {
        tooLarge = true;
      });
      file = store
        .receive(stream)
        .then((blob) => ({ blob, filename: info.filename ?? '', mimeType: info.mimeType }));
      // If storing fails, keep reading the part so the parser reaches 'close' and the failure is answered.
      file.catch(() => stream.resume());
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        problems.push({
          path: `body.${name}`,
          code: 'too_big',
          message: 'The field is longer than 4096 bytes.',
        });
      fields[name] = value;
    });
    parser.on('filesLimit', () =>
      problems.push({ path: 'body.file', code: 'too_big', message: 'Send exactly one file.' }),
    );
    parser.on('fieldsLimit', () =>
      problems.push({ path: 'body', code: 'too_big', message: 'Too many form fields.' }),
    );
    parser.on('partsLimit', () =>
      problems.push({ path: 'body', code: 'too_big', message: 'Too many form parts.' }),
    );
    parser.on('error', (error: unknown) => {
      void file.then(
        (received) => received?.blob.discard(),
        () => undefined,
      );
      reject(new MalformedMultipart(error));
    });
    parser.on('close', () => {
      file.then((received) => resolve({ file: received, fields, problems, tooLarge }), reject);
    });
    req.pipe(parser);
  });
}
