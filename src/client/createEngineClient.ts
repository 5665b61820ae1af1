import type { Clock } from '../core/clock.ts';
import type { Decision } from '../core/decision.ts';
import type { CodeClassifier } from '../core/codes/index.ts';
import type { Outcome } from '../core/outcome.ts';
import { toOutcome } from '../core/toOutcome.ts';
import type { ChannelView, PoolView } from '../core/views.ts';
import { type ClientOptions, cryptoSeed, safely } from './createClient.ts';
import { seededRandom } from '../core/random.ts';
import { Router } from './Router.ts';
import type { ChannelRule, Random, ReportedOutcome, SwitchyardClient } from './types.ts';

/** The members of the core Engine the in-process client uses (src/core/Engine.ts). */
export interface EngineLike {
  readonly seq: number;
  readonly epoch: string;
  onDecision(fn: (d: Decision) => void): () => void;
  pools(): PoolView[];
  channels(): ChannelView[];
  recordOutcome(outcome: Outcome): void;
  classifier(id: string): CodeClassifier;
  hasChannel(id: string): boolean;
}

export interface EngineClientOptions {
  engine: EngineLike;
  clock: Clock;
  /** Business rules per channel; channels the engine has and this list lacks are taken with their priority and no limits. */
  channels?: ChannelRule[];
  rng?: Random;
  /** As in {@link ClientOptions.maintenanceHoldMs}; default 3 s. */
  maintenanceHoldMs?: number;
}

/**
 * The same client, following an Engine in the same process (virtual scenarios, benches): decisions
 * arrive synchronously and outcomes go straight to engine.record. Never stale.
 */
export function createEngineClient(opts: EngineClientOptions): SwitchyardClient {
  const { engine, clock } = opts;
  const router = new Router(opts.channels ?? [], opts.rng ?? seededRandom(cryptoSeed()));
  for (const c of engine.channels())
    if (!router.hasChannel(c.id)) router.addRule({ id: c.id, pool: c.pool, priority: c.priority });
  for (const p of engine.pools()) router.setWeights(p.id, p.weights);
  const listeners = new Set<(d: Decision) => void>();
  const holdMs = opts.maintenanceHoldMs ?? 3_000;
  let reported = 0;
  let refused = 0;
  const unsubscribe = engine.onDecision((d) => {
    router.setWeights(d.pool, d.weights);
    for (const fn of listeners) safely(fn, d);
  });

  return {
    pick: (pool, order) => router.pick(pool, order, 'live', clock.now()),
    next: (pool, order, tried) => router.next(pool, order, tried, 'live', clock.now()),
    report(o: ReportedOutcome) {
      const judged = o.outcome !== undefined || o.code !== undefined;
      if (
        !judged ||
        !engine.hasChannel(o.channel) ||
        !(o.latencyMs >= 0 && o.latencyMs < Infinity)
      ) {
        refused++;
        return;
      }
      const outcome = toOutcome(o, o.at ?? clock.now(), engine.classifier(o.channel));
      if (outcome.outcome === 'maintenance' && holdMs > 0)
        router.hold(o.channel, clock.now() + holdMs);
      engine.recordOutcome(outcome);
      reported++;
    },
    weights: (pool) => router.weights(pool, 'live'),
    onDecision(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    stats: () => ({
      connected: true,
      stale: false,
      epoch: engine.epoch,
      seq: engine.seq,
      reconnects: 0,
      reported,
      dropped: 0,
      refused,
      buffered: 0,
    }),
    async close() {
      unsubscribe();
    },
  };
}
