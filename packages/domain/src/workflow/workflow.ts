import { domainError, err, ok, type DomainError, type Result } from '../result.js';
import {
  DEFAULT_WORKFLOW_STEPS,
  OPTIONAL_MAIN_STEPS,
  TERMINAL_STEP,
  isUploadStep,
  normalizeStepName,
  parseStepName,
} from './step-names.js';

/** The ordered main steps a file goes through, snapshotted onto the file when it is created. */
export interface Workflow {
  name: string;
  steps: readonly string[];
  /** Events for steps that do not count toward the status are refused (docs/architecture.md#strict-workflows). */
  strict?: boolean;
}

export const DEFAULT_WORKFLOW_NAME = 'default';
export const DEFAULT_WORKFLOW: Workflow = Object.freeze({
  name: DEFAULT_WORKFLOW_NAME,
  steps: Object.freeze([...DEFAULT_WORKFLOW_STEPS]),
});

/** Validates a workflow definition: a name and at least one distinct, valid, non-upload step. */
export function defineWorkflow(
  name: string,
  steps: readonly string[],
  options: { strict?: boolean } = {},
): Result<Workflow, DomainError> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) {
    return err(
      domainError(
        'INVALID_WORKFLOW',
        `Invalid workflow name ${JSON.stringify(name)}: use 1 to 64 characters of a-z, 0-9, '_' or '-'.`,
      ),
    );
  }
  if (steps.length === 0) {
    return err(domainError('INVALID_WORKFLOW', `Workflow "${name}" has no steps; list at least one.`));
  }
  const seen = new Set<string>();
  for (const step of steps) {
    const parsed = parseStepName(step);
    if (!parsed.ok)
      return err(domainError('INVALID_WORKFLOW', `Workflow "${name}": ${parsed.error.message}`));
    if (isUploadStep(step)) {
      return err(
        domainError(
          'INVALID_WORKFLOW',
          `Workflow "${name}" lists "${step}": queue_* and upload_to_* steps are added per destination, not listed.`,
        ),
      );
    }
    if (seen.has(normalizeStepName(step))) {
      return err(domainError('INVALID_WORKFLOW', `Workflow "${name}" lists "${step}" twice.`));
    }
    seen.add(normalizeStepName(step));
  }
  const frozen = Object.freeze([...steps]);
  return ok(
    Object.freeze(options.strict === true ? { name, steps: frozen, strict: true } : { name, steps: frozen }),
  );
}

/** `send_to_all_destinations` when the workflow has it, otherwise its last step (normalised). */
export function terminalStepOf(workflow: Workflow): string {
  const normalized = workflow.steps.map(normalizeStepName);
  if (normalized.includes(TERMINAL_STEP)) return TERMINAL_STEP;
  return normalized[normalized.length - 1] ?? TERMINAL_STEP;
}

/**
 * Which step names decide a file's status: workflow steps, optional main steps, upload steps (the one definition;
 * docs/architecture.md#workflows).
 */
export interface StepClassifier {
  isReal(stepName: string): boolean;
  isTerminal(stepName: string): boolean;
  terminalStep: string;
}

export function classifierFor(workflow: Workflow): StepClassifier {
  const main = new Set<string>([...workflow.steps.map(normalizeStepName), ...OPTIONAL_MAIN_STEPS]);
  const terminalStep = terminalStepOf(workflow);
  return {
    terminalStep,
    isReal: (stepName) => isUploadStep(stepName) || main.has(normalizeStepName(stepName)),
    isTerminal: (stepName) => normalizeStepName(stepName) === terminalStep,
  };
}

/** The workflow step that follows `stepName`, or null when it is the last one or not a workflow step. */
export function nextWorkflowStep(workflow: Workflow, stepName: string): string | null {
  const target = normalizeStepName(stepName);
  const index = workflow.steps.findIndex((step) => normalizeStepName(step) === target);
  if (index < 0) return null;
  return workflow.steps[index + 1] ?? null;
}

/** Serialised form stored on the file row; `null` (legacy DocuElevate rows) reads as the default workflow. */
export function encodeWorkflow(workflow: Workflow): string {
  const { name, steps } = workflow;
  // Only a strict workflow says so: every other stored snapshot stays exactly as before.
  return JSON.stringify(workflow.strict === true ? { name, steps, strict: true } : { name, steps });
}

export function decodeWorkflow(stored: string | null): Workflow {
  if (stored === null || stored === '') return DEFAULT_WORKFLOW;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch (error) {
    throw new Error(`Stored workflow is not valid JSON: ${stored.slice(0, 200)}`, { cause: error });
  }
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    'name' in parsed &&
    'steps' in parsed &&
    typeof parsed.name === 'string' &&
    Array.isArray(parsed.steps) &&
    parsed.steps.every((step): step is string => typeof step === 'string')
  ) {
    const strict = 'strict' in parsed && parsed.strict === true;
    return strict
      ? { name: parsed.name, steps: parsed.steps, strict }
      : { name: parsed.name, steps: parsed.steps };
  }
  throw new Error(`Stored workflow is not a {name, steps} object: ${stored.slice(0, 200)}`);
}
