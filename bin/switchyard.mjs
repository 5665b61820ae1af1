#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runProgram } = await import('../src/cli/main.ts');
// The command table is composed outside src/: src/ never imports the simulators.
const { COMMANDS } = await import('../simulators/cli/commands.ts');
// Not awaited: a command left waiting with nothing else alive must not end as an unsettled top-level await (exit 13).
runProgram(COMMANDS);
