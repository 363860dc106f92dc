import { describe, expect, it } from "vitest";
import { wilson, Z95 } from "../../server/query/stats/wilson";

// Published values: Newcombe RG (1998), "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine 17:857-872, Table II,
// method 3 (Wilson score interval without continuity correction), to 4 decimals.
const NEWCOMBE: [number, number, number, number][] = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
];

describe("wilson", () => {
  it.each(NEWCOMBE)("%i/%i matches Newcombe's table", (x, n, low, high) => {
    const w = wilson(x, n);
    expect(w.rate).toBeCloseTo(x / n, 12);
    expect(w.low).toBeCloseTo(low, 4);
    expect(w.high).toBeCloseTo(high, 4);
  });

  it("uses the 97.5% normal quantile", () => {
    expect(Z95).toBeCloseTo(1.96, 3);
  });

  it("is symmetric: x of n mirrors n - x of n", () => {
    const a = wilson(3, 17);
    const b = wilson(14, 17);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it("gives the whole interval with no trials and pins the ends at 0 and n", () => {
    expect(wilson(0, 0)).toEqual({ rate: 0, low: 0, high: 1 });
    expect(wilson(0, 5).low).toBe(0);
    expect(wilson(5, 5).high).toBe(1);
    // n/(n + z^2) is the lower bound at x = n.
    expect(wilson(5, 5).low).toBeCloseTo(5 / (5 + Z95 * Z95), 12);
  });

  it("rejects impossible counts", () => {
    expect(() => wilson(6, 5)).toThrow(RangeError);
  });
});
