import type { Clock } from '../core/clock.ts';
import { Engine } from '../core/Engine.ts';
import type { RestoreReport } from '../core/EngineSnapshot.ts';
import type { EngineOptions } from '../core/options.ts';
import type { StateStore } from './StateStore.ts';

/**
 * An Engine that keeps its state in `store`: numbered and published through the store's log,
 * restored from what it held, bookings saved as they change, read at every later write. The one
 * way every edge (monitor, tests, benches) puts an engine on a store.
 */
export function engineOnStore(
  options: EngineOptions,
  { clock, store }: { clock: Clock; store: StateStore },
): { engine: Engine; report: RestoreReport | null } {
  const engine = new Engine(options, { clock, log: store.log, onChange: () => store.save() });
  const report = store.restored ? engine.restore(store.restored) : null;
  store.attach(engine);
  return { engine, report };
}
