/**
 * The README commands the doc test does not run, each rule with its reason. Everything else a README shows runs;
 * keep this list as short as it can be.
 */
export interface NotRunRule {
  reason: string;
  applies(command: string, testFiles: readonly string[]): boolean;
}

export const NOT_RUN: readonly NotRunRule[] = [
  {
    reason:
      'runs int, e2e or reliability suites (throwaway servers, child processes) that the test run containing this file runs ' +
      'anyway; unscoped, it is the test command itself and would run this file (unit-only runs are run)',
    applies: (command, testFiles) => selectsSlowSuites(command, testFiles),
  },
  {
    reason:
      'the full-size reliability suite: it runs for tens of minutes, and every test run (this one too) runs ' +
      'the same suite at small size',
    applies: (command) => /\btest:reliability\b/.test(command.split('#')[0] ?? ''),
  },
  {
    reason:
      'a benchmark: even at small scale each takes 5 to 10 minutes here, and the benchmarks issue gives them a ' +
      'small-scale run of their own in CI',
    applies: (command) => /\bbench\b/.test(command.split('#')[0] ?? ''),
  },
];

/** Which rule keeps a command from running, if any. */
export function notRunReason(command: string, testFiles: readonly string[]): string | null {
  return NOT_RUN.find((rule) => rule.applies(command, testFiles))?.reason ?? null;
}

/**
 * Whether a test run (`vitest run …`, or the root `pnpm test …`, which builds and runs vitest with the same
 * arguments) selects any *.int.test.ts, *.e2e.test.ts or *.rel.test.ts file of `testFiles`.
 */
function selectsSlowSuites(command: string, testFiles: readonly string[]): boolean {
  const words = command.split(/\s+/);
  const pnpmTest = words.findIndex(
    (word, index) => word === 'test' && /^pnpm(@|$)/.test(words[index - 1] ?? ''),
  );
  const start = pnpmTest === -1 ? words.indexOf('vitest') : pnpmTest;
  if (start === -1) return false;
  const projects: string[] = [];
  const filters: string[] = [];
  for (let index = start + 1; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (word === '#' || word === '&&' || word === ';' || word === '|') break;
    if (word === '--project') projects.push(words[(index += 1)] ?? '');
    else if (word.startsWith('--project=')) projects.push(word.slice('--project='.length));
    else if (word !== 'run' && !word.startsWith('-')) filters.push(word);
  }
  if (projects.length > 0 && projects.every((project) => project === 'unit')) return false;
  return testFiles.some(
    (file) =>
      /\.(int|e2e|rel)\.test\.ts$/.test(file) &&
      (filters.length === 0 || filters.some((filter) => file.includes(filter))),
  );
}
