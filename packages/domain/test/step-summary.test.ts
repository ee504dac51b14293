import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKFLOW,
  computeStepSummary,
  type StatusBuckets,
  type StepSnapshot,
  type StepSummary,
  type Workflow,
} from '../src/index.js';
import { allDefaultSteps, row, workflowOf } from './support/fixtures.js';

const short = workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']);
const buckets = (values: Partial<StatusBuckets> = {}): StatusBuckets => ({
  queued: 0,
  in_progress: 0,
  success: 0,
  failure: 0,
  skipped: 0,
  stopped: 0,
  ...values,
});

describe('computeStepSummary (docs/architecture.md#step-summary)', () => {
  it.each<[string, StepSnapshot[], Workflow, StepSummary]>([
    [
      'pending steps are reported as queued',
      allDefaultSteps('pending'),
      DEFAULT_WORKFLOW,
      { main: buckets({ queued: 8 }), uploads: buckets(), totalMainSteps: 8, totalUploadTasks: 0 },
    ],
    [
      'each main status has its own bucket',
      [
        row('hash_file', 'success'),
        row('create_file_record', 'skipped'),
        row('check_text', 'failure'),
        row('extract_text', 'in_progress'),
        row('send_to_all_destinations', 'pending'),
      ],
      DEFAULT_WORKFLOW,
      {
        main: buckets({ success: 1, skipped: 1, failure: 1, in_progress: 1, queued: 1 }),
        uploads: buckets(),
        totalMainSteps: 5,
        totalUploadTasks: 0,
      },
    ],
    [
      'diagnostic steps are not counted',
      [
        row('hash_file', 'success'),
        row('poll_task', 'failure'),
        row('upload_file', 'success'),
        row('send_to_all_destinations', 'success'),
      ],
      DEFAULT_WORKFLOW,
      { main: buckets({ success: 2 }), uploads: buckets(), totalMainSteps: 2, totalUploadTasks: 0 },
    ],
    [
      'queue_* steps are not counted but upload_to_* steps are counted as uploads',
      [
        row('send_to_all_destinations', 'success'),
        row('queue_dropbox', 'success'),
        row('upload_to_dropbox', 'failure'),
        row('queue_s3', 'pending'),
        row('upload_to_s3', 'pending'),
      ],
      DEFAULT_WORKFLOW,
      {
        main: buckets({ success: 1 }),
        uploads: buckets({ failure: 1, queued: 1 }),
        totalMainSteps: 1,
        totalUploadTasks: 2,
      },
    ],
    [
      'one virtual queued main step stands for a terminal step that has no row yet',
      [row('hash_file', 'success'), row('create_file_record', 'in_progress')],
      DEFAULT_WORKFLOW,
      {
        main: buckets({ success: 1, in_progress: 1, queued: 1 }),
        uploads: buckets(),
        totalMainSteps: 3,
        totalUploadTasks: 0,
      },
    ],
    [
      'a file without step rows shows the virtual terminal step only',
      [],
      DEFAULT_WORKFLOW,
      { main: buckets({ queued: 1 }), uploads: buckets(), totalMainSteps: 1, totalUploadTasks: 0 },
    ],
    [
      'the legacy alias send_to_user_destinations is the terminal row, so no virtual step is added',
      [row('hash_file', 'success'), row('send_to_user_destinations', 'success')],
      DEFAULT_WORKFLOW,
      { main: buckets({ success: 2 }), uploads: buckets(), totalMainSteps: 2, totalUploadTasks: 0 },
    ],
    [
      'a workflow without send_to_all_destinations uses its last step as the terminal row',
      [row('hash_file', 'success'), row('finalize_document_storage', 'pending')],
      short,
      {
        main: buckets({ success: 1, queued: 1 }),
        uploads: buckets(),
        totalMainSteps: 2,
        totalUploadTasks: 0,
      },
    ],
    [
      'optional main steps count as main steps',
      [
        row('process_with_ocr', 'success'),
        row('compute_embedding', 'skipped'),
        row('send_to_all_destinations', 'pending'),
      ],
      DEFAULT_WORKFLOW,
      {
        main: buckets({ success: 1, skipped: 1, queued: 1 }),
        uploads: buckets(),
        totalMainSteps: 3,
        totalUploadTasks: 0,
      },
    ],
    [
      'a legacy status outside the five counts in the total but in no bucket',
      [row('hash_file', 'done'), row('send_to_all_destinations', 'success')],
      DEFAULT_WORKFLOW,
      { main: buckets({ success: 1 }), uploads: buckets(), totalMainSteps: 2, totalUploadTasks: 0 },
    ],
  ])('%s', (_rule, steps, workflow, expected) => {
    expect(computeStepSummary({ managed: false, workflow, steps })).toEqual(expected);
  });

  it('the totals are the sums of their known buckets plus the virtual terminal step', () => {
    const steps = [
      ...allDefaultSteps('success').slice(0, 5),
      row('upload_to_a', 'success'),
      row('upload_to_b', 'in_progress'),
      row('upload_to_c', 'skipped'),
      row('queue_a', 'success'),
    ];
    const summary = computeStepSummary({ managed: false, workflow: DEFAULT_WORKFLOW, steps });
    const sum = (values: StatusBuckets): number =>
      values.queued + values.in_progress + values.success + values.failure + values.skipped;
    expect(summary.totalMainSteps).toBe(6);
    expect(sum(summary.main)).toBe(summary.totalMainSteps);
    expect(summary.totalUploadTasks).toBe(3);
    expect(sum(summary.uploads)).toBe(summary.totalUploadTasks);
  });
});
