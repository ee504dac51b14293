import {
  isQueueStep,
  isUploadToStep,
  normalizeStepName,
  QUEUE_PREFIX,
  UPLOAD_PREFIX,
} from '../workflow/step-names.js';
import { terminalStepOf, type Workflow } from '../workflow/workflow.js';
import type { StatusInput, StepSnapshot } from './overall-status.js';

/**
 * The step that must finish before steptrail's worker schedules this one: the previous workflow step, a destination's
 * `queue_*` for its `upload_to_*`, the terminal step for every `queue_*`; null for a step nothing schedules.
 */
function predecessorOf(workflow: Workflow, stepName: string): string | null {
  const name = normalizeStepName(stepName);
  if (isUploadToStep(name)) return `${QUEUE_PREFIX}${name.slice(UPLOAD_PREFIX.length)}`;
  if (isQueueStep(name)) return terminalStepOf(workflow);
  const index = workflow.steps.indexOf(name);
  return index > 0 ? (workflow.steps[index - 1] ?? null) : null;
}

const waiting = (step: StepSnapshot): boolean =>
  step.status === 'pending' && step.attempts === 0 && (step.runAfter ?? null) === null;

/**
 * The steps of a managed file that a failure stopped (docs/architecture.md#stopped-steps): never run nor scheduled,
 * behind a failed step or behind a step stopped itself, so nothing will ever schedule them. Maps each to the failed
 * step that stopped it. Always empty for a file an external pipeline reports on (DocuElevate's rule shows those as
 * `pending`, and steptrail cannot know what that pipeline will still run).
 */
export function stoppedSteps({
  managed,
  workflow,
  steps,
}: Omit<StatusInput, 'isDuplicate'>): Map<string, string> {
  const stopped = new Map<string, string>();
  if (!managed) return stopped;
  const byName = new Map(steps.map((step) => [normalizeStepName(step.stepName), step]));
  const cause = (stepName: string, seen: Set<string>): string | null => {
    const step = byName.get(stepName);
    if (step === undefined) return null;
    if (step.status === 'failure') return stepName;
    if (!waiting(step) || seen.has(stepName)) return null;
    seen.add(stepName);
    const before = predecessorOf(workflow, stepName);
    return before === null ? null : cause(before, seen);
  };
  for (const step of steps) {
    if (!waiting(step)) continue;
    const before = predecessorOf(workflow, step.stepName);
    const failed = before === null ? null : cause(before, new Set([normalizeStepName(step.stepName)]));
    if (failed !== null) stopped.set(step.stepName, failed);
  }
  return stopped;
}
