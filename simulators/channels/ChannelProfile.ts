import type { Flavour } from '../../src/core/codes/index.ts';

/** One simulated channel and its normal behaviour (its baseline, before any fault). */
export interface ChannelProfile {
  id: string;
  flavour: Flavour;
  pool: string;
  /** Lower is preferred. */
  priority: number;
  /** Lognormal answer latency, given by its median and 99th percentile. */
  latency: { medianMs: number; p99Ms: number };
  /** Share of requests the channel declines for the payer's reasons (besides customers who decline everywhere). */
  declineRate: number;
  /** Share refused by the channel's risk control. */
  riskRate: number;
  /** Share failing with a technical error. */
  errorRate: number;
  /** Share answered USERPAYING (the payer confirms on the phone). */
  pendingRate: number;
  /** Share of USERPAYING orders the payer confirms (the rest end PAYERROR); default 0.9. */
  payerConfirms?: number;
  minAmount?: number;
  maxAmount?: number;
}

export const DEFAULT_BASELINE: Pick<
  ChannelProfile,
  'latency' | 'declineRate' | 'riskRate' | 'errorRate' | 'pendingRate'
> = {
  latency: { medianMs: 180, p99Ms: 1200 },
  declineRate: 0.01,
  riskRate: 0.002,
  errorRate: 0.002,
  pendingRate: 0,
};
