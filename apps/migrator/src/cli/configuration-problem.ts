/**
 * The command cannot run against this database as configured (unreachable, not migrated, no such file):
 * nothing was changed, and the message says what to fix. Exit code 2, like a usage error.
 */
export class ConfigurationProblem extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationProblem';
  }
}
