import { describe, expect, it } from "vitest";
import { alertRuleInput, alertSource, breaches, isMuted } from "../../server/alerts/schema";
import { BUILT_IN_RULES } from "../../server/alerts/defaults";

describe("alert conditions", () => {
  it("above and below compare with the threshold; no data never breaches", () => {
    expect(breaches("above", 5, 6, null)).toBe(true);
    expect(breaches("above", 5, 5, null)).toBe(false);
    expect(breaches("below", 5, 4, null)).toBe(true);
    expect(breaches("below", 5, null, null)).toBe(false);
  });
  it("change_pct compares with the previous window; a negative threshold is a drop", () => {
    expect(breaches("change_pct", -20, 79, 100)).toBe(true);
    expect(breaches("change_pct", -20, 81, 100)).toBe(false);
    expect(breaches("change_pct", 50, 150, 100)).toBe(true);
    expect(breaches("change_pct", 50, 149, 100)).toBe(false);
    expect(breaches("change_pct", -20, 0, 0)).toBe(false);
    expect(breaches("change_pct", -20, 5, null)).toBe(false);
  });
});

describe("mute windows", () => {
  it("one-off spans and daily spans (crossing midnight) in UTC", () => {
    const once = [{ kind: "once" as const, from: "2030-01-01T10:00:00Z", to: "2030-01-01T11:00:00Z" }];
    expect(isMuted(once, new Date("2030-01-01T10:30:00Z"))).toBe(true);
    expect(isMuted(once, new Date("2030-01-01T11:00:00Z"))).toBe(false);
    const nightly = [{ kind: "daily" as const, start: "22:00", end: "06:00" }];
    expect(isMuted(nightly, new Date("2030-01-01T23:59:00Z"))).toBe(true);
    expect(isMuted(nightly, new Date("2030-01-01T05:59:00Z"))).toBe(true);
    expect(isMuted(nightly, new Date("2030-01-01T06:00:00Z"))).toBe(false);
    expect(isMuted([{ kind: "daily", start: "09:00", end: "17:00" }], new Date("2030-01-01T12:00:00Z"))).toBe(true);
  });
});

describe("rule schema", () => {
  it("keeps the source a discriminated union on kind", () => {
    expect(alertSource.parse({ kind: "metric", name: "http_errors" })).toEqual({ kind: "metric", name: "http_errors", labels: {}, aggregation: "sum" });
    expect(alertSource.safeParse({ kind: "anomaly", model: "x" }).success).toBe(false);
    expect(alertSource.safeParse({ kind: "insight" }).success).toBe(false);
  });
  it("names the field of a bad input", () => {
    const r = alertRuleInput.safeParse({ name: "", source: { kind: "metric", name: "x" }, condition: "sideways", threshold: 1 });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "condition"]));
  });
  it("built-in rules are valid inputs", () => {
    for (const d of BUILT_IN_RULES) expect(alertRuleInput.parse(d.rule)).toEqual(d.rule);
  });
});
