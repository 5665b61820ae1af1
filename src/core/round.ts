/** `x` to `digits` decimals: the one rounding of figures in evidence, reports and benches. */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
