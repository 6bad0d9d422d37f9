#!/usr/bin/env node
// The CLI runs the compiled JavaScript (built by `npm install` through `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
