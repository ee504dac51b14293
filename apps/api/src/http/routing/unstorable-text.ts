import type { Problem } from '../errors/api-error.js';

const NUL = '\u0000';
/** Deeper values are refused by the schemas anyway; the walk stops there so hostile nesting costs nothing. */
const MAX_DEPTH = 16;
const MAX_PROBLEMS = 50;

/**
 * Problems for every string in `value` that holds a NUL character. PostgreSQL cannot store U+0000 in text, and
 * the other databases would keep it; refusing it everywhere keeps the behaviour the same on every database.
 */
export function nulProblems(location: string, value: unknown): Problem[] {
  const problems: Problem[] = [];
  const pending: Array<{ path: string; value: unknown; depth: number }> = [
    { path: location, value, depth: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value === 'string') {
      if (next.value.includes(NUL)) problems.push(nulProblem(next.path));
      if (problems.length >= MAX_PROBLEMS) break;
    } else if (typeof next.value === 'object' && next.value !== null && next.depth < MAX_DEPTH) {
      for (const [key, child] of Object.entries(next.value))
        pending.push({ path: `${next.path}.${key}`, value: child, depth: next.depth + 1 });
    }
  }
  return problems.reverse();
}

export const nulProblem = (path: string): Problem => ({
  path,
  code: 'invalid_character',
  message: 'Contains a NUL character (U+0000), which is not stored; remove it.',
});
