/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965, with the standard coefficients
 * reflection 1, expansion 2, contraction 0.5, shrink 0.5 as in Lagarias et al. 1998).
 * Unconstrained: callers map bounded parameters through a transform.
 */
export interface NelderMeadOptions {
  /** Initial step per coordinate (default 0.5 or 10% of |x0|, whichever is larger). */
  step?: number[];
  maxIterations?: number;
  /** Stop when the simplex's function values span less than this (absolute + relative). */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  iterations: number;
}

export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tol = options.tolerance ?? 1e-8;
  const value = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: { x: number[]; fx: number }[] = [{ x: x0.slice(), fx: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i] = x[i]! + (options.step?.[i] ?? Math.max(0.5, Math.abs(x0[i]!) * 0.1));
    simplex.push({ x, fx: value(x) });
  }
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.fx - best.fx) <= tol * (Math.abs(best.fx) + tol)) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]!.x[j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = along(-1);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = along(-2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
      continue;
    }
    if (fr < simplex[n - 1]!.fx) {
      simplex[n] = { x: reflected, fx: fr };
      continue;
    }
    const outside = fr < worst.fx;
    const contracted = along(outside ? -0.5 : 0.5);
    const fc = value(contracted);
    if (fc < (outside ? fr : worst.fx)) {
      simplex[n] = { x: contracted, fx: fc };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = simplex[i]!.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!));
      simplex[i] = { x, fx: value(x) };
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, iterations };
}
