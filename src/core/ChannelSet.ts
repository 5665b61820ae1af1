import { ChannelHealth } from './ChannelHealth.ts';
import type { EngineSnapshot, RestoreReport } from './EngineSnapshot.ts';
import { EngineError } from './errors.ts';
import { type EngineOptions, mergeDeep } from './options.ts';
import { Pool } from './Pool.ts';
import type { ChannelView } from './views.ts';

/**
 * The configured channels and pools, checked once and looked up by id or by index (the hot
 * path's key). Each channel's detector settings: its own over its pool's over the engine's.
 */
export class ChannelSet {
  readonly list: readonly ChannelHealth[];
  readonly pools: readonly Pool[];
  private readonly byId = new Map<string, ChannelHealth>();
  private readonly poolsById = new Map<string, Pool>();

  constructor(options: EngineOptions, now: number) {
    for (const p of options.pools) {
      if (p.split.length === 0 || p.split.some((s) => !(s > 0)))
        throw new EngineError(
          'bad_option',
          `pool ${p.id}: split must be positive shares, got ${JSON.stringify(p.split)}`,
        );
      this.poolsById.set(p.id, new Pool(p, options.states));
    }
    this.list = options.channels.map((c, i) => {
      if (this.byId.has(c.id))
        throw new EngineError('bad_option', `channel ${c.id} is configured twice`);
      const pool = this.poolsById.get(c.pool);
      if (!pool)
        throw new EngineError('unknown_pool', `channel ${c.id}: pool ${c.pool} is not configured`);
      const detectors = mergeDeep(options.detectors, pool.options.detectors);
      const ch = new ChannelHealth(i, c, detectors, options.bucketMs, now);
      this.byId.set(c.id, ch);
      pool.members.push(ch);
      return ch;
    });
    this.pools = [...this.poolsById.values()];
    for (const pool of this.pools) pool.reweigh();
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The channel `id`; an EngineError `unknown_channel` naming the configured ones otherwise. */
  get(id: string): ChannelHealth {
    const ch = this.byId.get(id);
    if (!ch)
      throw new EngineError(
        'unknown_channel',
        `unknown channel ${JSON.stringify(id)}; configured: ${[...this.byId.keys()].join(', ')}`,
      );
    return ch;
  }

  at(index: number): ChannelHealth {
    return this.list[index];
  }

  /** Every channel's view, each with its pool's current weight for it. */
  views(now: number): ChannelView[] {
    return this.list.map((ch) => ch.view(now, this.poolOf(ch).weightOf(ch.id)));
  }

  view(id: string, now: number): ChannelView {
    const ch = this.get(id);
    return ch.view(now, this.poolOf(ch).weightOf(ch.id));
  }

  /** Every channel's and pool's part of an EngineSnapshot; windows brought up to `now` first, as a view does. */
  snapshot(windows: boolean, now: number): Pick<EngineSnapshot, 'channels' | 'pools' | 'windows'> {
    const snap: Pick<EngineSnapshot, 'channels' | 'pools' | 'windows'> = {
      channels: this.list.map((ch) => ch.snapshot()),
      pools: this.pools.map((p) => p.snapshot()),
    };
    if (windows) {
      const w: NonNullable<EngineSnapshot['windows']> = {};
      for (const ch of this.list) {
        ch.ring.advanceTo(now);
        w[ch.id] = ch.ring.export();
      }
      snap.windows = w;
    }
    return snap;
  }

  /** Take back the channels and pools of a snapshot (see Engine.restore); the rings must be fresh. */
  restore(snap: Pick<EngineSnapshot, 'channels' | 'pools' | 'windows'>): RestoreReport {
    const report: RestoreReport = { unknownChannels: [], unknownPools: [] };
    for (const c of snap.channels) {
      const ch = this.byId.get(c.id);
      if (!ch) {
        report.unknownChannels.push(c.id);
        continue;
      }
      ch.restore(c);
      const ring = snap.windows?.[c.id];
      if (ring && ring.bucketMs === ch.ring.bucketMs) ch.ring.merge(ring);
    }
    for (const p of snap.pools) {
      const pool = this.poolsById.get(p.id);
      if (pool) pool.restore(p);
      else report.unknownPools.push(p.id);
    }
    return report;
  }

  poolOf(ch: ChannelHealth): Pool {
    return this.poolsById.get(ch.pool)!;
  }
}
