import { describe, expect, it } from 'vitest';
import {
  OPTIONAL_MAIN_STEPS,
  destinationOf,
  isQueueStep,
  isUploadStep,
  isUploadToStep,
  normalizeStepName,
  parseDestination,
  parseStepName,
  uploadStepNames,
} from '../src/index.js';

describe('step names', () => {
  it.each([
    ['process_with_azure_document_intelligence', 'process_with_ocr'],
    ['send_to_user_destinations', 'send_to_all_destinations'],
    ['send_to_all_destinations', 'send_to_all_destinations'],
    ['hash_file', 'hash_file'],
    ['upload_to_s3', 'upload_to_s3'],
  ])('the legacy alias %s is normalised to %s', (name, canonical) => {
    expect(normalizeStepName(name)).toBe(canonical);
  });

  it('the optional main steps are check_for_duplicates, process_with_ocr and compute_embedding', () => {
    expect([...OPTIONAL_MAIN_STEPS]).toEqual([
      'check_for_duplicates',
      'process_with_ocr',
      'compute_embedding',
    ]);
  });

  it.each([
    ['dropbox', { queue: 'queue_dropbox', upload: 'upload_to_dropbox' }],
    ['google-drive', { queue: 'queue_google-drive', upload: 'upload_to_google-drive' }],
  ])('the upload steps of destination %s are %o', (destination, names) => {
    expect(uploadStepNames(destination)).toEqual(names);
  });

  it.each([
    ['queue_dropbox', true, false, 'dropbox'],
    ['upload_to_s3', false, true, 's3'],
    ['queue_', false, false, null],
    ['upload_to_', false, false, null],
    ['upload_file', false, false, null],
    ['hash_file', false, false, null],
  ])('%s: queue step %s, upload_to step %s, destination %s', (name, queue, uploadTo, destination) => {
    expect(isQueueStep(name)).toBe(queue);
    expect(isUploadToStep(name)).toBe(uploadTo);
    expect(isUploadStep(name)).toBe(queue || uploadTo);
    expect(destinationOf(name)).toBe(destination);
  });

  it.each([['hash_file'], ['a'], ['step.v2'], ['x-1'], ['9lives'], ['a'.repeat(128)]])(
    'parseStepName accepts %s',
    (name) => {
      expect(parseStepName(name)).toEqual({ ok: true, value: name });
    },
  );

  it.each([[''], ['Hash'], ['_hidden'], ['has space'], ['a'.repeat(129)], [null], [7]])(
    'parseStepName rejects %j with INVALID_STEP_NAME and says what is allowed',
    (name) => {
      const result = parseStepName(name);
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'INVALID_STEP_NAME', details: { received: name } },
      });
      expect(result.ok ? '' : result.error.message).toMatch(/1 to 128 characters/);
    },
  );

  it.each([
    ['dropbox', true],
    ['s3-eu', true],
    ['a.b', false],
    ['Dropbox', false],
    ['', false],
    ['a'.repeat(65), false],
  ])('parseDestination(%j) is ok: %s', (destination, accepted) => {
    const result = parseDestination(destination);
    expect(result.ok).toBe(accepted);
    expect(result).toMatchObject(
      accepted ? { value: destination } : { error: { code: 'INVALID_STEP_NAME' } },
    );
  });
});
