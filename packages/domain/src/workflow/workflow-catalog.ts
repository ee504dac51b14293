import { domainError, err, ok, type DomainError, type Result } from '../result.js';
import { DEFAULT_WORKFLOW, DEFAULT_WORKFLOW_NAME, defineWorkflow, type Workflow } from './workflow.js';

/** A profile: its steps, or its steps and whether it is strict (docs/architecture.md#strict-workflows). */
export type WorkflowDefinition =
  readonly string[] | { steps: readonly string[]; strict?: boolean | undefined };

const isStepList = (definition: WorkflowDefinition): definition is readonly string[] =>
  Array.isArray(definition);

/** Named workflow profiles; a file snapshots the profile it was created with. */
export class WorkflowCatalog {
  private readonly profiles: ReadonlyMap<string, Workflow>;
  readonly defaultName: string;

  private constructor(profiles: Map<string, Workflow>, defaultName: string) {
    this.profiles = profiles;
    this.defaultName = defaultName;
  }

  /**
   * Builds a catalog from `{name: steps}` or `{name: {steps, strict}}`; the built-in default is present unless
   * overridden.
   */
  static create(
    definitions: Readonly<Record<string, WorkflowDefinition>> = {},
    defaultName: string = DEFAULT_WORKFLOW_NAME,
  ): Result<WorkflowCatalog, DomainError> {
    const profiles = new Map<string, Workflow>([[DEFAULT_WORKFLOW_NAME, DEFAULT_WORKFLOW]]);
    for (const [name, definition] of Object.entries(definitions)) {
      const workflow = isStepList(definition)
        ? defineWorkflow(name, definition)
        : defineWorkflow(name, definition.steps, { strict: definition.strict === true });
      if (!workflow.ok) return workflow;
      profiles.set(name, workflow.value);
    }
    if (!profiles.has(defaultName)) {
      return err(
        domainError('UNKNOWN_WORKFLOW', `Default workflow "${defaultName}" is not defined.`, {
          known: [...profiles.keys()],
        }),
      );
    }
    return ok(new WorkflowCatalog(profiles, defaultName));
  }

  static defaults(): WorkflowCatalog {
    return new WorkflowCatalog(new Map([[DEFAULT_WORKFLOW_NAME, DEFAULT_WORKFLOW]]), DEFAULT_WORKFLOW_NAME);
  }

  names(): string[] {
    return [...this.profiles.keys()];
  }

  /** The named profile (the default when name is omitted), or UNKNOWN_WORKFLOW listing the known names. */
  resolve(name?: string | null): Result<Workflow, DomainError> {
    const wanted = name ?? this.defaultName;
    const workflow = this.profiles.get(wanted);
    if (workflow !== undefined) return ok(workflow);
    return err(
      domainError(
        'UNKNOWN_WORKFLOW',
        `Unknown workflow "${wanted}"; known workflows: ${this.names().join(', ')}.`,
        {
          received: wanted,
          known: this.names(),
        },
      ),
    );
  }
}
