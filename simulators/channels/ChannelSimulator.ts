import { flavourClassifiers, healthClass } from '../../src/core/codes/index.ts';
import type { RecordedClass } from '../../src/core/outcome.ts';
import type { Scheduler } from '../../src/core/scheduler.ts';
import { type Fault, type FaultOperation, type FlapEffect, scopeMatches } from '../faults/Fault.ts';
import { type FaultEngine, latencyAt, probabilityAt } from '../faults/FaultEngine.ts';
import type { OrderBook, OrderOp, OrderRecord } from '../ledger/OrderBook.ts';
import { Rng, type RngForks } from '../random/Rng.ts';
import { SimulatorError } from '../SimulatorError.ts';
import type { PayRequest, TradeStatus } from './ChannelApi.ts';
import type { CallbackDispatcher, CallbackFate } from './CallbackDispatcher.ts';
import { DueQueue } from './DueQueue.ts';
import type { ChannelProfile } from './ChannelProfile.ts';
import { type FlavourCodes, flavourCodes, httpStatusFor } from './flavourCodes.ts';

/** What the channel does with one call: answer after `latencyMs`, or hang (no answer before `latencyMs`). */
export type CallFate =
  | {
      kind: 'answer';
      code: string;
      outcome: RecordedClass;
      pending: boolean;
      httpStatus: number;
      latencyMs: number;
      faultId?: string;
    }
  | { kind: 'hang'; latencyMs: number; faultId?: string };

export type StatusFate =
  | { kind: 'answer'; status: TradeStatus; latencyMs: number }
  | { kind: 'hang'; latencyMs: number };

export interface ChannelSimulatorOptions {
  scheduler: Scheduler;
  faults: FaultEngine;
  book: OrderBook;
  /** Root of every random draw; each call forks its own stream from (channel, order, attempt). */
  rng: Rng;
  channels: readonly ChannelProfile[];
  /** Where payment notifications go; none: callbacks are only accounted for. */
  callbacks?: CallbackDispatcher;
  /** Multiplies every latency: 0 for load tests where the simulator must not wait. */
  latencyScale?: number;
  /** How long a hang lasts before the connection is dropped. */
  hangMs?: number;
  /** Customers who decline on every channel (empty wallet); default: none beyond the channel's own decline rate. */
  customerDeclines?: (orderId: string) => boolean;
}

const PENDING_RESOLVE = { medianMs: 8000, p99Ms: 40_000 };
/** Share of USERPAYING orders the payer completes (the rest end PAYERROR), unless the channel says. */
const PENDING_COMPLETES = 0.9;
/** What {@link ChannelSimulator.outage} returns for a call that hangs. */
const HANG = -1;

/**
 * The channels' behaviour, flavour-neutral: baseline plus faults decide each call's fate, the
 * order book keeps the money's truth, callbacks go out when money moves. Both the in-process
 * ChannelApi and the HTTP server are thin wrappers over this.
 */
export class ChannelSimulator {
  /** Per channel, what every call needs, found with one map lookup per call (a USERPAYING pay makes a second, for its payer). */
  private readonly lanes = new Map<string, Lane>();
  /**
   * One generator per kind of call, restarted on each call's own stream (no allocation per call).
   * A call draws from its stream before it returns and no callback keeps it, and a call of one kind
   * never runs inside another of the same kind, so a restart never pulls a stream from under a draw.
   */
  private readonly streams: Rng[] = OPS.map(() => new Rng(''));
  /** flavour → code → the answer's constant part, since the table lookup normalises strings. */
  private readonly answers: Record<ChannelProfile['flavour'], Map<string, AnswerBase>> = {
    wechat: new Map(),
    alipay: new Map(),
    unionpay: new Map(),
    bank: new Map(),
  };
  private readonly opts: ChannelSimulatorOptions;
  /** USERPAYING orders waiting for their payer, on one timer. */
  private readonly payers: DueQueue;
  private readonly latencyScale: number;
  private readonly hangMs: number;

  constructor(opts: ChannelSimulatorOptions) {
    this.opts = opts;
    this.payers = new DueQueue(opts.scheduler);
    for (const p of opts.channels) {
      // each op's RNG forks, in the order of OPS (the calls so far per order, the n in each key, are in the book's records)
      const forks = OPS.map((op) => opts.rng.forks(`${op}|${p.id}|`));
      this.lanes.set(p.id, { profile: p, codes: flavourCodes[p.flavour], forks });
    }
    this.latencyScale = opts.latencyScale ?? 1;
    this.hangMs = opts.hangMs ?? 30_000;
  }

  get book(): OrderBook {
    return this.opts.book;
  }

  get faults(): FaultEngine {
    return this.opts.faults;
  }

  channels(): ChannelProfile[] {
    return [...this.lanes.values()].map((l) => l.profile);
  }

  profile(channel: string): ChannelProfile {
    return this.lane(channel).profile;
  }

  private lane(channel: string): Lane {
    const lane = this.lanes.get(channel);
    if (!lane) throw new SimulatorError('unknown_channel', `no channel "${channel}"`);
    return lane;
  }

  pay(channel: string, req: PayRequest): CallFate {
    const lane = this.lane(channel);
    const p = lane.profile;
    const codes = lane.codes;
    const now = this.opts.scheduler.clock.now();
    // One record per (channel, order): this call's count and the trade, one map walk for the whole pay.
    const rec = this.opts.book.record(channel, req.orderId, now);
    const rng = this.fork('pay', lane, req.orderId, rec);

    // One draw per fault in force, whatever the outcome, so one fault more or less does not shift
    // the others' dice; a hit's draw, rescaled (u / p), is its uniform jitter.
    let primary: Fault | undefined;
    let extraLatency = 0;
    let cbHit = false;
    let cbLost = false;
    let cbDelayMs = 0;
    let cbDuplicate = false;
    for (const fault of this.opts.faults.forChannel(channel)) {
      if (!scopeMatches(fault.scope, req, 'pay')) continue;
      const prob = probabilityAt(fault, now);
      if (!(prob > 0)) continue;
      const u = rng.next();
      if (u >= prob) continue;
      switch (fault.kind) {
        case 'latency':
          extraLatency += latencyAt(fault, now);
          break;
        case 'callback_lost':
          cbLost = true;
          cbHit = true;
          break;
        case 'callback_delayed':
          cbDelayMs += fault.latencyMs ?? 60_000;
          cbHit = true;
          break;
        case 'callback_reorder':
          cbDelayMs += (u / prob) * (fault.latencyMs ?? 30_000);
          cbHit = true;
          break;
        case 'callback_duplicate':
          cbDuplicate = true;
          cbHit = true;
          break;
        default:
          primary ??= fault;
      }
    }
    // the callback's fate: the shared untouched one unless a callback fault hit (most pays: no object)
    const cb = cbHit
      ? { lost: cbLost, delayMs: cbDelayMs, duplicate: cbDuplicate }
      : CALLBACK_UNTOUCHED;
    const uErr = rng.next();
    const uRisk = rng.next();
    const uDecline = rng.next();
    const uPending = rng.next();
    const declineIdx = rng.int(codes.decline.length);
    const latency = this.latency(rng, p, extraLatency);

    // The fates below open the trade only when there is none.
    const existing = rec.trade;
    if (existing?.status === 'SUCCESS') return this.answer(p.flavour, codes.orderPaid, latency);
    if (existing?.status === 'CLOSED') return this.answer(p.flavour, codes.orderClosed, latency);

    if (primary) return this.faultFate(primary, p, codes, req, rec, now, latency, cb);

    if (
      (p.maxAmount !== undefined && req.amount > p.maxAmount) ||
      (p.minAmount !== undefined && req.amount < p.minAmount)
    ) {
      return this.failTrade(p, req, rec, now, codes.amountLimit, latency);
    }
    if (uErr < p.errorRate) return this.failTrade(p, req, rec, now, codes.error, latency);
    if (uRisk < p.riskRate) return this.failTrade(p, req, rec, now, codes.risk, latency);
    if (this.opts.customerDeclines?.(req.orderId) || uDecline < p.declineRate) {
      return this.failTrade(p, req, rec, now, codes.decline[declineIdx], latency);
    }
    if (uPending < p.pendingRate) return this.pending(p, codes, req, rec, now, latency, cb);
    return this.succeed(p, codes, req, rec, now, latency, cb);
  }

  query(channel: string, orderId: string): StatusFate {
    const lane = this.lane(channel);
    const p = lane.profile;
    const rng = this.fork(
      'query',
      lane,
      orderId,
      this.opts.book.record(channel, orderId, this.opts.scheduler.clock.now()),
    );
    const latency = this.latency(rng, p, 0);
    const extra = this.outage(channel, 'query', rng);
    if (extra === HANG) return { kind: 'hang', latencyMs: this.hangMs };
    return {
      kind: 'answer',
      status: this.opts.book.status(channel, orderId),
      latencyMs: latency + extra,
    };
  }

  /** Closes an unpaid order so that a late payment cannot land on it; a paid one stays paid. */
  close(channel: string, orderId: string): StatusFate & { closed?: boolean } {
    const lane = this.lane(channel);
    const now = this.opts.scheduler.clock.now();
    const rec = this.opts.book.record(channel, orderId, now);
    const rng = this.fork('close', lane, orderId, rec);
    const base = this.latency(rng, lane.profile, 0);
    const extra = this.outage(channel, 'close', rng);
    if (extra === HANG) return { kind: 'hang', latencyMs: this.hangMs };
    const latency = base + extra;
    const t = rec.trade ?? this.opts.book.openIn(rec, 0);
    if (t.status === 'SUCCESS')
      return { kind: 'answer', status: 'SUCCESS', closed: false, latencyMs: latency };
    t.status = 'CLOSED';
    return { kind: 'answer', status: 'CLOSED', closed: true, latencyMs: latency };
  }

  refund(channel: string, orderId: string, amount: number): StatusFate & { refunded?: number } {
    const lane = this.lane(channel);
    const rec = this.opts.book.record(channel, orderId, this.opts.scheduler.clock.now());
    const rng = this.fork('refund', lane, orderId, rec);
    const base = this.latency(rng, lane.profile, 0);
    const extra = this.outage(channel, 'refund', rng);
    if (extra === HANG) return { kind: 'hang', latencyMs: this.hangMs };
    const latency = base + extra;
    const t = rec.trade;
    if (t?.status !== 'SUCCESS')
      return { kind: 'answer', status: t?.status ?? 'NOT_EXIST', refunded: 0, latencyMs: latency };
    const refunded = Math.min(amount, t.amount - t.refunded);
    t.refunded += refunded;
    return { kind: 'answer', status: 'SUCCESS', refunded, latencyMs: latency };
  }

  /** An active health probe: channel-wide faults only (a probe belongs to no store). */
  probe(channel: string): CallFate {
    const lane = this.lane(channel);
    const p = lane.profile;
    const codes = lane.codes;
    const now = this.opts.scheduler.clock.now();
    const rng = this.fork('probe', lane, '', this.opts.book.record(channel, '', now));
    let primary: Fault | undefined;
    let extra = 0;
    for (const { fault, p: prob } of this.opts.faults.forRequest(channel, now, {})) {
      if (!(rng.next() < prob)) continue;
      if (fault.kind === 'latency') extra += latencyAt(fault, now);
      else if (
        ['maintenance', 'timeout', 'error', 'rate_limit', 'flapping', 'charged_timeout'].includes(
          fault.kind,
        )
      )
        primary ??= fault;
    }
    const uErr = rng.next();
    const latency = this.latency(rng, p, extra);
    if (primary) {
      const effect = effectOf(primary);
      if (effect === 'hang') return { kind: 'hang', latencyMs: this.hangMs, faultId: primary.id };
      return this.answer(p.flavour, primary.code ?? codeFor(codes, effect), latency, primary.id);
    }
    return this.answer(p.flavour, uErr < p.errorRate ? codes.error : codes.success, latency);
  }

  /** The fate a fault gives a pay, tagged with the fault's id (no closure: this runs per request). */
  private faultFate(
    fault: Fault,
    p: ChannelProfile,
    codes: FlavourCodes,
    req: PayRequest,
    rec: OrderRecord,
    now: number,
    latency: number,
    cb: CallbackFate,
  ): CallFate {
    const effect = effectOf(fault);
    switch (effect) {
      case 'hang':
        return { kind: 'hang', latencyMs: this.hangFor(fault), faultId: fault.id };
      case 'charged_hang': {
        const t = rec.trade ?? this.opts.book.openIn(rec, req.amount);
        t.answerLost = true;
        this.chargeAndNotify(t, p, now, cb);
        return { kind: 'hang', latencyMs: this.hangFor(fault), faultId: fault.id };
      }
      case 'pending':
        return this.pending(p, codes, req, rec, now, latency, cb, fault.id);
      default:
        return this.failTrade(
          p,
          req,
          rec,
          now,
          fault.code ?? codeFor(codes, effect),
          latency,
          fault.id,
        );
    }
  }

  private succeed(
    p: ChannelProfile,
    codes: FlavourCodes,
    req: PayRequest,
    rec: OrderRecord,
    now: number,
    latency: number,
    cb: CallbackFate,
  ): CallFate {
    const t = rec.trade ?? this.opts.book.openIn(rec, req.amount);
    // An answer slower than the caller's patience is lost to it, though the money moved.
    if (latency > 0 && latency >= req.timeoutMs) t.answerLost = true;
    this.chargeAndNotify(t, p, now, cb);
    return this.answer(p.flavour, codes.success, latency);
  }

  private pending(
    p: ChannelProfile,
    codes: FlavourCodes,
    req: PayRequest,
    rec: OrderRecord,
    _now: number,
    latency: number,
    cb: CallbackFate,
    faultId?: string,
  ): CallFate {
    const t = rec.trade ?? this.opts.book.openIn(rec, req.amount);
    t.status = 'USERPAYING';
    const rng = this.fork('payer', this.lane(p.id), req.orderId, rec);
    // The payer's own time, not channel latency: never scaled.
    const after = Math.round(rng.lognormal(PENDING_RESOLVE.medianMs, PENDING_RESOLVE.p99Ms));
    const completes = rng.chance(p.payerConfirms ?? PENDING_COMPLETES);
    this.payers.after(after, () => {
      // A close (or a reversal) before the payer confirmed wins: no money moves.
      if (t.status !== 'USERPAYING') return;
      if (completes) this.chargeAndNotify(t, p, this.opts.scheduler.clock.now(), cb);
      else t.status = 'PAYERROR';
    });
    return this.answer(p.flavour, codes.pending, latency, faultId);
  }

  private failTrade(
    p: ChannelProfile,
    req: PayRequest,
    rec: OrderRecord,
    _now: number,
    code: string,
    latency: number,
    faultId?: string,
  ): CallFate {
    const t = rec.trade ?? this.opts.book.openIn(rec, req.amount);
    if (t.status === 'NOTPAY') t.status = 'PAYERROR';
    return this.answer(p.flavour, code, latency, faultId);
  }

  private chargeAndNotify(t: OrderRecord, p: ChannelProfile, now: number, cb: CallbackFate): void {
    if (!this.opts.book.charge(t)) return;
    t.callbackLost = cb.lost;
    if (!cb.lost) t.callbacksDelivered++;
    this.opts.callbacks?.dispatch(
      {
        channel: p.id,
        flavour: p.flavour,
        orderId: t.orderId,
        amount: t.amount,
        status: 'SUCCESS',
        paidAt: now,
      },
      cb,
    );
  }

  /** An answer, always built with the same fields in the same order (one object shape on the hot path). */
  private answer(
    flavour: ChannelProfile['flavour'],
    code: string,
    latencyMs: number,
    faultId?: string,
  ): CallFate & { kind: 'answer' } {
    const byCode = this.answers[flavour];
    let a = byCode.get(code);
    if (!a) {
      const cls = flavourClassifiers[flavour].classify(code).cls;
      a = {
        outcome: healthClass(cls),
        pending: cls === 'pending',
        httpStatus: httpStatusFor(flavour, code),
      };
      byCode.set(code, a);
    }
    return {
      kind: 'answer',
      code,
      outcome: a.outcome,
      pending: a.pending,
      httpStatus: a.httpStatus,
      latencyMs,
      faultId,
    };
  }

  /**
   * What channel-wide outages (maintenance, hangs, the on phase of a flap) do to a query, close or
   * refund: {@link HANG}, or the extra latency of latency faults scoped to this operation (one
   * without an operation scope slows pays only). One draw per fault in force.
   */
  private outage(channel: string, op: FaultOperation, rng: Rng): number {
    const now = this.opts.scheduler.clock.now();
    let hit = false;
    let extra = 0;
    for (const { fault, p } of this.opts.faults.forRequest(channel, now, {}, op)) {
      const u = rng.next();
      if (!(u < p)) continue;
      const effect = effectOf(fault);
      if (effect === 'hang' || effect === 'charged_hang' || effect === 'maintenance') hit = true;
      else if (fault.kind === 'latency' && fault.scope?.operation) extra += latencyAt(fault, now);
    }
    return hit ? HANG : this.scale(extra);
  }

  private hangFor(fault: Fault): number {
    return this.scale(
      fault.kind === 'timeout' && fault.latencyMs !== undefined ? fault.latencyMs : this.hangMs,
    );
  }

  private scale(ms: number): number {
    return Math.round(ms * this.latencyScale);
  }

  /** The channel's answer latency plus `extra`, scaled. At scale 0 the draws are made (the stream stays the same) but the lognormal is not computed. */
  private latency(rng: Rng, p: ChannelProfile, extra: number): number {
    if (this.latencyScale === 0) {
      rng.next(); // a lognormal is one normal: two uniforms
      rng.next();
      return 0;
    }
    return this.scale(rng.lognormal(p.latency.medianMs, p.latency.p99Ms) + extra);
  }

  /**
   * This call's own stream, keyed `${op}|${channel}|${orderId}|${n}` for its n-th call of op on the
   * order; `rec` is the order's record in the book, which counts the calls.
   */
  private fork(op: OrderOp, lane: Lane, orderId: string, rec: OrderRecord): Rng {
    // named fields and an index, not rec[op]: a property name that varies makes every such load a slow one
    let n: number;
    let i: number;
    switch (op) {
      case 'pay':
        n = ++rec.pay;
        i = 0;
        break;
      case 'query':
        n = ++rec.query;
        i = 1;
        break;
      case 'close':
        n = ++rec.close;
        i = 2;
        break;
      case 'refund':
        n = ++rec.refund;
        i = 3;
        break;
      case 'probe':
        n = ++rec.probe;
        i = 4;
        break;
      case 'payer':
        n = ++rec.payer;
        i = 5;
        break;
    }
    return lane.forks[i].forkInto(this.streams[i], orderId, n);
  }
}

interface Lane {
  profile: ChannelProfile;
  codes: FlavourCodes;
  forks: RngForks[];
}

const OPS: readonly OrderOp[] = ['pay', 'query', 'close', 'refund', 'probe', 'payer'];

/** The fate of a callback no fault touched: shared, never written. */
const CALLBACK_UNTOUCHED: Readonly<CallbackFate> = Object.freeze({
  lost: false,
  delayMs: 0,
  duplicate: false,
});

type AnswerBase = Pick<CallFate & { kind: 'answer' }, 'outcome' | 'pending' | 'httpStatus'>;

type Effect =
  | 'hang'
  | 'charged_hang'
  | 'pending'
  | 'maintenance'
  | 'error'
  | 'risk'
  | 'decline'
  | 'rate_limit';

function effectOf(f: Fault): Effect {
  switch (f.kind) {
    case 'timeout':
      return 'hang';
    case 'charged_timeout':
      return 'charged_hang';
    case 'userpaying':
      return 'pending';
    case 'flapping':
      return flapEffect(f.effect ?? 'error');
    case 'maintenance':
    case 'error':
    case 'risk':
    case 'decline':
    case 'rate_limit':
      return f.kind;
    default:
      return 'error';
  }
}

function flapEffect(e: FlapEffect): Effect {
  return e === 'timeout' ? 'hang' : e;
}

function codeFor(codes: FlavourCodes, effect: Effect): string {
  switch (effect) {
    case 'maintenance':
      return codes.maintenance;
    case 'risk':
      return codes.risk;
    case 'decline':
      return codes.decline[0];
    case 'rate_limit':
      return codes.rateLimited;
    case 'pending':
      return codes.pending;
    default:
      return codes.error;
  }
}
