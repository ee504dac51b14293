import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKFLOW,
  computeOverallStatus,
  type OverallStatusResult,
  type StepSnapshot,
  type Workflow,
} from '../src/index.js';
import { allDefaultSteps, row, workflowOf } from './support/fixtures.js';

const short = workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']);
const overall = (steps: StepSnapshot[], workflow: Workflow = DEFAULT_WORKFLOW, isDuplicate = false) =>
  computeOverallStatus({ isDuplicate, managed: false, workflow, steps });

describe('computeOverallStatus: which steps count (docs/architecture.md#workflows)', () => {
  it.each<[string, StepSnapshot[], Workflow, Partial<OverallStatusResult>]>([
    [
      'diagnostic steps are ignored: a failed poll_task does not fail a completed file',
      [...allDefaultSteps('success'), row('poll_task', 'failure'), row('upload_file', 'in_progress', 1)],
      DEFAULT_WORKFLOW,
      { status: 'completed', totalSteps: 8, failedSteps: 0, inProgressSteps: 0 },
    ],
    [
      'queue_* steps count in the status: a failed queue step fails the file',
      [...allDefaultSteps('success'), row('queue_dropbox', 'failure')],
      DEFAULT_WORKFLOW,
      { status: 'failed', hasErrors: true, totalSteps: 9, failedSteps: 1 },
    ],
    [
      'queue_* steps count in the status: a running queue step keeps the file processing',
      [
        ...allDefaultSteps('success'),
        row('queue_dropbox', 'in_progress', 1),
        row('upload_to_dropbox', 'pending'),
      ],
      DEFAULT_WORKFLOW,
      { status: 'processing', totalSteps: 10, inProgressSteps: 1 },
    ],
    [
      'upload_to_* steps count in the status',
      [...allDefaultSteps('success'), row('upload_to_s3', 'failure', 3)],
      DEFAULT_WORKFLOW,
      { status: 'failed', totalSteps: 9, failedSteps: 1 },
    ],
    [
      'the optional main steps count in the status even when the workflow does not list them',
      [
        row('hash_file', 'success'),
        row('process_with_ocr', 'failure'),
        row('compute_embedding', 'success'),
        row('check_for_duplicates', 'success'),
      ],
      DEFAULT_WORKFLOW,
      { status: 'failed', totalSteps: 4, completedSteps: 3, failedSteps: 1 },
    ],
    [
      'a workflow without send_to_all_destinations completes on its last step',
      [
        row('hash_file', 'success'),
        row('extract_text', 'success'),
        row('finalize_document_storage', 'success'),
      ],
      short,
      { status: 'completed', totalSteps: 3, completedSteps: 3 },
    ],
    [
      'a workflow without send_to_all_destinations completes when its last step succeeds with intermediates pending',
      [
        row('hash_file', 'success'),
        row('extract_text', 'pending'),
        row('finalize_document_storage', 'success'),
      ],
      short,
      { status: 'completed', totalSteps: 3, completedSteps: 2 },
    ],
    [
      'send_to_all_destinations is not a real step of a workflow without it',
      [row('hash_file', 'success'), row('send_to_all_destinations', 'success')],
      short,
      { status: 'pending', totalSteps: 1, completedSteps: 1 },
    ],
    [
      'two aliased rows count twice, as in DocuElevate',
      [row('send_to_user_destinations', 'success'), row('send_to_all_destinations', 'success')],
      DEFAULT_WORKFLOW,
      { status: 'completed', totalSteps: 2, completedSteps: 2 },
    ],
    [
      'an aliased OCR row is real and counts next to its canonical row',
      [row('process_with_azure_document_intelligence', 'failure'), row('process_with_ocr', 'success')],
      DEFAULT_WORKFLOW,
      { status: 'failed', totalSteps: 2, completedSteps: 1, failedSteps: 1 },
    ],
  ])('%s', (_rule, steps, workflow, expected) => {
    expect(overall(steps, workflow)).toMatchObject(expected);
  });
});
