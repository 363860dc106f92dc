import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateFlag, type FlagDef } from "../../server/flags/evaluate";
import { createFlagInput, flagChange } from "../../server/flags/schema";

const vectors = JSON.parse(readFileSync(new URL("../../server/flags/evaluation-vectors.json", import.meta.url), "utf8"));
const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");

const subjectOf = (s: any) => ({ ...s, cohorts: s.cohorts === undefined ? undefined : new Set<string>(s.cohorts) });

describe("flag evaluation", { timeout: 60_000 }, () => {
  it("passes the published evaluation vectors", () => {
    expect(vectors.cases.length).toBeGreaterThan(500);
    const wrong = [];
    for (const c of vectors.cases) {
      const got = evaluateFlag(vectors.flags[c.flag], subjectOf(c.subject));
      if (JSON.stringify(got) !== JSON.stringify(c.expected)) wrong.push({ flag: c.flag, subject: c.subject, got, expected: c.expected });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("the Node SDK's copy is the server's code below the imports", () => {
    const body = (s: string) => s.slice(s.indexOf("\nexport type FlagScalar"));
    expect(body(read("../../sdk/node/src/flags-evaluate.ts"))).toBe(body(read("../../server/flags/evaluate.ts")));
  });

  it("a 20% rollout lets in 20% +/- 1% of 100k ids", () => {
    const flag: FlagDef = { key: "twenty", type: "boolean", enabled: true, rules: [{ conditions: [], rollout: 20 }], variants: [], payloads: {}, environments: [] };
    let on = 0;
    for (let i = 0; i < 100_000; i++) if (evaluateFlag(flag, { distinctId: `user-${i}` }).value === true) on++;
    expect(Math.abs(on / 100_000 - 0.2)).toBeLessThan(0.01);
  });

  it("variant shares follow the weights over 100k ids", () => {
    const flag: FlagDef = {
      key: "colors", type: "multivariate", enabled: true, rules: [{ conditions: [], rollout: 100 }], payloads: {}, environments: [],
      variants: [{ key: "a", weight: 50 }, { key: "b", weight: 30 }, { key: "c", weight: 20 }],
    };
    const n: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 100_000; i++) n[evaluateFlag(flag, { distinctId: `user-${i}` }).value as string]!++;
    expect(Math.abs(n.a! / 1e5 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(n.b! / 1e5 - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(n.c! / 1e5 - 0.2)).toBeLessThan(0.01);
  });

  it("changing one flag's rollout reshuffles no other flag, and raising it only adds people", () => {
    const mk = (key: string, rollout: number): FlagDef => ({ key, type: "multivariate", enabled: true, rules: [{ conditions: [], rollout }], payloads: {}, environments: [], variants: [{ key: "x", weight: 50 }, { key: "y", weight: 50 }] });
    const ids = Array.from({ length: 20_000 }, (_, i) => `id-${i}`);
    const other = mk("other", 40);
    const before = ids.map((id) => evaluateFlag(other, { distinctId: id }).value);
    const low = ids.map((id) => evaluateFlag(mk("changing", 10), { distinctId: id }).value);
    const high = ids.map((id) => evaluateFlag(mk("changing", 60), { distinctId: id }).value);
    const after = ids.map((id) => evaluateFlag(other, { distinctId: id }).value);
    expect(after).toEqual(before);
    // Everyone in at 10% is still in at 60%, with the same variant.
    low.forEach((v, i) => v !== false && expect(high[i]).toBe(v));
    expect(high.filter((v) => v !== false).length).toBeGreaterThan(low.filter((v) => v !== false).length);
  });

  it("first matching rule decides, even when its rollout leaves the person out", () => {
    const flag: FlagDef = {
      key: "order", type: "boolean", enabled: true, payloads: {}, environments: [], variants: [],
      rules: [{ conditions: [{ type: "person", key: "plan", operator: "equals", value: "pro" }], rollout: 0 }, { conditions: [], rollout: 100 }],
    };
    expect(evaluateFlag(flag, { distinctId: "a", properties: { plan: "pro" } })).toMatchObject({ value: false, reason: "out_of_rollout", ruleIndex: 0 });
    expect(evaluateFlag(flag, { distinctId: "a", properties: { plan: "free" } })).toMatchObject({ value: true, reason: "rule_match", ruleIndex: 1 });
  });

  it("an invalid regex matches nothing instead of throwing", () => {
    const flag: FlagDef = { key: "re", type: "boolean", enabled: true, payloads: {}, environments: [], variants: [], rules: [{ conditions: [{ type: "person", key: "x", operator: "regex", value: "(" }], rollout: 100 }] };
    expect(evaluateFlag(flag, { distinctId: "a", properties: { x: "(" } }).value).toBe(false);
  });
});

describe("flag schemas", () => {
  it("multivariate weights must add up to 100, naming the field", () => {
    const r = createFlagInput.safeParse({ key: "mv", type: "multivariate", variants: [{ key: "a", weight: 50 }, { key: "b", weight: 40 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ["variants"], message: expect.stringContaining("add up to 100") });
  });

  it("variant overrides and payloads must name a variant", () => {
    const r = createFlagInput.safeParse({
      key: "mv", type: "multivariate", variants: [{ key: "a", weight: 50 }, { key: "b", weight: 50 }],
      rules: [{ conditions: [], rollout: 100, variant: "c" }], payloads: { d: 1 },
    });
    expect(r.error!.issues.map((i) => i.path.join("."))).toEqual(["rules.0.variant", "payloads.d"]);
  });

  it("conditions: person filters with the insight operators, cohorts, ids, environments", () => {
    const r = createFlagInput.parse({
      key: "beta.banner_v2",
      rules: [{ conditions: [
        { type: "person", key: "plan", operator: "in", value: ["pro", "team"] },
        { type: "cohort", cohortId: "7a0d4c8e-2b1f-4f6e-9c3d-5e8a1b2c3d4e" },
        { type: "distinct_id", values: ["u1"] },
        { type: "environment", values: ["production"] },
      ], rollout: 25 }],
    });
    expect(r.rules[0]!.conditions).toHaveLength(4);
    expect(r.rules[0]!.variant).toBeNull();
    expect(createFlagInput.safeParse({ key: "x", rules: [{ conditions: [{ type: "event", key: "a", operator: "is_set" }] }] }).success).toBe(false);
    expect(createFlagInput.safeParse({ key: "has space" }).error!.issues[0]!.path).toEqual(["key"]);
    expect(createFlagInput.safeParse({ key: "r", rules: [{ rollout: 101 }] }).error!.issues[0]!.path).toEqual(["rules", 0, "rollout"]);
  });

  it("a boolean flag defaults to one rule for everyone, off", () => {
    expect(createFlagInput.parse({ key: "b" })).toMatchObject({ enabled: false, type: "boolean", rules: [{ conditions: [], rollout: 100, variant: null }] });
    expect(flagChange.parse({})).toEqual({});
  });
});
