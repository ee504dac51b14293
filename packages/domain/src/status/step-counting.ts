import type { FileRecord } from '../files/file-record.js';
import { domainError, type DomainError } from '../result.js';
import { OPTIONAL_MAIN_STEPS } from '../workflow/step-names.js';
import { classifierFor } from '../workflow/workflow.js';

/** Whether an event's step decides its file's status, and why not when it does not. */
export interface StepCounting {
  counts: boolean;
  /** Null exactly when `counts` is true. */
  reason: string | null;
}

/**
 * The answer every event carries, so that a step the status rule ignores is never ignored silently
 * (docs/architecture.md#never-silent). Which steps count is `classifierFor`'s rule, not restated here.
 */
export function stepCounting(
  file: Pick<FileRecord, 'id' | 'isDuplicate' | 'workflow'>,
  stepName: string,
): StepCounting {
  const { workflow } = file;
  if (!classifierFor(workflow).isReal(stepName)) {
    return {
      counts: false,
      reason:
        `Step "${stepName}" is not in workflow "${workflow.name}" (${workflow.steps.join(', ')}), not an ` +
        `optional main step (${OPTIONAL_MAIN_STEPS.join(', ')}) and not an upload step (queue_*, upload_to_*): ` +
        `it is stored and shown, but does not count toward the status of file ${file.id}.`,
    };
  }
  if (file.isDuplicate) {
    return {
      counts: false,
      reason: `File ${file.id} is marked as a duplicate: its status is duplicate whatever its steps do.`,
    };
  }
  return { counts: true, reason: null };
}

/**
 * A strict workflow refuses events for steps that would not count (docs/architecture.md#strict-workflows): the
 * refusal lists what it accepts. Null when the event may be applied.
 */
export function strictRefusal(
  file: Pick<FileRecord, 'id' | 'workflow'>,
  stepName: string,
): DomainError | null {
  const { workflow } = file;
  if (workflow.strict !== true || classifierFor(workflow).isReal(stepName)) return null;
  return domainError(
    'STEP_NOT_IN_WORKFLOW',
    `File ${file.id} follows strict workflow "${workflow.name}", whose steps are ${workflow.steps.join(', ')} ` +
      `(also accepted: ${OPTIONAL_MAIN_STEPS.join(', ')}, queue_*, upload_to_*); step "${stepName}" is none of ` +
      `them, so nothing was written.`,
    {
      workflow: workflow.name,
      steps: [...workflow.steps],
      optionalSteps: [...OPTIONAL_MAIN_STEPS],
      uploadSteps: ['queue_*', 'upload_to_*'],
    },
  );
}
