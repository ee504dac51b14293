import { parseStepName } from '@steptrail/domain';
import type { StepContext, StepHandler, StepResult } from './step-handler.js';

/** A handler with its configuration applied: what the engine runs. */
export type BoundHandler = (context: Omit<StepContext<unknown>, 'config'>) => Promise<StepResult>;

interface Entry {
  bind(rawConfig: unknown): { ok: true; run: BoundHandler } | { ok: false; problem: string };
}

/**
 * Which handler runs which step. Users register their own handlers (or replace built-in ones) and name them in
 * workflow profiles; the engine only asks the registry.
 */
export class HandlerRegistry {
  private readonly entries = new Map<string, Entry>();

  /** Adds a handler; a second handler for the same step is refused unless `replace` is set. */
  register<C>(handler: StepHandler<C>, options: { replace?: boolean } = {}): this {
    const name = parseStepName(handler.stepName);
    if (!name.ok) throw new Error(name.error.message);
    if (this.entries.has(handler.stepName) && options.replace !== true) {
      throw new Error(
        `A handler for step ${handler.stepName} is already registered; pass { replace: true } to override it.`,
      );
    }
    this.entries.set(handler.stepName, { bind: (raw) => bindHandler(handler, raw) });
    return this;
  }

  has(stepName: string): boolean {
    return this.entries.has(stepName);
  }

  stepNames(): string[] {
    return [...this.entries.keys()].sort();
  }

  /**
   * Applies STEP_CONFIG to every handler. Returns every problem at once: a configuration a handler's schema
   * refuses, and configuration for a step no handler runs.
   */
  bind(
    stepConfig: Readonly<Record<string, unknown>>,
  ): { ok: true; handlers: BoundHandlers } | { ok: false; problems: string[] } {
    const problems: string[] = [];
    const bound = new Map<string, BoundHandler>();
    for (const [name, entry] of this.entries) {
      const result = entry.bind(stepConfig[name]);
      if (result.ok) bound.set(name, result.run);
      else problems.push(`STEP_CONFIG.${name}: ${result.problem}`);
    }
    for (const name of Object.keys(stepConfig)) {
      if (!this.entries.has(name)) problems.push(`STEP_CONFIG.${name}: no handler runs step ${name}`);
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, handlers: new BoundHandlers(bound) };
  }
}

/** The registry after configuration: a lookup by step name. */
export class BoundHandlers {
  constructor(private readonly handlers: ReadonlyMap<string, BoundHandler>) {}

  get(stepName: string): BoundHandler | null {
    return this.handlers.get(stepName) ?? null;
  }

  /** The steps this worker claims. */
  stepNames(): string[] {
    return [...this.handlers.keys()].sort();
  }
}

function bindHandler<C>(
  handler: StepHandler<C>,
  raw: unknown,
): { ok: true; run: BoundHandler } | { ok: false; problem: string } {
  const schema = handler.configSchema;
  if (schema === undefined) {
    if (raw !== undefined) return { ok: false, problem: `step ${handler.stepName} takes no configuration` };
    // Without a schema the handler's config type is its default, undefined.
    return { ok: true, run: (context) => handler.run(withConfig(context, undefined as C)) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problem: parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`)
        .join('; '),
    };
  }
  const config = parsed.data;
  return { ok: true, run: (context) => handler.run(withConfig(context, config)) };
}

/**
 * The context with its config added, without copying it: a spread would read every property, and the runner's
 * context computes some (the scratch folder) only when a handler asks for them.
 */
function withConfig<C>(context: Omit<StepContext<unknown>, 'config'>, config: C): StepContext<C> {
  return Object.create(context, { config: { value: config, enumerable: true } }) as StepContext<C>;
}
