// E[g_d(X)] as a function of d, for X given by its quantile function: a fixed tanh-sinh rule
// over u in (0, 1) whose nodes (and so the costly quantiles) are computed once, so that a
// root finder can evaluate the expectation for many d cheaply. Accurate to about 1e-8 for the
// smooth, bounded integrands used here (distribution functions of a second, wider variable).

const H = 1 / 24;
const T_MAX = 3.3; // beyond this the nodes are within 1e-16 of the ends

interface Node {
  u: number;
  w: number;
}

const NODES: Node[] = (() => {
  const nodes: Node[] = [];
  for (let k = -Math.ceil(T_MAX / H); k <= Math.ceil(T_MAX / H); k++) {
    const t = k * H;
    const s = (Math.PI / 2) * Math.sinh(t);
    // x = tanh(s) in (-1, 1) mapped to u = (1 + x) / 2, written so that u keeps its precision near 0
    const u = 1 / (1 + Math.exp(-2 * s));
    const w = (H * (Math.PI / 2) * Math.cosh(t)) / Math.cosh(s) ** 2 / 2;
    if (u > 0 && u < 1) nodes.push({ u, w });
  }
  return nodes;
})();

export function expectationOverQuantiles(quantile: (u: number) => number, g: (x: number) => (d: number) => number): (d: number) => number {
  const fs = NODES.map((n) => ({ w: n.w, f: g(quantile(n.u)) }));
  const total = fs.reduce((s, n) => s + n.w, 0);
  return (d) => {
    let sum = 0;
    for (const n of fs) sum += n.w * n.f(d);
    return sum / total;
  };
}

/** The d in [lo, hi] where the increasing function `f` reaches `target` (bisection to 1e-12). */
export function invertIncreasing(f: (d: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
