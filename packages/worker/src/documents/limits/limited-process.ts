import { spawn, type StdioOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { DocumentLimitError, type DocumentLimits } from './document-limits.js';

export interface LimitedRun {
  command: string;
  args: readonly string[];
  /** What the process does, as the failure message names it: "PDF parsing", "OCR (tesseract)". */
  what: string;
  limits: Pick<DocumentLimits, 'memoryMb' | 'timeoutMs'>;
  /** Aborting kills the process and rejects with the signal's reason. */
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
  /** Opens an IPC channel; the process's last message is returned. */
  ipc?: boolean;
}

export interface LimitedResult {
  code: number | null;
  /** The signal that ended the process when it was not this runner's. */
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The end of stderr, for a failure message. */
  stderr: string;
  /** The last IPC message, when `ipc` is set. */
  message: unknown;
  /** The highest resident memory seen, in MB (0 where /proc cannot be read). */
  peakMb: number;
}

/** How often the child's resident memory is read; a deflate bomb grows by a few hundred MB per second at most. */
const MEMORY_POLL_MS = 20;
const STDERR_KEPT = 4_000;

/**
 * Runs a process under the document limits (docs/architecture.md#document-limits): its resident memory is read
 * from /proc every few milliseconds and the process is killed past DOCUMENT_MEMORY_MB, as it is past
 * DOCUMENT_TIMEOUT_MS; either rejects with a DocumentLimitError naming the limit. Memory a library allocates
 * outside the JavaScript heap (inflated streams, image buffers, a C tool's bitmaps) counts, which worker threads'
 * resourceLimits would not see. Output on stdout beyond the memory limit counts as memory too.
 */
export function runLimited(run: LimitedRun): Promise<LimitedResult> {
  const { limits } = run;
  const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...(run.ipc === true ? ['ipc' as const] : [])];
  return new Promise<LimitedResult>((resolve, reject) => {
    run.signal?.throwIfAborted();
    const child = spawn(run.command, run.args, { stdio, env: run.env ?? {} });
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = '';
    let message: unknown = undefined;
    let peakMb = 0;
    let failure: Error | null = null;
    const kill = (error: Error) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const overLimit = (kind: 'memory' | 'time') => kill(new DocumentLimitError(kind, run.what, limits));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > limits.memoryMb * 1024 * 1024) overLimit('memory');
      else stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT);
    });
    child.on('message', (received) => (message = received));
    const watch = watchLimits(child.pid, limits, overLimit);
    const onAbort = () =>
      kill(run.signal?.reason instanceof Error ? run.signal.reason : new Error('aborted'));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      peakMb = watch.stop();
      run.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error) => {
      settle();
      reject(failure ?? error);
    });
    child.once('close', (code, signal) => {
      settle();
      if (failure !== null) reject(failure);
      else if (heapExhausted(stderr)) reject(new DocumentLimitError('memory', run.what, limits));
      else resolve({ code, signal, stdout, stderr, message, peakMb });
    });
  });
}

/**
 * Watches a process's resident memory and time until `stop()` (which returns the peak in MB); calls `overLimit`
 * once a limit is passed. The caller kills the process.
 */
export function watchLimits(
  pid: number | undefined,
  limits: Pick<DocumentLimits, 'memoryMb' | 'timeoutMs'>,
  overLimit: (kind: 'memory' | 'time') => void,
): { stop(): number } {
  let peakMb = 0;
  const timer = setTimeout(() => overLimit('time'), limits.timeoutMs);
  const poll = setInterval(() => {
    void residentMb(pid).then((mb) => {
      peakMb = Math.max(peakMb, mb);
      if (mb > limits.memoryMb) overLimit('memory');
    });
  }, MEMORY_POLL_MS);
  return {
    stop: () => {
      clearTimeout(timer);
      clearInterval(poll);
      return peakMb;
    },
  };
}

/** V8 aborts when its heap passes --max-old-space-size (set to the memory limit for Node children). */
export const heapExhausted = (stderr: string): boolean =>
  /JavaScript heap out of memory|Reached heap limit/.test(stderr);

/** VmRSS of a live process in MB; 0 when it is gone or /proc is not there (the time limit still applies). */
async function residentMb(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}
