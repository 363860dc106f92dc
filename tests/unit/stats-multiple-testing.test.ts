// Reference: the definitions of R's p.adjust(method = "holm" / "BH"), evaluated in exact rational
// arithmetic in tests/unit/stats-reference-values.py ("holm" and "bh" lines).
import { describe, expect, it } from "vitest";
import { benjaminiHochberg, holm } from "../../server/experiments/stats";

const p = [0.01, 0.04, 0.03, 0.005, 0.2];

describe("multiple-testing control", () => {
  it("Holm", () => {
    const expected = [1 / 25, 9 / 100, 9 / 100, 1 / 40, 1 / 5];
    holm(p).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 15));
  });
  it("Benjamini-Hochberg", () => {
    const expected = [1 / 40, 1 / 20, 1 / 20, 1 / 40, 1 / 5];
    benjaminiHochberg(p).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 15));
  });
  it("caps at 1, keeps order, and leaves one test alone", () => {
    expect(holm([0.6, 0.5])).toEqual([1, 1]);
    expect(benjaminiHochberg([0.6, 0.5])).toEqual([0.6, 0.6]);
    expect(holm([0.03])).toEqual([0.03]);
    expect(benjaminiHochberg([])).toEqual([]);
  });
});
