import type { z } from 'zod';

/** Every problem in the environment at once, one line each: what was wrong and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment object with a zod schema; throws ConfigError listing every problem. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
  );
}

/** The problems `parse` reports through a ConfigError, or none when it accepts its input (for tests and callers that merge). */
export function configProblems(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** A snapshot of process.env: the one place steptrail reads it. */
export const processEnv = (): Readonly<Record<string, string | undefined>> => ({ ...process.env });
