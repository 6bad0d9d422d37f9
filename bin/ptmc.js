#!/usr/bin/env node
// The CLI runs the compiled JavaScript (built by `npm install` through `prepare`). Ctrl-C is
// listened for before the rest loads, so an early one still ends in an orderly verdict.
import { listenForInterrupt } from '../dist/src/cli/interrupt.js';

listenForInterrupt();
const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
