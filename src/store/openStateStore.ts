import type { Clock } from '../core/clock.ts';
import type { Logger } from '../server/Logger.ts';
import { DiskStateStore } from './DiskStateStore.ts';
import { MemoryStateStore } from './MemoryStateStore.ts';
import type { StateStore } from './StateStore.ts';

/** Where a monitor keeps its state: a directory (the default), or nothing past the process. */
export type StateChoice = { kind: 'disk'; dir: string; compactBytes?: number } | { kind: 'memory' };

/** Opens the store a choice names; a disk store's StoreError names the path and the fix. */
export function openStateStore(
  choice: StateChoice,
  { retain, clock, log }: { retain: number; clock: Clock; log?: Logger },
): StateStore {
  if (choice.kind === 'memory') return new MemoryStateStore({ retain });
  return DiskStateStore.open({
    dir: choice.dir,
    retain,
    clock,
    log,
    ...(choice.compactBytes && { compactBytes: choice.compactBytes }),
  });
}
