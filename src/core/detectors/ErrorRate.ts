import { round } from '../round.ts';
import type { ErrorRateOptions } from '../options.ts';
import type { Trip } from '../ChannelState.ts';
import { Cusum, type CusumSnapshot } from './Cusum.ts';

/**
 * Technical failures (error, timeout, maintenance) against all health-judging outcomes, with two
 * CUSUMs on the same stream: a shift to `degradedRate` degrades, one to `downRate` takes down.
 */
export class ErrorRate {
  readonly degraded: Cusum;
  readonly down: Cusum;

  constructor(private readonly o: ErrorRateOptions) {
    this.degraded = new Cusum(o.baseline, o.degradedRate, o.threshold);
    this.down = new Cusum(o.baseline, o.downRate, o.downThreshold);
  }

  /** Feed one outcome; returns 2 when the down CUSUM trips, 1 for the degraded one, else 0. */
  push(failure: boolean): 0 | 1 | 2 {
    const d = this.degraded.push(failure);
    const x = this.down.push(failure);
    return x ? 2 : d ? 1 : 0;
  }

  trip(level: 1 | 2, failures: number, samples: number): Trip {
    const down = level === 2;
    const c = down ? this.down : this.degraded;
    return {
      to: down ? 'down' : 'degraded',
      reason: 'error_rate',
      urgent: false,
      evidence: {
        window: '10s',
        errorRate: samples > 0 ? round(failures / samples) : 0,
        samples,
        threshold: down ? this.o.downRate : this.o.degradedRate,
        baseline: this.o.baseline,
        recentFailures: c.runFailures,
        recentSamples: c.runSamples,
        cusum: round(c.value),
        h: down ? this.o.downThreshold : this.o.threshold,
      },
    };
  }

  reset(): void {
    this.degraded.reset();
    this.down.reset();
  }

  snapshot(): [degraded: CusumSnapshot, down: CusumSnapshot] {
    return [this.degraded.snapshot(), this.down.snapshot()];
  }

  restore([degraded, down]: [CusumSnapshot, CusumSnapshot]): void {
    this.degraded.restore(degraded);
    this.down.restore(down);
  }
}
