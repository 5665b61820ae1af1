import type { DecisionListener, DecisionLog } from '../core/DecisionLog.ts';
import type { Decision } from '../core/decision.ts';

export interface StoredDecisionLogOptions {
  /** Decisions kept for replay; trimmed to this many once twice as many are held. */
  retain: number;
  epoch: string;
  /** The newest stored decision's seq: numbering goes on from it. */
  seq?: number;
  /** Stored decisions still retained, oldest first, contiguous, the last one `seq`. */
  kept?: Decision[];
  /** Makes a numbered decision durable; listeners hear of it only after this returns. */
  persist(decision: Decision): void;
}

/** A DecisionLog that goes on from what a store held and writes each decision before publishing it. */
export class StoredDecisionLog implements DecisionLog {
  readonly epoch: string;
  private readonly retain: number;
  private readonly kept: Decision[];
  private readonly listeners: DecisionListener[] = [];
  private readonly persist: (d: Decision) => void;
  private last: number;

  constructor({ retain, epoch, seq = 0, kept = [], persist }: StoredDecisionLogOptions) {
    this.retain = retain;
    this.epoch = epoch;
    this.last = seq;
    this.kept = kept.slice(-retain);
    this.persist = persist;
  }

  get seq(): number {
    return this.last;
  }

  get firstRetainedSeq(): number {
    return this.kept.length ? this.kept[0].seq : this.last + 1;
  }

  append(decision: Decision): Decision {
    decision.seq = ++this.last;
    this.persist(decision);
    this.kept.push(decision);
    if (this.kept.length > 2 * this.retain) this.kept.splice(0, this.kept.length - this.retain);
    for (const l of this.listeners) l(decision);
    return decision;
  }

  since(since = 0, limit = Infinity): Decision[] | null {
    const first = this.firstRetainedSeq;
    if (since < first - 1) return null;
    const start = Math.max(0, since - first + 1);
    return this.kept.slice(start, start + Math.min(limit, this.kept.length));
  }

  /** The retained decisions, at most `retain` of them (what a snapshot keeps). */
  retained(): Decision[] {
    return this.kept.slice(-this.retain);
  }

  subscribe(listener: DecisionListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
}
