#!/usr/bin/env node
import { parseArgv } from './cli/argv.js';
import { runInvocation } from './cli/run-invocation.js';
import { processTerminal } from './output/terminal.js';

const code = await runInvocation(parseArgv(process.argv.slice(2)), processTerminal());
process.exitCode = code;
// Every connection is closed by now; a driver timer left behind must not keep a finished run alive.
setTimeout(() => process.exit(code), 2000).unref();
