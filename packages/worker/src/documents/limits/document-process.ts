import { isPermanentError } from '../../engine/permanent-error.js';
import { embedPdfMetadata } from '../embed-pdf-metadata.js';
import { inspectPdf, readPdfText } from '../pdf-text.js';
import type { DocumentReply, DocumentRequest } from './document-request.js';

// The entry point of a document process (docs/architecture.md#document-limits): requests over IPC, one at a time,
// each answered with its id. The worker watches this process's memory and time while a request runs and kills it
// past its limits; an idle process it keeps for the next request, and it exits when the worker goes.

async function handle(request: DocumentRequest): Promise<DocumentReply> {
  try {
    switch (request.op) {
      case 'inspect-pdf':
        return { ok: true, value: await inspectPdf(request.path, request.maxPages) };
      case 'pdf-text':
        return { ok: true, value: await readPdfText(request.path, request.maxPages, request.textPath) };
      case 'embed-pdf-metadata':
        return { ok: true, value: await embedPdfMetadata(request.path, request.outputPath, request.embed) };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A library's error on given bytes recurs on every try; a file-system error (EIO, EMFILE) may not.
    const systemError = typeof error === 'object' && error !== null && 'syscall' in error;
    return { ok: false, permanent: isPermanentError(error) || !systemError, message };
  }
}

process.on('message', (message: { id: number; request: DocumentRequest }) => {
  void handle(message.request).then((reply) => process.send?.({ id: message.id, reply }));
});
process.on('disconnect', () => process.exit(0));
