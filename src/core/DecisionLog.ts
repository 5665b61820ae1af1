import type { Decision } from './decision.ts';

export type DecisionListener = (decision: Decision) => void;

/**
 * Where decisions go: numbered in order, kept for replay (`?since=`), handed to listeners. The
 * seam for a log that outlives the process (on disk, shared through Redis): an implementation
 * calls listeners only once a decision is as durable as it promises, so nothing is published
 * that a restart could take back.
 */
export interface DecisionLog {
  /** Identifies this history; a new epoch tells clients their `seq` no longer applies. */
  readonly epoch: string;
  /** The newest decision's seq (0 before the first). */
  readonly seq: number;
  /** The oldest decision still kept for replay (seq + 1 when none is). */
  readonly firstRetainedSeq: number;
  /** Number the decision (its `seq` is set here), keep it, tell the listeners; returns it. */
  append(decision: Decision): Decision;
  /** Decisions after `since`, oldest first; null when some of them are no longer retained. */
  since(since?: number, limit?: number): Decision[] | null;
  /** Returns an unsubscribe function. */
  subscribe(listener: DecisionListener): () => void;
}

export interface MemoryDecisionLogOptions {
  /** Decisions kept for replay; the log trims to this many once it holds twice as many. */
  retain: number;
  epoch?: string;
  /** The newest decision a store held: numbering goes on from it. */
  seq?: number;
  /** The decisions a store held, oldest first, contiguous, the last one `seq`. */
  kept?: Decision[];
  /** Makes a numbered decision durable; listeners hear of it only once this has returned. */
  persist?: (decision: Decision) => void;
}

/**
 * The decision log kept in memory: alone for tests, `--virtual` runs, benches and `--state
 * memory`; with `persist` and what a store held, the log of a StateStore.
 */
export class MemoryDecisionLog implements DecisionLog {
  readonly epoch: string;
  private readonly retain: number;
  private readonly kept: Decision[];
  private readonly listeners: DecisionListener[] = [];
  private readonly persist: ((decision: Decision) => void) | undefined;
  private last: number;

  constructor({
    retain,
    epoch = globalThis.crypto.randomUUID(),
    seq = 0,
    kept = [],
    persist,
  }: MemoryDecisionLogOptions) {
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
    this.persist?.(decision);
    this.kept.push(decision);
    // Trimmed in halves, so an append costs O(1) amortised.
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
