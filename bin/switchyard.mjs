#!/usr/bin/env node
// Runs the compiled program in dist/: `npm run build` makes it (`npm install` in a clone runs it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('switchyard: dist/ is not built; run "npm run build" in the clone\n');
  process.exit(1);
}
const { runProgram } = await import(main.href);
// The command table is composed outside src/: src/ never imports the simulators.
const { COMMANDS } = await import(
  new URL('../dist/simulators/cli/commands.js', import.meta.url).href
);
// Not awaited: a command left waiting with nothing else alive must not end as an unsettled top-level await (exit 13).
runProgram(COMMANDS);
