import { type ChannelState, enter } from './ChannelState.ts';
import type { DecisionReason, Evidence } from './decision.ts';
import { EngineError } from './errors.ts';
import type { PlannedMaintenance } from './views.ts';

export interface MaintenanceInput {
  channel: string;
  /** Epoch ms. */
  from: number;
  to: number;
  /** Traffic drains this long before `from`; default 0. */
  leadMs?: number;
  reason?: string;
  /** Kept when given (config ids); otherwise `mw-N`. */
  id?: string;
}

/** A transition a module asks the Engine to make. */
export interface Move {
  next: ChannelState;
  reason: DecisionReason;
  evidence: Evidence;
}

/**
 * The planned maintenance of every channel: what is booked, and which booking is due now. It
 * keeps the book and says which move is due; the Engine makes it.
 */
export class MaintenancePlan {
  private readonly booked = new Map<string, PlannedMaintenance>();
  private lastId = 0;

  add(m: MaintenanceInput): PlannedMaintenance {
    if (!(Number.isFinite(m.from) && Number.isFinite(m.to) && m.from < m.to))
      throw new EngineError(
        'bad_maintenance',
        `maintenance needs from < to, got from=${m.from} to=${m.to}`,
      );
    const leadMs = m.leadMs ?? 0;
    if (!(leadMs >= 0 && leadMs < Infinity))
      throw new EngineError('bad_maintenance', `leadMs must be ≥ 0, got ${leadMs}`);
    const id = m.id ?? `mw-${++this.lastId}`;
    const planned: PlannedMaintenance = {
      id,
      channel: m.channel,
      from: m.from,
      to: m.to,
      leadMs,
      reason: m.reason ?? 'planned maintenance',
    };
    this.booked.set(id, planned);
    return planned;
  }

  get(id: string): PlannedMaintenance | undefined {
    return this.booked.get(id);
  }

  delete(id: string): boolean {
    return this.booked.delete(id);
  }

  /** The booking of `channel` whose drain has begun and whose end is ahead; past ones are dropped. */
  due(channel: string, now: number): PlannedMaintenance | null {
    for (const m of this.booked.values()) {
      if (m.channel !== channel || now < m.from - m.leadMs) continue;
      if (now >= m.to) {
        this.booked.delete(m.id);
        continue;
      }
      return m;
    }
    return null;
  }

  /**
   * The move planned maintenance makes of a channel now: out of `maintenance` into trial calls
   * at its end (the booking done), into it when a booking's drain begins; null for none.
   */
  next(channel: string, s: ChannelState, overridden: boolean, now: number): Move | null {
    if (s.state === 'maintenance') {
      if (now < s.until) return null;
      if (s.plan) this.booked.delete(s.plan);
      const evidence = { window: s.plan ?? 'manual' };
      return { next: enter.probing(now, 'maintenance_end'), reason: 'maintenance_end', evidence };
    }
    if (overridden) return null;
    const m = this.due(channel, now);
    if (!m) return null;
    return {
      next: enter.maintenance(now, 'maintenance_window', m.to, m.id),
      reason: 'maintenance_window',
      evidence: { window: m.id, from: m.from, to: m.to, leadMs: m.leadMs, note: m.reason },
    };
  }

  /** The move a cancelled booking calls for: out of maintenance at once if it was under way. */
  cancelled(m: PlannedMaintenance, s: ChannelState, now: number): Move | null {
    if (s.state !== 'maintenance' || s.plan !== m.id) return null;
    const evidence = { window: m.id, cancelled: true };
    return { next: enter.probing(now, 'maintenance_end'), reason: 'maintenance_end', evidence };
  }

  snapshot(): PlanSnapshot {
    return { bookings: this.list(), lastId: this.lastId };
  }

  /** Take back a snapshot's bookings (over whatever is booked) and its id counter. */
  restore(s: PlanSnapshot): void {
    this.booked.clear();
    for (const m of s.bookings) this.booked.set(m.id, { ...m });
    this.lastId = Math.max(this.lastId, s.lastId);
  }

  /** Every booking, soonest first. */
  list(): PlannedMaintenance[] {
    return [...this.booked.values()].sort((a, b) => a.from - b.from || a.id.localeCompare(b.id));
  }
}

export interface PlanSnapshot {
  bookings: PlannedMaintenance[];
  /** The last `mw-N` handed out, so that ids are never reused. */
  lastId: number;
}
