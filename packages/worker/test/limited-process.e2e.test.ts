import { describe, expect, test } from 'vitest';
import { DocumentLimitError } from '../src/documents/limits/document-limits.js';
import { runLimited } from '../src/documents/limits/limited-process.js';

// The process runner behind every piece of document work (docs/architecture.md#document-limits), on real processes.
describe('runLimited', () => {
  const limits = { memoryMb: 128, timeoutMs: 60_000 };

  test('a process that holds more memory than the limit outside the JavaScript heap is killed, naming the limit', async () => {
    // Buffers live outside V8's heap, where --max-old-space-size and worker resourceLimits do not look.
    const hog = 'const kept = []; for (;;) { kept.push(Buffer.alloc(16 * 1024 * 1024, 1)); }';
    const run = runLimited({ command: process.execPath, args: ['-e', hog], what: 'A test hog', limits });

    await expect(run).rejects.toBeInstanceOf(DocumentLimitError);
    await expect(run).rejects.toThrow(
      'A test hog used more than 128 MB of memory — limit DOCUMENT_MEMORY_MB; the document was not processed.',
    );
  });

  test('a process still running at the time limit is killed, naming the limit', async () => {
    const run = runLimited({
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 600_000)'],
      what: 'A sleeper',
      limits: { memoryMb: 128, timeoutMs: 1_000 },
    });

    await expect(run).rejects.toThrow(
      'A sleeper took longer than 1 s — limit DOCUMENT_TIMEOUT_MS; the document was not processed.',
    );
  });

  test('a process within the limits returns its output, exit code and last IPC message', async () => {
    const script = "process.stdout.write('out'); process.send({ answer: 42 }, () => process.exit(3));";
    const result = await runLimited({
      command: process.execPath,
      args: ['-e', script],
      what: 'A quick one',
      limits,
      ipc: true,
    });

    expect(result).toMatchObject({ code: 3, signal: null, stdout: 'out', message: { answer: 42 } });
    expect(result.peakMb).toBeLessThan(128);
  });

  test('aborting kills the process and rejects with the reason', async () => {
    const controller = new AbortController();
    const run = runLimited({
      command: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 600_000)'],
      what: 'A sleeper',
      limits,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('lease lost')), 200);

    await expect(run).rejects.toThrow('lease lost');
  });
});
