import type { MonitorConfig } from '../config/loadConfig.ts';
import type { StateChoice } from '../store/openStateStore.ts';

export const STATE_USAGE = `  --state-dir DIR  keep decisions and channel state in DIR across restarts (env
                   SWITCHYARD_STATE_DIR; config "state.dir"; default ./switchyard-data)
  --state memory   keep nothing across restarts (a new epoch every start)
`;

/** Flags beat environment, environment beats the file. Returns an error message for a bad value. */
export function resolveState(
  config: MonitorConfig,
  flags: { state?: string; 'state-dir'?: string },
  env: NodeJS.ProcessEnv,
): StateChoice | string {
  const kind = flags.state ?? 'disk';
  if (kind !== 'disk' && kind !== 'memory')
    return `bad --state "${kind}": give memory (keep nothing) or disk (the default, in --state-dir)`;
  if (kind === 'memory') {
    if (flags['state-dir'] !== undefined)
      return '--state memory keeps nothing: leave out --state-dir, or drop --state memory';
    return { kind };
  }
  const dir = flags['state-dir'] ?? env.SWITCHYARD_STATE_DIR ?? config.state.dir;
  if (dir === '') return 'bad --state-dir "": give a directory such as ./switchyard-data';
  return { kind, dir, compactBytes: config.state.compactBytes };
}
