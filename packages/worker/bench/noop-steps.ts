import { defineWorkflow, type Workflow } from '@steptrail/domain';
import type { HandlerRegistry } from '../src/handlers/handler-registry.js';
import { success } from '../src/handlers/step-handler.js';

/** The benchmark's workflow: a chain of steps that do nothing, so only claiming and recording is measured. */
export const NOOP_STEPS = ['noop_1', 'noop_2', 'noop_3', 'noop_4', 'noop_5'] as const;

export const noopWorkflow = (): Workflow => {
  const defined = defineWorkflow('bench-noop', [...NOOP_STEPS]);
  if (!defined.ok) throw new Error(defined.error.message);
  return defined.value;
};

export function registerNoopSteps(registry: HandlerRegistry): void {
  for (const stepName of NOOP_STEPS) registry.register({ stepName, run: async () => success() });
}
