import { isUploadStep, isUploadToStep } from '../workflow/step-names.js';
import { classifierFor } from '../workflow/workflow.js';
import type { StatusInput } from './overall-status.js';
import { stoppedSteps } from './stopped-steps.js';

export interface StatusBuckets {
  queued: number;
  in_progress: number;
  success: number;
  failure: number;
  skipped: number;
  /** Pending steps a failure stopped (docs/architecture.md#stopped-steps); 0 for files of external pipelines. */
  stopped: number;
}

export interface StepSummary {
  main: StatusBuckets;
  uploads: StatusBuckets;
  totalMainSteps: number;
  totalUploadTasks: number;
}

const emptyBuckets = (): StatusBuckets => ({
  queued: 0,
  in_progress: 0,
  success: 0,
  failure: 0,
  skipped: 0,
  stopped: 0,
});

function bucketOf(status: string): keyof StatusBuckets | null {
  switch (status) {
    case 'pending':
      return 'queued';
    case 'in_progress':
    case 'success':
    case 'failure':
    case 'skipped':
      return status;
    default:
      return null;
  }
}

/** Step counts for dashboards (docs/architecture.md#step-summary): main steps and upload tasks, `pending` shown as `queued`. */
export function computeStepSummary({
  managed,
  workflow,
  steps,
}: Omit<StatusInput, 'isDuplicate'>): StepSummary {
  const classifier = classifierFor(workflow);
  const stopped = stoppedSteps({ managed, workflow, steps });
  const main = emptyBuckets();
  const uploads = emptyBuckets();
  let totalMainSteps = 0;
  let totalUploadTasks = 0;
  for (const step of steps) {
    if (!classifier.isReal(step.stepName)) continue;
    const bucket = stopped.has(step.stepName) ? 'stopped' : bucketOf(step.status);
    if (isUploadToStep(step.stepName)) {
      totalUploadTasks += 1;
      if (bucket !== null) uploads[bucket] += 1;
    } else if (!isUploadStep(step.stepName)) {
      totalMainSteps += 1;
      if (bucket !== null) main[bucket] += 1;
    }
  }
  if (!steps.some((step) => classifier.isTerminal(step.stepName))) {
    main.queued += 1;
    totalMainSteps += 1;
  }
  return { main, uploads, totalMainSteps, totalUploadTasks };
}
