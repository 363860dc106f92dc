// Numerical integration on [a, b] for the Bayesian models: adaptive Gauss-Kronrod (7/15 points)
// with a global error budget, the method of QUADPACK's QAG. The integrands here are bounded and
// smooth in the interior, so this converges quickly to near machine precision.

// Kronrod nodes on [0, 1) of the 15-point rule (symmetric), their Kronrod weights, and the
// weights of the embedded 7-point Gauss rule (at the odd-indexed nodes). From QUADPACK qk15.
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
];
const WGK = [
  0.022935322010529224963732008058970, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [0.129484966168869693270611432679082, 0.279705391489276667901467771423780, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

interface Piece {
  a: number;
  b: number;
  value: number;
  error: number;
}

function kronrod(f: (x: number) => number, a: number, b: number): Piece {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  const fc = f(c);
  let k = fc * WGK[7]!;
  let g = fc * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const s = f(c - dx) + f(c + dx);
    k += WGK[j]! * s;
    if (j % 2 === 1) g += WG[(j - 1) / 2]! * s;
  }
  return { a, b, value: k * h, error: Math.abs((k - g) * h) };
}

/** Integral of `f` over [a, b] to an absolute error of about `tolerance` (or 1e-13 relative). */
export function integrate(f: (x: number) => number, a: number, b: number, tolerance = 1e-13, maxPieces = 2000): number {
  const pieces: Piece[] = [kronrod(f, a, b)];
  for (;;) {
    let total = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < pieces.length; i++) {
      total += pieces[i]!.value;
      error += pieces[i]!.error;
      if (pieces[i]!.error > pieces[worst]!.error) worst = i;
    }
    // Near machine precision the error estimate measures rounding noise, not truncation: stop there too.
    if (error <= Math.max(tolerance, 1e-13 * Math.abs(total)) || pieces.length >= maxPieces) return total;
    const p = pieces[worst]!;
    const mid = (p.a + p.b) / 2;
    pieces.splice(worst, 1, kronrod(f, p.a, mid), kronrod(f, mid, p.b));
  }
}
