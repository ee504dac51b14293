import { describe, expect, it } from 'vitest';
import { groupFailures } from '../src/insights/failure-triage.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
const row = (fileId: number, stepName: string, errorMessage: string | null, minute: number) => ({
  fileId,
  stepName,
  errorMessage,
  failedAt: at(minute),
});

describe('groupFailures', () => {
  it('groups by step and normalized error, biggest group first, with first and last seen and latest samples', () => {
    const groups = groupFailures(
      [
        row(1, 'extract_text', 'OCR answered 503', 1),
        row(2, 'extract_text', 'OCR answered 502', 5),
        row(3, 'extract_text', 'OCR answered 503', 3),
        row(4, 'hash_file', 'OCR answered 503', 2),
        row(5, 'send_to_all_destinations', 'Destination "s3" refused', 9),
      ],
      2,
    );
    expect(groups).toEqual([
      {
        stepName: 'extract_text',
        error: 'OCR answered <n>',
        example: 'OCR answered 502',
        count: 3,
        firstSeen: at(1),
        lastSeen: at(5),
        sampleFileIds: [2, 3],
      },
      {
        stepName: 'send_to_all_destinations',
        error: 'Destination <value> refused',
        example: 'Destination "s3" refused',
        count: 1,
        firstSeen: at(9),
        lastSeen: at(9),
        sampleFileIds: [5],
      },
      {
        stepName: 'hash_file',
        error: 'OCR answered <n>',
        example: 'OCR answered 503',
        count: 1,
        firstSeen: at(2),
        lastSeen: at(2),
        sampleFileIds: [4],
      },
    ]);
  });

  it('gives nothing for no failures, and no samples when none are asked for', () => {
    expect(groupFailures([], 5)).toEqual([]);
    expect(groupFailures([row(1, 'hash_file', null, 1)], 0)[0]).toMatchObject({
      error: '(no message)',
      sampleFileIds: [],
    });
  });
});
