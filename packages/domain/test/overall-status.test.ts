import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKFLOW,
  computeOverallStatus,
  type OverallStatusResult,
  type StepSnapshot,
  type Workflow,
} from '../src/index.js';
import { allDefaultSteps, row } from './support/fixtures.js';

const overall = (steps: StepSnapshot[], workflow: Workflow = DEFAULT_WORKFLOW, isDuplicate = false) =>
  computeOverallStatus({ isDuplicate, managed: false, workflow, steps });

type Counts = Omit<OverallStatusResult, 'status' | 'hasErrors'>;
const counts = (
  totalSteps: number,
  completedSteps = 0,
  failedSteps = 0,
  inProgressSteps = 0,
  skippedSteps = 0,
): Counts => ({
  totalSteps,
  completedSteps,
  failedSteps,
  inProgressSteps,
  skippedSteps,
});

describe('computeOverallStatus (docs/architecture.md#overall-status)', () => {
  it.each<[string, StepSnapshot[], Workflow, boolean, OverallStatusResult]>([
    [
      '1. a file marked duplicate is duplicate with all counts 0, whatever its steps say',
      [row('hash_file', 'failure'), row('check_text', 'in_progress')],
      DEFAULT_WORKFLOW,
      true,
      { status: 'duplicate', hasErrors: false, ...counts(0) },
    ],
    [
      '2. a file without step rows is pending',
      [],
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(0) },
    ],
    [
      '2. a file with only diagnostic steps is pending with all counts 0',
      [row('poll_task', 'failure'), row('upload_file', 'success')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(0) },
    ],
    [
      '3. any failed real step makes the file failed with hasErrors, even while another runs',
      [row('hash_file', 'success'), row('check_text', 'failure', 1), row('extract_text', 'in_progress', 1)],
      DEFAULT_WORKFLOW,
      false,
      { status: 'failed', hasErrors: true, ...counts(3, 1, 1, 1) },
    ],
    [
      '3. a failed terminal step still makes the file failed',
      [...allDefaultSteps('success').slice(0, 7), row('send_to_all_destinations', 'failure')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'failed', hasErrors: true, ...counts(8, 7, 1) },
    ],
    [
      '4. a step in progress makes the file processing',
      [
        row('hash_file', 'success'),
        row('create_file_record', 'in_progress', 1),
        row('check_text', 'pending'),
      ],
      DEFAULT_WORKFLOW,
      false,
      { status: 'processing', hasErrors: false, ...counts(3, 1, 0, 1) },
    ],
    [
      '4. a pending step that was already attempted (waiting for a retry) makes the file processing',
      [row('hash_file', 'success'), row('create_file_record', 'pending', 1)],
      DEFAULT_WORKFLOW,
      false,
      { status: 'processing', hasErrors: false, ...counts(2, 1) },
    ],
    [
      '5. all real steps success or skipped with the terminal step among them is completed',
      [
        ...allDefaultSteps('success').slice(0, 6),
        row('finalize_document_storage', 'skipped'),
        row('send_to_all_destinations', 'success'),
      ],
      DEFAULT_WORKFLOW,
      false,
      { status: 'completed', hasErrors: false, ...counts(8, 7, 0, 0, 1) },
    ],
    [
      '5. a skipped terminal step completes a file whose other steps succeeded',
      [row('hash_file', 'success'), row('send_to_all_destinations', 'skipped')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'completed', hasErrors: false, ...counts(2, 1, 0, 0, 1) },
    ],
    [
      '5. all real steps resolved but no terminal step row yet is still pending',
      [row('hash_file', 'success'), row('create_file_record', 'skipped')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(2, 1, 0, 0, 1) },
    ],
    [
      '6. a successful terminal step completes the file even with pending intermediates',
      [
        row('hash_file', 'success'),
        row('embed_metadata_into_pdf', 'pending'),
        row('send_to_all_destinations', 'success'),
      ],
      DEFAULT_WORKFLOW,
      false,
      { status: 'completed', hasErrors: false, ...counts(3, 2) },
    ],
    [
      '6. the legacy alias send_to_user_destinations counts as the terminal step',
      [
        row('hash_file', 'success'),
        row('check_text', 'pending'),
        row('send_to_user_destinations', 'success'),
      ],
      DEFAULT_WORKFLOW,
      false,
      { status: 'completed', hasErrors: false, ...counts(3, 2) },
    ],
    [
      '6. a skipped terminal step with pending intermediates does not complete the file',
      [row('hash_file', 'success'), row('check_text', 'pending'), row('send_to_all_destinations', 'skipped')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(3, 1, 0, 0, 1) },
    ],
    [
      '7. untouched pending steps leave the file pending',
      allDefaultSteps('pending'),
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(8) },
    ],
    [
      '7. a legacy status outside the five is counted in the total but resolves nothing',
      [row('hash_file', 'success'), row('send_to_all_destinations', 'COMPLETED')],
      DEFAULT_WORKFLOW,
      false,
      { status: 'pending', hasErrors: false, ...counts(2, 1) },
    ],
  ])('%s', (_rule, steps, workflow, isDuplicate, expected) => {
    expect(overall(steps, workflow, isDuplicate)).toEqual(expected);
  });

  it.each([
    ['duplicate', [row('hash_file', 'success')], true],
    ['no real steps', [row('poll_task', 'success')], false],
    ['failed', [row('hash_file', 'failure')], false],
    ['processing', [row('hash_file', 'in_progress')], false],
    ['completed', allDefaultSteps('success'), false],
    ['pending', allDefaultSteps('pending'), false],
  ])('the result always has every key (%s)', (_case, steps, isDuplicate) => {
    expect(Object.keys(overall(steps, DEFAULT_WORKFLOW, isDuplicate)).sort()).toEqual([
      'completedSteps',
      'failedSteps',
      'hasErrors',
      'inProgressSteps',
      'skippedSteps',
      'status',
      'totalSteps',
    ]);
  });
});
