import { CholeskyDecomposition, Matrix } from "ml-matrix";
import type { SparseRow } from "./features";

/**
 * Penalised least squares: minimise |y - X b|^2 + sum_j ridge_j (b_j - m_j)^2 + sum over pairs
 * weight (b_i - b_j)^2, where m is a prior mean (zero, or a parent model's coefficients), solved
 * from the normal equations (X'X + P) b = X'y + R m by Cholesky.
 * X'X is accumulated from sparse rows, so a fit costs O(n * nnz^2 + p^3).
 */
export interface Penalty {
  /** Ridge weight per column (0 leaves a column free, e.g. the intercept). */
  ridge: Float64Array;
  /** Prior mean the ridge shrinks towards (default zero). */
  prior?: Float64Array;
  /** Difference penalties: weight * (b[i] - b[j])^2. */
  differences: { i: number; j: number; weight: number }[];
}

export class NormalEquations {
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  n = 0;
  sumY = 0;
  sumY2 = 0;
  constructor(readonly p: number) {
    this.xtx = new Float64Array(p * p);
    this.xty = new Float64Array(p);
  }

  add(row: SparseRow, y: number): void {
    const { idx, val } = row;
    const p = this.p;
    for (let a = 0; a < idx.length; a++) {
      const ia = idx[a]!;
      const va = val[a]!;
      this.xty[ia]! += va * y;
      for (let b = 0; b < idx.length; b++) this.xtx[ia * p + idx[b]!]! += va * val[b]!;
    }
    this.n++;
    this.sumY += y;
    this.sumY2 += y * y;
  }

  solve(penalty: Penalty): Float64Array {
    const p = this.p;
    const a = Matrix.zeros(p, p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) a.set(i, j, this.xtx[i * p + j]!);
    for (let i = 0; i < p; i++) a.set(i, i, a.get(i, i) + penalty.ridge[i]!);
    for (const { i, j, weight } of penalty.differences) {
      a.set(i, i, a.get(i, i) + weight);
      a.set(j, j, a.get(j, j) + weight);
      a.set(i, j, a.get(i, j) - weight);
      a.set(j, i, a.get(j, i) - weight);
    }
    const chol = new CholeskyDecomposition(a);
    if (!chol.isPositiveDefinite()) throw new Error("price model: normal equations are not positive definite");
    const rhs = Array.from(this.xty, (v, i) => v + (penalty.prior ? penalty.ridge[i]! * penalty.prior[i]! : 0));
    const b = chol.solve(Matrix.columnVector(rhs));
    return Float64Array.from(b.getColumn(0));
  }
}
