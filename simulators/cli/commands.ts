import { type CommandTable, MONITOR_COMMANDS } from '../../src/cli/main.ts';

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
  },
  scenario: {
    load: () => import('./scenario.ts'),
    summary: 'scenario run FILE [--virtual] [--seed N] [--report OUT.json]',
  },
  demo: {
    load: () => import('./demo.ts'),
    summary: 'the whole demo: monitor, simulators, checkout, traffic and faults',
  },
};
