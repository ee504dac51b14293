#!/usr/bin/env node
import { processIo } from './io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
// A follow or watch that ended on Ctrl-C has closed its stream; nothing left should keep the process alive.
setTimeout(() => process.exit(), 1000).unref();
