import { decodeWorkflow, DEFAULT_WORKFLOW, type Workflow } from './workflow.js';
import { parseStepName } from './step-names.js';

/** The name of a workflow read from DocuElevate's per-file plan. */
export const PLAN_WORKFLOW_NAME = 'docuelevate-plan';
/** The step DocuElevate's status code puts before every plan's stages. */
const PLAN_FIRST_STEP = 'create_file_record';

/** A file's workflow, and why a plan it has could not be used (null when nothing was wrong). */
export interface FileWorkflow {
  workflow: Workflow;
  problem: string | null;
}

/**
 * The workflow of a file (docs/architecture.md#workflow-plans): steptrail's own snapshot (`files.workflow`) when it
 * has one; else DocuElevate's plan (`files.workflow_plan`, JSON `{"version": 1, "steps": [{"stages": [...]}, ...]}`)
 * as `create_file_record` followed by every stage of its steps in order, each once; else the default workflow. A
 * plan that cannot be read gives the default workflow and says why.
 */
export function fileWorkflow(stored: string | null, plan: string | null): FileWorkflow {
  if (stored !== null && stored !== '') return { workflow: decodeWorkflow(stored), problem: null };
  if (plan === null || plan.trim() === '') return { workflow: DEFAULT_WORKFLOW, problem: null };
  const steps = planSteps(plan);
  if (typeof steps === 'string')
    return {
      workflow: DEFAULT_WORKFLOW,
      problem: `files.workflow_plan cannot be read (${steps}); the default workflow applies.`,
    };
  return { workflow: { name: PLAN_WORKFLOW_NAME, steps }, problem: null };
}

/** The plan's step list, or what is wrong with it. */
function planSteps(plan: string): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plan);
  } catch {
    return 'not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'not a JSON object';
  const { version, steps } = parsed as Record<string, unknown>;
  if (version !== 1) return `version ${JSON.stringify(version)}, not 1`;
  if (!Array.isArray(steps)) return '"steps" is not a list';
  const names = [PLAN_FIRST_STEP];
  for (const [index, step] of steps.entries()) {
    const stages: unknown =
      typeof step === 'object' && step !== null ? (step as Record<string, unknown>).stages : undefined;
    if (!Array.isArray(stages)) return `steps[${index}] has no "stages" list`;
    for (const stage of stages) {
      if (!parseStepName(stage).ok) return `steps[${index}] has the stage ${JSON.stringify(stage)}`;
      if (!names.includes(stage as string)) names.push(stage as string);
    }
  }
  if (names.length === 1) return 'no stage';
  return names;
}
