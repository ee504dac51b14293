#!/usr/bin/env node
import { runCommandLine } from './cli/run-command-line.js';
import { programName } from './config.js';
import { processTerminal } from './output/terminal.js';

const terminal = processTerminal();
const code = await runCommandLine(process.argv.slice(2), terminal, {
  programName: programName(process.argv[1] ?? 'main.js', terminal.cwd),
});
process.exitCode = code;
// Every connection is closed by now; a driver timer left behind must not keep a finished run alive.
setTimeout(() => process.exit(code), 2000).unref();
