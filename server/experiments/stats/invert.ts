// Root finding for the credible intervals: the point where an increasing function reaches a level.

/**
 * The d in [lo, hi] where the increasing function `f` reaches `target`: the Illinois variant of
 * regula falsi (superlinear, about ten evaluations), falling back to bisection if it stalls.
 */
export function invertIncreasing(f: (d: number) => number, target: number, lo: number, hi: number): number {
  let flo = f(lo) - target;
  let fhi = f(hi) - target;
  if (flo >= 0) return lo;
  if (fhi <= 0) return hi;
  let side = 0;
  for (let i = 0; i < 200; i++) {
    if (hi - lo <= 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi))) break;
    let mid = (lo * fhi - hi * flo) / (fhi - flo);
    if (!(mid > lo && mid < hi) || i % 8 === 7) mid = (lo + hi) / 2;
    const fm = f(mid) - target;
    if (fm === 0) return mid;
    if (fm < 0) {
      lo = mid;
      flo = fm;
      if (side === -1) fhi /= 2;
      side = -1;
    } else {
      hi = mid;
      fhi = fm;
      if (side === 1) flo /= 2;
      side = 1;
    }
  }
  return (lo + hi) / 2;
}
