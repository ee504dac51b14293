import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WORKFLOW_STEPS, type FileRecord } from '@steptrail/domain';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_DOCUMENT_LIMITS } from '../src/documents/limits/document-limits.js';
import { TesseractOcr } from '../src/documents/ocr.js';
import { readPdfInfo } from '../src/documents/embed-pdf-metadata.js';
import { testBackends } from './support/backends.js';
import { startFakeModel } from './support/fake-openai.js';
import { Harness, statuses } from './support/harness.js';
import {
  corruptPdf,
  plainText,
  renderedPage,
  scannedPdf,
  textPdf,
  zipArchive,
} from './support/test-documents.js';
import { uploadFile } from './support/uploads.js';

const ocrAvailability = await new TesseractOcr(
  { enabled: true, languages: 'eng' },
  DEFAULT_DOCUMENT_LIMITS,
).availability();

describe.each(testBackends())('the default pipeline on $name', (backend) => {
  let h: Harness;
  const destinations = () => JSON.stringify([{ name: 'archive', type: 'local', path: h.dirs.destination }]);
  const upload = (bytes: Uint8Array, name: string): Promise<FileRecord> =>
    uploadFile(h.tracker(), h.dirs.storage, bytes, name);
  const message = async (fileId: number, stepName: string) => (await h.steps(fileId))[stepName]?.status;
  const lastMessage = async (fileId: number, stepName: string) =>
    (await h.history(fileId, stepName)).filter((log) => log.status !== null).at(-1)?.message ?? null;

  beforeEach(async (context) => {
    if (backend.skipReason !== null) context.skip(backend.skipReason);
    h = await Harness.open(backend, `pipeline_${backend.name}`);
  });

  afterEach(async () => {
    if (h === undefined) return;
    const verification = await h.verifyAll();
    await h.close();
    expect(verification.problems).toEqual([]);
  });

  test('a text PDF goes through every step to completed, stamped, stored under a safe name and delivered', async () => {
    const file = await upload(await textPdf(), 'scan_0001.pdf');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(
      file.id,
      (d) =>
        d.status.status !== 'pending' && d.status.status !== 'processing' && d.summary.uploads.success > 0,
    );

    expect(detail.status.status).toBe('completed');
    const steps = await h.steps(file.id);
    for (const step of [...DEFAULT_WORKFLOW_STEPS, 'queue_archive', 'upload_to_archive'])
      expect(steps[step]?.status, step).toBe('success');
    expect(await readdir(h.dirs.processed)).toEqual(['Invoice-from-Acme-GmbH-2024-03-15.pdf']);
    expect(await readdir(h.dirs.destination)).toEqual(['Invoice-from-Acme-GmbH-2024-03-15.pdf']);
    const info = await readPdfInfo(
      await readFile(join(h.dirs.destination, 'Invoice-from-Acme-GmbH-2024-03-15.pdf')),
    );
    expect(info).toMatchObject({
      Title: 'Invoice from Acme GmbH 2024-03-15',
      Subject: 'Invoice from Acme GmbH',
      Keywords: 'invoice 2024',
      Author: 'Acme GmbH',
      DocumentType: 'Invoice',
      DocumentDate: '2024-03-15',
      SteptrailFileId: String(file.id),
      SHA256: file.filehash,
    });
    const notes = (await h.history(file.id, 'extract_metadata_with_gpt')).filter(
      (log) => log.status === null,
    );
    expect(notes.map((note) => note.message)).toEqual([
      'Extracting metadata with the rules-based extractor (no OPENAI_MODEL configured)',
    ]);
    expect(await lastMessage(file.id, 'check_text')).toMatch(
      /^Text layer found: \d+ characters on 2 page\(s\)$/,
    );
  });

  test(`a scanned PDF goes through OCR (${ocrAvailability.available ? 'Tesseract installed' : 'not installed: skipped with the reason'})`, async () => {
    const scan = await scannedPdf();
    const file = await upload(scan.bytes, 'scan.pdf');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(
      file.id,
      (d) => d.summary.uploads.success > 0 || d.status.status === 'failed',
    );

    expect(detail.status.status).toBe('completed');
    expect(await lastMessage(file.id, 'check_text')).toMatch(/OCR needed/);
    if (ocrAvailability.available && scan.hasRealText) {
      expect(statuses(await h.history(file.id, 'process_with_ocr'))).toEqual(['in_progress', 'success']);
      expect(await message(file.id, 'extract_text')).toBe('success');
      const [stored] = await readdir(h.dirs.destination);
      expect(stored).toBe('Invoice-from-Acme-GmbH-2024-03-15.pdf');
    } else {
      const reason = ocrAvailability.available ? 'the page had no text' : ocrAvailability.reason;
      expect(await message(file.id, 'process_with_ocr')).toBe('skipped');
      expect(await lastMessage(file.id, 'extract_text')).toContain(reason);
    }
  });

  test(`a PNG image is read by OCR (${ocrAvailability.available ? 'Tesseract installed' : 'not installed: skipped with the reason'})`, async () => {
    const page = await renderedPage();
    const file = await upload(page.bytes, 'photo.png');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(
      file.id,
      (d) => d.summary.uploads.success > 0 || d.status.status === 'failed',
    );

    expect(detail.status.status).toBe('completed');
    expect(await message(file.id, 'embed_metadata_into_pdf')).toBe('skipped');
    expect(await message(file.id, 'process_with_ocr')).toBe(
      ocrAvailability.available && page.hasRealText ? 'success' : 'skipped',
    );
    expect((await readdir(h.dirs.destination))[0]).toMatch(/\.png$/);
  });

  test('with OCR switched off, a scanned PDF still completes: OCR and text extraction are skipped with the reason', async () => {
    const file = await upload((await scannedPdf()).bytes, 'scan.pdf');
    await h.start({ DESTINATIONS: destinations(), OCR_ENABLED: 'false' });

    const detail = await h.waitFor(
      file.id,
      (d) => d.summary.uploads.success > 0 || d.status.status === 'failed',
    );

    expect(detail.status.status).toBe('completed');
    expect(statuses(await h.history(file.id, 'process_with_ocr'))).toEqual(['skipped']);
    expect(await lastMessage(file.id, 'process_with_ocr')).toBe(
      'No text layer, and OCR is not available: OCR is switched off (OCR_ENABLED=false)',
    );
    expect(await lastMessage(file.id, 'extract_text')).toBe(
      'No text layer, and OCR is not available: OCR is switched off (OCR_ENABLED=false)',
    );
    expect(await readdir(h.dirs.destination)).toEqual(['scan.pdf']);
  });

  test('a corrupt PDF fails create_file_record at once with the reason, and nothing after it runs', async () => {
    const file = await upload(corruptPdf(), 'broken.pdf');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(file.id);

    expect(detail.status.status).toBe('failed');
    const steps = await h.steps(file.id);
    expect(steps['create_file_record']).toMatchObject({ status: 'failure', attempts: 1 });
    expect(steps['create_file_record']?.errorMessage).toMatch(/^Not a readable PDF/);
    expect(steps['check_text']?.status).toBe('pending');
    expect(await readdir(h.dirs.root)).not.toContain('delivered');
  });

  test('a plain-text file completes; embedding PDF metadata is skipped with the reason', async () => {
    const file = await upload(plainText(), 'notes.txt');
    await h.start({ DESTINATIONS: destinations() });

    const detail = await h.waitFor(
      file.id,
      (d) => d.summary.uploads.success > 0 || d.status.status === 'failed',
    );

    expect(detail.status.status).toBe('completed');
    expect(await message(file.id, 'embed_metadata_into_pdf')).toBe('skipped');
    expect(await lastMessage(file.id, 'embed_metadata_into_pdf')).toBe(
      'Not a PDF (text/plain); there is no PDF metadata to write',
    );
    expect(await readdir(h.dirs.destination)).toEqual(['Contract-from-Jane-Doe-2024-05-02.txt']);
  });

  test('an unsupported type (a ZIP archive) fails permanently with the type named', async () => {
    const file = await upload(zipArchive(), 'archive.zip');
    await h.start();

    expect((await h.waitFor(file.id)).status.status).toBe('failed');
    expect((await h.steps(file.id))['create_file_record']).toMatchObject({
      status: 'failure',
      attempts: 1,
      errorMessage:
        'Unsupported file type application/zip: the pipeline processes PDFs, images and plain text.',
    });
  });

  test('a second upload of the same content is marked duplicate and its remaining steps are skipped with the reason', async () => {
    const bytes = await textPdf();
    const first = await upload(bytes, 'first.pdf');
    await h.start({ DESTINATIONS: destinations() });
    await h.waitFor(first.id, (d) => d.summary.uploads.success > 0);

    const second = await upload(bytes, 'second.pdf');
    await h.waitForStep(second.id, 'create_file_record', ['success', 'failure']);
    const detail = await h.waitFor(second.id);

    expect(detail.status.status).toBe('duplicate');
    expect(detail.file).toMatchObject({ isDuplicate: true, duplicateOfId: first.id });
    const steps = await h.steps(second.id);
    expect(steps['create_file_record']?.status).toBe('success');
    for (const step of DEFAULT_WORKFLOW_STEPS.slice(2)) {
      expect(steps[step]?.status, step).toBe('skipped');
      expect(await lastMessage(second.id, step)).toBe(
        `Duplicate of file ${first.id} (first.pdf): same SHA-256`,
      );
    }
    expect(await readdir(h.dirs.destination)).toHaveLength(1);
  });

  test('with a model configured, metadata comes from the chat-completions endpoint and the history says so', async () => {
    const model = await startFakeModel({
      status: 200,
      content: JSON.stringify({
        title: 'Acme services March',
        documentType: 'Invoice',
        correspondent: 'Acme GmbH',
        documentDate: '2024-03-15',
        tags: ['services', 'acme'],
        language: 'EN',
      }),
    });
    try {
      const file = await upload(await textPdf(), 'scan.pdf');
      await h.start({
        DESTINATIONS: destinations(),
        OPENAI_BASE_URL: model.baseUrl,
        OPENAI_MODEL: 'tiny-model',
        OPENAI_API_KEY: 'test-key',
      });

      await h.waitFor(file.id, (d) => d.summary.uploads.success > 0 || d.status.status === 'failed');

      expect(model.requests).toHaveLength(1);
      expect(model.requests[0]?.model).toBe('tiny-model');
      expect(model.requests[0]?.messages[1]?.content).toContain('Invoice No. 2024-0042');
      const notes = (await h.history(file.id, 'extract_metadata_with_gpt')).filter(
        (log) => log.status === null,
      );
      expect(notes[0]?.message).toBe(
        `Extracting metadata with OpenAI-compatible model tiny-model at ${model.baseUrl}`,
      );
      expect(await readdir(h.dirs.destination)).toEqual(['2024-03-15_Acme-GmbH_Acme-services-March.pdf']);
    } finally {
      await model.close();
    }
  });

  test('a model endpoint that refuses the key fails the metadata step at once', async () => {
    const model = await startFakeModel({ status: 401, content: 'Incorrect API key provided' });
    try {
      const file = await upload(await textPdf(), 'scan.pdf');
      await h.start({ OPENAI_BASE_URL: model.baseUrl, OPENAI_MODEL: 'tiny-model', OPENAI_API_KEY: 'wrong' });

      expect((await h.waitFor(file.id)).status.status).toBe('failed');
      const step = (await h.steps(file.id))['extract_metadata_with_gpt'];
      expect(step).toMatchObject({ status: 'failure', attempts: 1 });
      expect(step?.errorMessage).toMatch(/refused the request \(HTTP 401\)/);
    } finally {
      await model.close();
    }
  });
});
