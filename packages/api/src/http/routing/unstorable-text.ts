import { unstorableText } from '@steptrail/domain';
import type { Problem } from '../errors/api-error.js';

/** Deeper values are refused by the schemas anyway; the walk stops there so hostile nesting costs nothing. */
const MAX_DEPTH = 16;
const MAX_PROBLEMS = 50;

/**
 * Problems for every string in `value` that a database cannot store unchanged (a NUL character, a lone surrogate:
 * the domain's rule, docs/architecture.md#storable-values). Refusing them everywhere keeps the behaviour the same
 * on every database.
 */
export function unstorableTextProblems(location: string, value: unknown): Problem[] {
  const problems: Problem[] = [];
  const pending: Array<{ path: string; value: unknown; depth: number }> = [
    { path: location, value, depth: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value === 'string') {
      const problem = unstorableTextProblem(next.path, next.value);
      if (problem !== null) problems.push(problem);
      if (problems.length >= MAX_PROBLEMS) break;
    } else if (typeof next.value === 'object' && next.value !== null && next.depth < MAX_DEPTH) {
      for (const [key, child] of Object.entries(next.value))
        pending.push({ path: `${next.path}.${key}`, value: child, depth: next.depth + 1 });
    }
  }
  return problems.reverse();
}

/** The problem with one text at `path`, or null when every database stores it unchanged. */
export function unstorableTextProblem(path: string, text: string): Problem | null {
  const why = unstorableText(text);
  return why === null ? null : { path, code: 'invalid_character', message: why };
}
