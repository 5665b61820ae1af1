import { type CommandTable, MONITOR_COMMANDS, MONITOR_PACKAGES } from '../../src/cli/main.ts';

// What each command's modules import beyond `ws` (test/package/dependencies.test.ts keeps these
// exact): simulate and scenario make their traffic with faker; scenario and demo run a monitor.
const SIMULATE_PACKAGES = ['hono', '@hono/node-server', 'yaml', 'zod', '@faker-js/faker'];
const SCENARIO_PACKAGES = [...MONITOR_PACKAGES, '@faker-js/faker'];

/**
 * Every `switchyard` command: src's own (monitor) plus the ones built on the simulators. This
 * table lives beside the simulators so that src/ never imports them; bin/switchyard.mjs passes it
 * to `main`.
 */
export const COMMANDS: CommandTable = {
  ...MONITOR_COMMANDS,
  simulate: {
    load: () => import('./simulate.ts'),
    summary: 'run the channel simulators (--scenario FILE)',
    needs: SIMULATE_PACKAGES,
  },
  scenario: {
    load: () => import('./scenario.ts'),
    summary: 'scenario run FILE [--virtual] [--seed N] [--report OUT.json]',
    needs: SCENARIO_PACKAGES,
  },
  demo: {
    load: () => import('./demo.ts'),
    summary: 'the whole demo: monitor, simulators, checkout, traffic and faults',
    needs: MONITOR_PACKAGES,
  },
};
