import { describe, expect, it } from 'vitest';
import { normalizeErrorMessage } from '../src/insights/error-normalization.js';

describe('normalizeErrorMessage', () => {
  it.each([
    ['OCR endpoint answered 503 after 30s', 'OCR endpoint answered <n> after <n>'],
    ['File 1234 not found', 'File <n> not found'],
    ["Destination 'archive-2' refused the upload", 'Destination <value> refused the upload'],
    ['Key "invoices/2024.pdf" exists', 'Key <value> exists'],
    ['No such file: /data/processed/2024/invoice.pdf', 'No such file: <path>'],
    ['Cannot open C:\\data\\in\\a.pdf', 'Cannot open <path>'],
    ['GET https://ocr.example.com/v1/jobs/77 failed', 'GET <url> failed'],
    ['Task 0b6f3c1e-9d2a-4c4e-8f1a-2b3c4d5e6f70 lost', 'Task <uuid> lost'],
    ['Hash mismatch: 9f86d081884c7d659a2feaa0c55ad015 != 0xdeadbeef', 'Hash mismatch: <hex> != <hex>'],
    ['Out of memory (512MB) at 0.75 load', 'Out of memory (<n>) at <n> load'],
    ['  spaces\n\tand   tabs  ', 'spaces and tabs'],
    ['decode error', 'decode error'],
  ])('%j becomes %j', (message, normalized) => {
    expect(normalizeErrorMessage(message)).toBe(normalized);
  });

  it('keeps words that merely look like hex (a word without a digit) and names with digits inside words', () => {
    expect(normalizeErrorMessage('deadbeefcafe failed in s3 bucket')).toBe(
      'deadbeefcafe failed in s3 bucket',
    );
  });

  it('gives messages that differ only in their particulars the same text', () => {
    const a = normalizeErrorMessage('Upload of file 17 to /mnt/a/b timed out after 30s');
    const b = normalizeErrorMessage('Upload of file 9120 to /srv/x/y/z timed out after 5s');
    expect(a).toBe(b);
  });

  it('names a missing or empty message, and cuts very long ones', () => {
    expect(normalizeErrorMessage(null)).toBe('(no message)');
    expect(normalizeErrorMessage('  ')).toBe('(no message)');
    expect(normalizeErrorMessage('word '.repeat(200))).toHaveLength(301);
  });
});
