// Sample ratio mismatch: a chi-square goodness-of-fit test of the observed arm sizes against the
// intended split. Flagged at p < 0.001, the usual threshold (Fabijan et al., KDD 2019): with
// many experiments checked daily, a looser one would raise false alarms every week.
import { chisquareUpper } from "./distributions";

export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  chi2: number;
  df: number;
  pValue: number;
  /** pValue < 0.001 */
  mismatch: boolean;
  expected: number[];
}

/** `weights` are the intended shares in any scale (e.g. [50, 50] or [1, 1, 2]). */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  if (observed.length !== weights.length) throw new RangeError("observed and weights must have the same length");
  if (observed.length < 2) throw new RangeError("at least two arms are needed");
  const total = observed.reduce((s, o) => s + o, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) chi2 += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  const df = observed.length - 1;
  const pValue = total === 0 ? 1 : chisquareUpper(chi2, df);
  return { chi2: total === 0 ? 0 : chi2, df, pValue, mismatch: pValue < SRM_THRESHOLD, expected };
}
