import type { Registry } from 'prom-client';
import type { StateStore } from './StateStore.ts';

/** The store's figures on a metrics registry, read at scrape time. */
export function registerStoreMetrics(registry: Registry, store: StateStore): void {
  const metric = (name: string, help: string, type: 'counter' | 'gauge', value: () => number) =>
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => ({
        name,
        help,
        type,
        aggregator: 'sum',
        values: [{ labels: {}, value: value() }],
      }),
    } as never);
  metric(
    'switchyard_state_skipped_records_total',
    'Damaged stretches of the state files passed over at start-up (what was read is kept).',
    'counter',
    () => store.stats().skippedRecords,
  );
  metric(
    'switchyard_state_skipped_bytes_total',
    'Bytes of damaged state passed over at start-up.',
    'counter',
    () => store.stats().skippedBytes,
  );
  metric(
    'switchyard_state_write_errors_total',
    'State writes that failed (a full disk): decisions go on, the epoch changes on the next restart unless a later flush catches up.',
    'counter',
    () => store.stats().writeErrors,
  );
  metric(
    'switchyard_state_compactions_total',
    'Journals folded into a fresh snapshot.',
    'counter',
    () => store.stats().compactions,
  );
  metric(
    'switchyard_state_bytes',
    'Bytes the state directory holds (snapshot and journal).',
    'gauge',
    () => store.stats().bytes,
  );
}
