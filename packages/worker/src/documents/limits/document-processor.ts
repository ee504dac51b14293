import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PermanentError } from '../../engine/permanent-error.js';
import type { EmbedRequest } from '../embed-pdf-metadata.js';
import { DocumentLimitError, type DocumentLimits } from './document-limits.js';
import type { DocumentReply, DocumentRequest, DocumentResults } from './document-request.js';
import { heapExhausted, watchLimits } from './limited-process.js';

const here = fileURLToPath(import.meta.url);
/** The entry point beside this file: document-process.js in dist, .ts when the worker runs from its sources. */
const ENTRY = join(dirname(here), `document-process${extname(here)}`);

/**
 * Node's own flags for a document process: a heap no larger than the memory limit and, when the worker runs from
 * its TypeScript sources (development and tests only), the repository's light TypeScript loader — tsx would
 * transform pdf.js itself, for seconds and hundreds of MB per process.
 */
function nodeFlags(memoryMb: number): string[] {
  const flags = [`--max-old-space-size=${memoryMb}`];
  if (ENTRY.endsWith('.ts')) {
    const loader = createRequire(import.meta.url).resolve('@steptrail/test-servers/ts-register');
    flags.push('--import', pathToFileURL(loader).href);
  }
  return flags;
}

const WHAT: Record<DocumentRequest['op'], string> = {
  'inspect-pdf': 'PDF parsing',
  'pdf-text': 'PDF text extraction',
  'embed-pdf-metadata': 'PDF rewriting (embedding metadata)',
};

/** An idle process that grew past this share of the memory limit is not kept: the next document starts lean. */
const KEEP_BELOW_SHARE = 0.5;
/** An idle process is ended after this long without work. */
const IDLE_MS = 30_000;

/**
 * Document work in child processes under the document limits (docs/architecture.md#document-limits): nothing a
 * document contains can take the worker's memory or block its event loop (or the API's, in the all-in-one
 * process). A process runs one request at a time and is kept for the next one (starting Node and pdf.js costs more
 * than most documents); one killed at a limit fails its step permanently with a message naming the limit.
 */
export class DocumentProcessor {
  private readonly idle: DocumentProcess[] = [];
  private closed = false;

  constructor(readonly limits: DocumentLimits) {}

  /** The page count of a PDF, its first and last page found in its page tree. */
  inspectPdf(path: string, signal?: AbortSignal): Promise<DocumentResults['inspect-pdf']> {
    return this.run({ op: 'inspect-pdf', path, maxPages: this.limits.maxPages }, signal);
  }

  /** Page count and meaningful characters of the text layer; the text itself goes to `textPath` when given. */
  pdfText(path: string, textPath: string | null, signal?: AbortSignal): Promise<DocumentResults['pdf-text']> {
    return this.run({ op: 'pdf-text', path, maxPages: this.limits.maxPages, textPath }, signal);
  }

  /** Writes a copy of the PDF with the metadata embedded to `outputPath`; `encrypted` when it must not be. */
  embedPdfMetadata(
    path: string,
    outputPath: string,
    embed: EmbedRequest,
    signal?: AbortSignal,
  ): Promise<DocumentResults['embed-pdf-metadata']> {
    return this.run({ op: 'embed-pdf-metadata', path, outputPath, embed }, signal);
  }

  /** Ends the idle processes; a running request's process ends with its request. */
  close(): void {
    this.closed = true;
    for (const process of this.idle.splice(0)) process.end();
  }

  private async run<R extends DocumentRequest>(
    request: R,
    signal: AbortSignal | undefined,
  ): Promise<DocumentResults[R['op']]> {
    signal?.throwIfAborted();
    let process = this.idle.pop();
    while (process !== undefined && !process.alive) process = this.idle.pop();
    process ??= new DocumentProcess(this.limits.memoryMb);
    const what = WHAT[request.op];
    const { reply, peakMb } = await process.request(request, what, this.limits, signal);
    if (!this.closed && peakMb < this.limits.memoryMb * KEEP_BELOW_SHARE) {
      this.idle.push(process);
      process.idleFor(IDLE_MS, () => {
        const index = this.idle.indexOf(process);
        if (index >= 0) this.idle.splice(index, 1);
      });
    } else process.end();
    if (!reply.ok) {
      if (reply.permanent) throw new PermanentError(reply.message);
      throw new Error(reply.message);
    }
    return reply.value as DocumentResults[R['op']];
  }
}

/** One document process: requests one at a time, watched while they run; unreferenced while idle. */
class DocumentProcess {
  private readonly child: ChildProcess;
  private stderr = '';
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(memoryMb: number) {
    this.child = spawn(process.execPath, [...nodeFlags(memoryMb), ENTRY], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: {},
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4_000);
    });
    // A process that fails to start answers its request with the error (below); no unhandled event.
    this.child.on('error', () => undefined);
  }

  request(
    request: DocumentRequest,
    what: string,
    limits: DocumentLimits,
    signal: AbortSignal | undefined,
  ): Promise<{ reply: DocumentReply; peakMb: number }> {
    this.ref();
    const id = this.nextId++;
    const child = this.child;
    return new Promise((resolve, reject) => {
      let failure: Error | null = null;
      const kill = (error: Error) => {
        failure ??= error;
        child.kill('SIGKILL');
      };
      const watch = watchLimits(child.pid, limits, (kind) =>
        kill(new DocumentLimitError(kind, what, limits)),
      );
      const onAbort = () => kill(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('error', onError);
        signal?.removeEventListener('abort', onAbort);
        return watch.stop();
      };
      const onMessage = (message: { id: number; reply: DocumentReply }) => {
        if (message.id !== id) return;
        resolve({ reply: message.reply, peakMb: settle() });
      };
      const onExit = (code: number | null, exitSignal: NodeJS.Signals | null) => {
        settle();
        if (failure !== null) return reject(failure);
        if (heapExhausted(this.stderr)) return reject(new DocumentLimitError('memory', what, limits));
        // Ended by something other than a limit (the kernel's OOM killer, an operator): may not recur.
        const end = exitSignal === null ? `exit code ${code}` : `signal ${exitSignal}`;
        reject(new Error(`${what} ended without an answer (${end}): ${lastLines(this.stderr)}`));
      };
      const onError = (error: Error) => {
        settle();
        reject(failure ?? error);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', onError);
      child.send({ id, request });
    });
  }

  get alive(): boolean {
    return this.child.connected && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Keeps the process for `ms` without keeping the worker alive, then ends it. */
  idleFor(ms: number, onEnd: () => void): void {
    this.child.unref();
    this.child.channel?.unref();
    this.idleTimer = setTimeout(() => {
      onEnd();
      this.end();
    }, ms);
    this.idleTimer.unref();
  }

  end(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.child.kill('SIGKILL');
  }

  private ref(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.child.ref();
    this.child.channel?.ref();
  }
}

const lastLines = (text: string): string =>
  text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-3)
    .join(' | ') || 'no output';
