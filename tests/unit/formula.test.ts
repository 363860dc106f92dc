import { describe, expect, it } from "vitest";
import { evaluateFormula, formulaVariables, parseFormula } from "../../server/query/formula";
import { QueryInputError } from "../../server/query/errors";

const calc = (f: string, vars: Record<string, number> = {}) => evaluateFormula(parseFormula(f), vars);

describe("trends formula", () => {
  it("follows precedence, associativity, unary minus and parentheses", () => {
    expect(calc("1 + 2 * 3")).toBe(7);
    expect(calc("(1 + 2) * 3")).toBe(9);
    expect(calc("10 - 4 - 3")).toBe(3);
    expect(calc("24 / 4 / 2")).toBe(3);
    expect(calc("-2 * -3")).toBe(6);
    expect(calc("-(1 + 2)")).toBe(-3);
    expect(calc("1.5 + .5")).toBe(2);
  });

  it("reads series letters", () => {
    expect(calc("A / B", { A: 3, B: 4 })).toBe(0.75);
    expect(calc("(A - B) / A * 100", { A: 200, B: 50 })).toBe(75);
    expect(calc("A + J", { A: 1 })).toBe(1);
    expect([...formulaVariables(parseFormula("(A-B)/A + C*2"))].sort()).toEqual(["A", "B", "C"]);
  });

  it("answers 0 for a division by zero", () => {
    expect(calc("A / B", { A: 5, B: 0 })).toBe(0);
    expect(calc("1 / (A - A)", { A: 2 })).toBe(0);
    expect(calc("A / 0 + 1", { A: 1 })).toBe(1);
  });

  it("rejects anything but its little language, naming the field", () => {
    for (const bad of ["", "A +", "(A", "A)", "A B", "1..2", "K", "a", "A ** 2", "process.exit()", "A; drop table events", "(".repeat(60) + "A" + ")".repeat(60)]) {
      expect(() => parseFormula(bad), bad).toThrow(QueryInputError);
    }
    try {
      parseFormula("A +");
    } catch (e) {
      expect((e as QueryInputError).field).toBe("formula");
    }
  });
});
