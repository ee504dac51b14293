import busboy from 'busboy';
import type { Request } from 'express';
import type { Problem } from '../errors/api-error.js';
import { stopOnRequestTimeout } from '../request-timeouts.js';
import type { ContentStore, IncomingBlob } from './content-store.js';

/** The body is not valid multipart/form-data, or did not arrive whole (as opposed to a storage failure). */
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

const FIELD_BYTES = 4096;

/**
 * Reads a multipart/form-data request: the part named `file` streams into the content store, text fields are
 * collected, and every problem is listed instead of stopping at the first. The whole body is consumed, so the client
 * always gets to read the answer. A body that ends early, breaks off, is malformed or is cut by the request timeout
 * rejects with MalformedMultipart (its cause a RequestTimedOut for the last) only after the temporary file is closed
 * and removed; the server waits for that before it answers a timed-out request (docs/architecture.md#slow-clients).
 */
export function readMultipart(
  req: Request,
  store: ContentStore,
  maxFileBytes: number,
): Promise<MultipartUpload> {
  return new Promise((resolve, reject) => {
    const problems: Problem[] = [];
    const fields = new Map<string, string>();
    let tooLarge = false;
    let file: Promise<UploadedFile | null> = Promise.resolve(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers and curl send UTF-8 file names; busboy's default (latin1) turns "März" into "MÃ¤rz".
        defParamCharset: 'utf8',
        // busboy reports 'limit' when a part reaches the limit, so a file of exactly maxFileBytes needs one more.
        limits: { fileSize: maxFileBytes + 1, files: 1, fields: 8, fieldSize: FIELD_BYTES, parts: 9 },
      });
    } catch (error) {
      reject(new MalformedMultipart(error));
      return;
    }
    let finished = false;
    let cleanedUp: Promise<void> | null = null;
    const fail = (error: unknown): Promise<void> => {
      if (finished) return cleanedUp ?? Promise.resolve();
      finished = true;
      stopWatching();
      req.unpipe(parser);
      // Destroying the parser destroys the open file stream, which ends the store's pipeline and its file.
      parser.destroy();
      req.resume();
      // A failed receive removed its own file; a failed discard is the store's fault, not the client's.
      cleanedUp = file.then((received) => received?.blob.discard()).catch(() => undefined);
      void cleanedUp.then(() => reject(new MalformedMultipart(error)));
      return cleanedUp;
    };
    const stopWatching = stopOnRequestTimeout(req, fail);
    parser.on('file', (name, stream, info) => {
      // Busboy emits errors on the part's stream (e.g. "Unexpected end of form"); unheard, they end the process.
      stream.on('error', () => undefined);
      // The parser still emits parts of a chunk it had read before it failed: nobody would remove their files.
      if (finished) {
        stream.resume();
        return;
      }
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
          message: `The field is longer than ${FIELD_BYTES} bytes.`,
        });
      fields.set(name, value);
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
    parser.on('error', (error) => void fail(error));
    // A client that goes away mid-body never lets the parser finish: stop waiting for it.
    req.once('close', () => {
      if (!req.complete) void fail(new Error('The connection closed before the body was complete.'));
    });
    req.on('error', (error) => void fail(error));
    parser.on('close', () => {
      if (finished) return;
      finished = true;
      stopWatching();
      file.then(
        (received) => resolve({ file: received, fields: Object.fromEntries(fields), problems, tooLarge }),
        reject,
      );
    });
    req.pipe(parser);
  });
}
