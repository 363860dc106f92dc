/**
 * Rules that turn the members' forecasts into one, given their rolling-origin backtest scores.
 * Every rule sees only backtest scores (never the points being forecast). The engine's default
 * was chosen by a nested validation on data before the benchmark holdout (docs/decisions/0021).
 *
 * - "inverse-mase2-within-1.5": w_i ~ 1 / MASE_i^2 over the members within 1.5x of the best
 *   backtest MASE (the first engine's rule).
 * - "inverse-mase": w_i ~ 1 / MASE_i over every member.
 * - "shrunk-inverse-mase": half 1 / MASE weights, half equal weights (shrinkage toward the equal
 *   weights that are hard to beat in practice: Smith & Wallis 2009, "the forecast combination
 *   puzzle").
 * - "equal": the plain mean of every member.
 * - "trimmed-equal": the plain mean of the members within 1.5x of the best backtest MASE.
 * - "median": the median of the members per step (Kourentzes et al. 2014 favour median/mode
 *   operators for robustness).
 * - "best": the member with the smallest backtest MASE alone.
 */
export const COMBINATION_RULES = ["inverse-mase2-within-1.5", "inverse-mase", "shrunk-inverse-mase", "equal", "trimmed-equal", "median", "best"] as const;
export type CombinationRule = (typeof COMBINATION_RULES)[number];

const usable = (s: number): boolean => Number.isFinite(s) && s > 0;

/**
 * Linear weights of a rule (they sum to 1). For "median", which is not linear, the weights are
 * the equal weights it is the robust counterpart of (reported, not used to combine).
 */
export function ruleWeights(rule: CombinationRule, scores: number[]): number[] {
  const ok = scores.map(usable);
  // No usable score (e.g. a constant series: every MASE is 0 / 0): nothing to rank by, equal weights.
  if (!ok.some(Boolean)) return scores.map(() => 1 / scores.length);
  const best = Math.min(...scores.filter(usable));
  const normalise = (raw: number[]): number[] => {
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((w) => w / total);
  };
  const within = scores.map((s, i) => ok[i]! && s <= 1.5 * best);
  switch (rule) {
    case "inverse-mase2-within-1.5":
      return normalise(scores.map((s, i) => (within[i] ? 1 / (s * s) : 0)));
    case "inverse-mase":
      return normalise(scores.map((s, i) => (ok[i] ? 1 / s : 0)));
    case "shrunk-inverse-mase": {
      const inv = normalise(scores.map((s, i) => (ok[i] ? 1 / s : 0)));
      const eq = normalise(ok.map((o) => (o ? 1 : 0)));
      return inv.map((w, i) => 0.5 * w + 0.5 * eq[i]!);
    }
    case "equal":
    case "median":
      return normalise(ok.map((o) => (o ? 1 : 0)));
    case "trimmed-equal":
      return normalise(within.map((o) => (o ? 1 : 0)));
    case "best": {
      const i = scores.findIndex((s) => s === best);
      return scores.map((_, j) => (j === i ? 1 : 0));
    }
  }
}

/** Combines forecasts[i][h] of the members by a rule with the given weights. */
export function combineBy(rule: CombinationRule, forecasts: number[][], weights: number[]): number[] {
  const H = forecasts[0]!.length;
  if (rule === "median") {
    const chosen = forecasts.filter((_, i) => weights[i]! > 0);
    return Array.from({ length: H }, (_, h) => median(chosen.map((f) => f[h]!)));
  }
  const out = new Array<number>(H).fill(0);
  forecasts.forEach((f, i) => {
    if (weights[i]! === 0) return;
    for (let h = 0; h < H; h++) out[h]! += weights[i]! * f[h]!;
  });
  return out;
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}
