import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORKFLOW,
  computeOverallStatus,
  computeStepSummary,
  stoppedSteps,
  type OverallStatus,
  type StepSnapshot,
} from '../src/index.js';
import { at, row, workflowOf } from './support/fixtures.js';

const scheduled = (stepName: string): StepSnapshot => ({ ...row(stepName, 'pending'), runAfter: at(0) });
const short = workflowOf('short', ['hash_file', 'extract_text', 'finalize_document_storage']);
const statusOf = (managed: boolean, steps: StepSnapshot[], workflow = short): OverallStatus =>
  computeOverallStatus({ isDuplicate: false, managed, workflow, steps }).status;

describe('the managed rule (docs/architecture.md#overall-status, #difference-managed-status)', () => {
  it.each<[string, StepSnapshot[], OverallStatus, OverallStatus]>([
    [
      'between two steps: one done, the next scheduled',
      [row('hash_file', 'success'), scheduled('extract_text'), row('finalize_document_storage', 'pending')],
      'processing',
      'pending',
    ],
    [
      'a skipped step counts as done',
      [row('hash_file', 'skipped'), scheduled('extract_text'), row('finalize_document_storage', 'pending')],
      'processing',
      'pending',
    ],
    [
      'a new upload whose first step waits for a worker is still pending',
      [scheduled('hash_file'), row('extract_text', 'pending'), row('finalize_document_storage', 'pending')],
      'pending',
      'pending',
    ],
    [
      'a step done but nothing scheduled (nobody will move it on) stays pending',
      [
        row('hash_file', 'success'),
        row('extract_text', 'pending'),
        row('finalize_document_storage', 'pending'),
      ],
      'pending',
      'pending',
    ],
    [
      'every step done is completed',
      [
        row('hash_file', 'success'),
        row('extract_text', 'success'),
        row('finalize_document_storage', 'success'),
      ],
      'completed',
      'completed',
    ],
    [
      'a failure still wins over a scheduled step',
      [
        row('hash_file', 'failure', 1),
        scheduled('extract_text'),
        row('finalize_document_storage', 'success'),
      ],
      'failed',
      'failed',
    ],
  ])('%s', (_case, steps, managed, external) => {
    expect(statusOf(true, steps)).toBe(managed);
    expect(statusOf(false, steps)).toBe(external);
  });

  it('uploads scheduled after the terminal step keep a managed file processing; DocuElevate says completed', () => {
    const steps = [
      ...DEFAULT_WORKFLOW.steps.map((name) => row(name, 'success')),
      row('queue_s3', 'success'),
      scheduled('upload_to_s3'),
    ];
    expect(statusOf(true, steps, DEFAULT_WORKFLOW)).toBe('processing');
    expect(statusOf(false, steps, DEFAULT_WORKFLOW)).toBe('completed');
  });
});

describe('stopped steps (docs/architecture.md#stopped-steps)', () => {
  const failedAtExtract = [
    row('hash_file', 'success'),
    row('extract_text', 'failure', 1),
    row('finalize_document_storage', 'pending'),
  ];

  it('names the failed step behind every pending step of a managed file it stopped', () => {
    const stopped = stoppedSteps({ managed: true, workflow: short, steps: failedAtExtract });
    expect([...stopped]).toEqual([['finalize_document_storage', 'extract_text']]);
  });

  it('stops nothing for a file of an external pipeline', () => {
    expect(stoppedSteps({ managed: false, workflow: short, steps: failedAtExtract }).size).toBe(0);
  });

  it('a failed upload stops only its own destination', () => {
    const steps = [
      ...DEFAULT_WORKFLOW.steps.map((name) => row(name, 'success')),
      row('queue_a', 'failure', 1),
      row('upload_to_a', 'pending'),
      row('queue_b', 'in_progress', 1),
      row('upload_to_b', 'pending'),
    ];
    const stopped = stoppedSteps({ managed: true, workflow: DEFAULT_WORKFLOW, steps });
    expect([...stopped]).toEqual([['upload_to_a', 'queue_a']]);
  });

  it('a step scheduled or waiting for its retry is not stopped', () => {
    const steps = [
      row('hash_file', 'failure', 1),
      scheduled('extract_text'),
      row('finalize_document_storage', 'pending', 2),
    ];
    expect(stoppedSteps({ managed: true, workflow: short, steps }).size).toBe(0);
  });

  it('the summary shows stopped steps apart from queued ones, for managed files only', () => {
    const managed = computeStepSummary({ managed: true, workflow: short, steps: failedAtExtract });
    expect(managed.main).toMatchObject({ queued: 0, stopped: 1, failure: 1, success: 1 });
    const external = computeStepSummary({ managed: false, workflow: short, steps: failedAtExtract });
    expect(external.main).toMatchObject({ queued: 1, stopped: 0 });
  });
});
