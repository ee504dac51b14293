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
    reason: 'the test command itself: it builds and runs every suite, this file among them',
    applies: (command) => /\bpnpm(@[\d.]+)? (run )?test\b/.test(command),
  },
  {
    reason:
      'runs int or e2e suites (throwaway servers, child processes), which the test run that contains this ' +
      'file runs anyway (unscoped, it would run this file too); unit-only runs are run',
    applies: (command, testFiles) => selectsSlowSuites(command, testFiles),
  },
  {
    reason: 'the full-scale benchmarks (1M files, 10M log rows per database) take hours on a 2-core machine',
    applies: (command) => /--scale[ =]full\b/.test(command),
  },
];

/** Which rule keeps a command from running, if any. */
export function notRunReason(command: string, testFiles: readonly string[]): string | null {
  return NOT_RUN.find((rule) => rule.applies(command, testFiles))?.reason ?? null;
}

/** Whether a `vitest` command line selects any *.int.test.ts or *.e2e.test.ts file of `testFiles`. */
function selectsSlowSuites(command: string, testFiles: readonly string[]): boolean {
  const words = command.split(/\s+/);
  const start = words.indexOf('vitest');
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
      /\.(int|e2e)\.test\.ts$/.test(file) &&
      (filters.length === 0 || filters.some((filter) => file.includes(filter))),
  );
}
