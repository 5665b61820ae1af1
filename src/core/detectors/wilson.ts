/**
 * Wilson score interval for a binomial proportion x/n at z standard errors:
 * (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). Unlike the bare ratio it stays wide on
 * small samples, so 1 failure in 2 calls does not read as "50 % errors".
 */
export function wilsonLower(x: number, n: number, z = 3): number {
  if (n <= 0) return 0;
  const p = x / n;
  const z2 = z * z;
  return Math.max(
    0,
    (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n),
  );
}

export function wilsonUpper(x: number, n: number, z = 3): number {
  if (n <= 0) return 1;
  const p = x / n;
  const z2 = z * z;
  return Math.min(
    1,
    (p + z2 / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n),
  );
}
