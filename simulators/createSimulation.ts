import type { Scheduler } from '../src/core/scheduler.ts';
import { CallbackDispatcher, type CallbackSink } from './channels/CallbackDispatcher.ts';
import type { ChannelProfile } from './channels/ChannelProfile.ts';
import { ChannelSimulator } from './channels/ChannelSimulator.ts';
import { InProcessChannels } from './channels/InProcessChannels.ts';
import { FaultEngine, type TimelineEvent } from './faults/FaultEngine.ts';
import { OrderBook } from './ledger/OrderBook.ts';
import { Rng } from './random/Rng.ts';

export interface SimulationOptions {
  scheduler: Scheduler;
  seed: number | string;
  channels: readonly ChannelProfile[];
  /** Payment notifications go here; none: they are only accounted for. */
  callbackSink?: CallbackSink;
  latencyScale?: number;
  hangMs?: number;
  customerDeclines?: (orderId: string) => boolean;
  /** Forget orders older than this (long-running servers and load tests); default keep all. */
  retainMs?: number;
  onFaultChange?: (e: TimelineEvent) => void;
}

/** The simulator's parts wired together: fault engine, order book, channels, and the in-process ChannelApi. */
export interface Simulation {
  scheduler: Scheduler;
  faults: FaultEngine;
  book: OrderBook;
  sim: ChannelSimulator;
  api: InProcessChannels;
  callbacks?: CallbackDispatcher;
}

export function createSimulation(o: SimulationOptions): Simulation {
  const faults = new FaultEngine({
    clock: o.scheduler.clock,
    channels: o.channels.map((c) => c.id),
    onChange: o.onFaultChange,
  });
  const book = new OrderBook(o.retainMs);
  const callbacks = o.callbackSink
    ? new CallbackDispatcher(o.scheduler, o.callbackSink)
    : undefined;
  const sim = new ChannelSimulator({
    scheduler: o.scheduler,
    faults,
    book,
    rng: new Rng(o.seed),
    channels: o.channels,
    callbacks,
    latencyScale: o.latencyScale,
    hangMs: o.hangMs,
    customerDeclines: o.customerDeclines,
  });
  return {
    scheduler: o.scheduler,
    faults,
    book,
    sim,
    api: new InProcessChannels(sim, o.scheduler),
    callbacks,
  };
}
