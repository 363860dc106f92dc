/** A statistic as the calculator shows it: six significant digits, exponent form for tiny values, "—" where undefined (null). */
export function formatStat(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 1e-4 || a >= 1e9) return x.toExponential(5).replace("e+", "e");
  return String(Number(x.toPrecision(6)));
}

/** A share as a percentage with two decimals ("2.00%"); "—" where undefined. */
export function formatPercent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : `${(x * 100).toFixed(2)}%`;
}

/** A difference of two shares in percentage points with two decimals ("2.00"); "—" where undefined. */
export function formatPoints(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : (x * 100).toFixed(2);
}
