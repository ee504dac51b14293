import { readdir } from 'node:fs/promises';
import type { FileRecord } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_DOCUMENT_LIMITS } from '../src/documents/limits/document-limits.js';
import { TesseractOcr } from '../src/documents/ocr.js';
import { testBackends } from './support/backends.js';
import { Harness } from './support/harness.js';
import {
  circularPagesPdf,
  damagedPng,
  deflateBombPdf,
  encryptedPdf,
  hugePng,
  lyingPageCountPdf,
  manyPagesPdf,
  truncatedPng,
} from './support/hostile-documents.js';
import { textPdf } from './support/test-documents.js';
import { uploadFile } from './support/uploads.js';

const ocrAvailability = await new TesseractOcr(
  { enabled: true, languages: 'eng' },
  DEFAULT_DOCUMENT_LIMITS,
).availability();

// Documents are the same on every database: SQLite is enough (docs/architecture.md#document-limits).
const sqlite = testBackends().find((backend) => backend.name === 'sqlite')!;

describe('hostile documents through the real pipeline', () => {
  let h: Harness;
  const upload = (bytes: Uint8Array, name: string): Promise<FileRecord> =>
    uploadFile(h.tracker(), h.dirs.storage, bytes, name);
  const destinations = () => JSON.stringify([{ name: 'archive', type: 'local', path: h.dirs.destination }]);

  /** Waits until the file settles and returns the steps that failed, with their rows. */
  async function failedSteps(fileId: number) {
    const detail = await h.waitFor(fileId);
    expect(detail.status.status).toBe('failed');
    return Object.values(await h.steps(fileId)).filter((step) => step.status === 'failure');
  }

  async function failedStep(fileId: number) {
    const failed = await failedSteps(fileId);
    expect(failed).toHaveLength(1);
    return failed[0]!;
  }

  /** The worker lives on: a good document uploaded after the hostile one still completes. */
  async function workerStillWorks(): Promise<void> {
    const good = await upload(await textPdf(['Still alive', `after ${Math.random()}`]), 'good.pdf');
    expect((await h.waitFor(good.id)).status.status).toBe('completed');
  }

  beforeEach(async () => {
    h = await Harness.open(sqlite, 'hostile_documents');
  });

  afterEach(async () => {
    const verification = await h.verifyAll();
    await h.close();
    expect(verification.problems).toEqual([]);
  });

  test('a deflate bomb fails check_text at once with the memory limit named, and the worker lives on', async () => {
    const file = await upload(await deflateBombPdf(1), 'bomb.pdf');
    await h.start({ DOCUMENT_MEMORY_MB: '320' });

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'check_text', attempts: 1 });
    expect(step.errorMessage).toBe(
      'PDF text extraction used more than 320 MB of memory — limit DOCUMENT_MEMORY_MB; the document was not processed.',
    );
    await workerStillWorks();
  });

  test('a circular page tree fails create_file_record at once, not as five transient attempts', async () => {
    const file = await upload(circularPagesPdf(), 'circular.pdf');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toMatch(/^Not a readable PDF: its page tree is circular \(.+\)\.$/);
  });

  test('a page count that the page tree does not hold fails create_file_record at once', async () => {
    const file = await upload(lyingPageCountPdf(), 'lying.pdf');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe('Not a readable PDF: it has no pages.');
  });

  test('an owner-password-only PDF opens without a password: its text is read and it completes, stored as uploaded', async () => {
    const file = await upload(encryptedPdf({ user: '', owner: 'owner-secret' }), 'statement.pdf');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(
      file.id,
      (d) => d.summary.uploads.success > 0 || d.status.status === 'failed',
    );

    expect(detail.status.status).toBe('completed');
    const steps = await h.steps(file.id);
    expect(steps['check_text']?.status).toBe('success');
    const history = await h.history(file.id, 'check_text');
    expect(history.at(-1)?.message).toMatch(/^Text layer found: \d+ characters on 1 page\(s\)$/);
    expect(steps['embed_metadata_into_pdf']?.status).toBe('skipped');
    expect((await h.history(file.id, 'embed_metadata_into_pdf')).at(-1)?.message).toBe(
      'The PDF is encrypted (it opens without a password, but an owner password protects it): its metadata is not rewritten, so the upload is stored as it is',
    );
    expect(await readdir(h.dirs.destination)).toHaveLength(1);
  });

  test('a PDF that needs a user password fails create_file_record at once, saying so', async () => {
    const file = await upload(encryptedPdf({ user: 'user-secret', owner: 'owner-secret' }), 'locked.pdf');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe(
      'Not a readable PDF: it is encrypted with a user password and cannot be opened without it.',
    );
  });

  test('a zero-byte upload fails create_file_record at once, saying it is empty', async () => {
    const file = await upload(new Uint8Array(0), 'empty.pdf');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe('The file is empty (0 bytes): there is no document to process.');
  });

  test('a 2,000-page PDF completes within the limits; above DOCUMENT_MAX_PAGES it fails at once naming the limit', async () => {
    const bytes = await manyPagesPdf(2_000);
    const file = await upload(bytes, 'report.pdf');
    const first = await h.start({ DOCUMENT_MEMORY_MB: '384' });

    expect((await h.waitFor(file.id)).status.status).toBe('completed');
    expect((await h.history(file.id, 'check_text')).at(-1)?.message).toMatch(/on 2000 page\(s\)$/);

    await first.stop();
    await h.start({ DOCUMENT_MAX_PAGES: '1000' });
    const second = await upload(await manyPagesPdf(1_001), 'longer.pdf');
    const step = await failedStep(second.id);
    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe(
      'The PDF has 1001 pages; at most 1000 are processed — limit DOCUMENT_MAX_PAGES.',
    );
  }, 240_000);

  test('an image whose header is cut off fails create_file_record at once', async () => {
    const file = await upload(truncatedPng(), 'photo.png');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe('Not a readable PNG image: its header is damaged or cut off.');
  });

  test('an image of 100,000 × 100,000 pixels fails create_file_record at once, before anything decodes it', async () => {
    const file = await upload(hugePng(100_000, 100_000), 'poster.png');
    await h.start();

    const step = await failedStep(file.id);

    expect(step).toMatchObject({ stepName: 'create_file_record', attempts: 1 });
    expect(step.errorMessage).toBe(
      'The PNG image is 100000 × 100000 pixels (10000.0 megapixels); at most 40 megapixels are processed — limit DOCUMENT_MAX_IMAGE_MEGAPIXELS.',
    );
  });

  test.skipIf(!ocrAvailability.available)(
    `an image with a sound header and a damaged body fails OCR at once with Tesseract's reason${ocrAvailability.available ? '' : ` (skipped: ${ocrAvailability.available ? '' : ocrAvailability.reason})`}`,
    async () => {
      const file = await upload(damagedPng(), 'damaged.png');
      await h.start();

      await h.waitForStep(file.id, 'extract_text', ['failure', 'success']);
      const failed = await failedSteps(file.id);

      expect(failed.map((step) => step.stepName).sort()).toEqual(['extract_text', 'process_with_ocr']);
      for (const step of failed) {
        expect(step.attempts, step.stepName).toBe(1);
        expect(step.errorMessage).toMatch(
          /^OCR \(tesseract\) could not read the document \(exit code \d+\): .+/,
        );
      }
    },
  );
});
