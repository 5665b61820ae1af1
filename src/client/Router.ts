import type { ChannelStateName } from '../core/decision.ts';
import type { ChannelRule, PickResult, Random, RoutableOrder } from './types.ts';

/** `live`: the monitor's weights are fresh enough to use; `static`: fall back to priority order. */
export type RoutingMode = 'live' | 'static';

/**
 * The picking logic shared by every client (stream-following and in-process): the monitor's
 * weights restricted to the channels whose rules admit the order. Pure apart from the injected RNG.
 */
export class Router {
  private readonly byPool = new Map<string, ChannelRule[]>();
  private readonly poolWeights = new Map<string, Record<string, number>>();
  /** Channels the gateway itself saw answer with a maintenance code: weight 0 until this time. */
  private readonly held = new Map<string, number>();
  /** Each channel's state as the monitor last said it: fail-static steers clear of the ones not serving. */
  private readonly lastState = new Map<string, ChannelStateName>();

  constructor(
    rules: readonly ChannelRule[],
    private readonly rng: Random,
  ) {
    for (const r of rules) this.addRule(r);
  }

  /** Learn a channel the monitor knows but the static config does not (no business limits). */
  addRule(rule: ChannelRule): void {
    const list = this.byPool.get(rule.pool) ?? [];
    if (list.some((r) => r.id === rule.id)) return;
    list.push(rule);
    // Priority order, id as tie-break, so that draws walk a stable order and one seed gives one run.
    list.sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.byPool.set(rule.pool, list);
  }

  hasChannel(id: string): boolean {
    for (const list of this.byPool.values()) if (list.some((r) => r.id === id)) return true;
    return false;
  }

  setWeights(pool: string, weights: Record<string, number>): void {
    this.poolWeights.set(pool, { ...weights });
  }

  /** Take a channel out of weighted picks until `until` (it stays a last resort, by priority). */
  hold(channel: string, until: number): void {
    this.held.set(channel, Math.max(until, this.held.get(channel) ?? 0));
  }

  /** What the monitor last said of `channel` (snapshot or decision); kept while the monitor is away. */
  setState(channel: string, state: ChannelStateName): void {
    this.lastState.set(channel, state);
  }

  /** Forgets weights and states: a new epoch's snapshot is the truth. */
  clearWeights(): void {
    this.poolWeights.clear();
    this.lastState.clear();
  }

  hasWeights(pool: string): boolean {
    return this.poolWeights.has(pool);
  }

  weights(pool: string, mode: RoutingMode, now = 0): Record<string, number> {
    const live = this.poolWeights.get(pool);
    if (mode === 'live' && live) return { ...live };
    const rules = this.byPool.get(pool) ?? [];
    const first = this.staticChoice(rules, now);
    const out: Record<string, number> = {};
    for (const r of rules) out[r.id] = r === first ? 1 : 0;
    return out;
  }

  /**
   * Fail-static's pick: the best by priority among the channels last known to serve (not down, not
   * in maintenance, not held), so that a monitor gone quiet never sends everything to the channel
   * it last took down; the best by priority when none is.
   */
  private staticChoice(candidates: readonly ChannelRule[], now: number): ChannelRule | undefined {
    for (const c of candidates) if (this.serving(c.id, now)) return c;
    return candidates[0];
  }

  private serving(id: string, now: number): boolean {
    const state = this.lastState.get(id);
    if (state === 'down' || state === 'maintenance') return false;
    return !((this.held.get(id) ?? 0) > now);
  }

  /** `now` matters only for held channels. */
  pick(pool: string, order: RoutableOrder, mode: RoutingMode, now = 0): PickResult {
    return this.choose(pool, order, [], mode, 'weight', now);
  }

  next(
    pool: string,
    order: RoutableOrder,
    tried: readonly string[],
    mode: RoutingMode,
    now = 0,
  ): PickResult {
    return this.choose(pool, order, tried, mode, 'fallback', now);
  }

  private withoutHeld(w: Record<string, number>, now: number): Record<string, number> {
    const out = { ...w };
    for (const [ch, until] of this.held) {
      if (until <= now) this.held.delete(ch);
      else if (ch in out) out[ch] = 0;
    }
    return out;
  }

  /** The channels of the pool that may take this order, best priority first. */
  eligible(pool: string, order: RoutableOrder, exclude: readonly string[] = []): ChannelRule[] {
    return (this.byPool.get(pool) ?? []).filter((r) => !exclude.includes(r.id) && admits(r, order));
  }

  private choose(
    pool: string,
    order: RoutableOrder,
    tried: readonly string[],
    mode: RoutingMode,
    drawn: 'weight' | 'fallback',
    now: number,
  ): PickResult {
    const candidates = this.eligible(pool, order, tried);
    if (candidates.length === 0) return { channel: null, reason: 'no_eligible_channel' };
    const live = mode === 'live' ? this.poolWeights.get(pool) : undefined;
    const w = live && this.held.size > 0 ? this.withoutHeld(live, now) : live;
    if (!w) return { channel: this.staticChoice(candidates, now)!.id, reason: 'static' };
    let total = 0;
    for (const c of candidates) total += positive(w[c.id]);
    // Every admissible channel is down (or unknown to the monitor): the best by priority still beats refusing the sale.
    if (!(total > 0)) return { channel: candidates[0].id, reason: 'last_resort' };
    let r = this.rng() * total;
    for (const c of candidates) {
      const share = positive(w[c.id]);
      if (share === 0) continue;
      r -= share;
      if (r < 0) return { channel: c.id, reason: drawn };
    }
    // Rounding left r at a hair above 0: the last channel with a share takes it.
    const last = [...candidates].reverse().find((c) => positive(w[c.id]) > 0)!;
    return { channel: last.id, reason: drawn };
  }
}

/** Whether a channel's business rules let it take the order: amount limits, segment and platform lists. */
export function admits(rule: ChannelRule, order: RoutableOrder): boolean {
  if (rule.minAmount !== undefined && order.amount < rule.minAmount) return false;
  if (rule.maxAmount !== undefined && order.amount > rule.maxAmount) return false;
  if (rule.segments && !(order.segment !== undefined && rule.segments.includes(order.segment)))
    return false;
  if (rule.platforms && !(order.platform !== undefined && rule.platforms.includes(order.platform)))
    return false;
  return true;
}

function positive(x: number | undefined): number {
  return x !== undefined && x > 0 && Number.isFinite(x) ? x : 0;
}
