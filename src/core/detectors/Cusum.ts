/**
 * Bernoulli CUSUM (Page's test) for a shift of the failure probability from p0 to p1:
 * S ← max(0, S + log(p1/p0)) on a failure, S ← max(0, S + log((1−p1)/(1−p0))) otherwise; alarm
 * when S ≥ h. It is the fastest detector of such a shift for a given false-alarm rate: on a healthy
 * stream the mean run between alarms is at least e^h outcomes, while a channel that jumps to p1
 * trips after about h / KL(p1‖p0) outcomes, whatever its traffic volume.
 */
export class Cusum {
  private readonly up: number;
  private readonly down: number;
  value = 0;
  /** Outcomes and failures since the statistic last left zero: the evidence behind an alarm. */
  runSamples = 0;
  runFailures = 0;

  constructor(
    readonly p0: number,
    readonly p1: number,
    readonly h: number,
  ) {
    if (!(p0 > 0 && p0 < p1 && p1 < 1))
      throw new RangeError(`CUSUM needs 0 < p0 < p1 < 1, got p0=${p0} p1=${p1}`);
    if (!(h > 0)) throw new RangeError(`CUSUM threshold must be > 0, got ${h}`);
    this.up = Math.log(p1 / p0);
    this.down = Math.log((1 - p1) / (1 - p0));
  }

  /** Feed one outcome; true when the statistic has reached the threshold. */
  push(failure: boolean): boolean {
    const v = this.value + (failure ? this.up : this.down);
    if (v > 0) {
      this.value = v;
      this.runSamples++;
      if (failure) this.runFailures++;
    } else {
      this.value = this.runSamples = this.runFailures = 0;
    }
    return this.value >= this.h;
  }

  reset(): void {
    this.value = this.runSamples = this.runFailures = 0;
  }

  /** The statistic and its run, for a store: [value, runSamples, runFailures]. */
  snapshot(): CusumSnapshot {
    return [this.value, this.runSamples, this.runFailures];
  }

  restore([value, runSamples, runFailures]: CusumSnapshot): void {
    this.value = value;
    this.runSamples = runSamples;
    this.runFailures = runFailures;
  }
}

export type CusumSnapshot = [value: number, runSamples: number, runFailures: number];
