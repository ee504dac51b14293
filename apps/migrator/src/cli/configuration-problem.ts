// The migrator's name for the start-up contract every app shares (exit code 2, a message saying what to fix).
export { StartupProblem as ConfigurationProblem } from '@steptrail/runtime';
