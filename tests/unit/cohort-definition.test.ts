import { describe, expect, it } from "vitest";
import { compileCohort } from "../../server/query/cohorts/compile";
import { parseIdCsv } from "../../server/query/cohorts/csv";
import { cohortDefinition, COHORT_LIMITS, createCohortInput, referencedCohorts, type RuleGroup } from "../../server/query/cohorts/schema";
import { QueryInputError } from "../../server/query/errors";
import { render } from "../../server/query/sql";

const HOSTILE = "'); DROP TABLE events; --";
const id1 = "11111111-1111-4111-8111-111111111111";
const id2 = "22222222-2222-4222-8222-222222222222";
const leaf = { type: "behavior", event: "search", operator: "at_least", count: 1, days: 7 } as const;

function nested(depth: number): unknown {
  return depth === 1 ? { type: "group", op: "and", rules: [leaf] } : { type: "group", op: "or", rules: [nested(depth - 1)] };
}

describe("cohort definition schema", () => {
  it("accepts every rule type, nested, with defaults filled in", () => {
    const def = cohortDefinition.parse({
      type: "group",
      op: "and",
      rules: [
        { type: "property", filter: { type: "person", key: "plan", operator: "equals", value: "pro" } },
        leaf,
        { type: "not_performed", event: "booking_completed", days: 30 },
        { type: "first_seen", dateRange: { from: "-30d" } },
        { type: "group", op: "or", rules: [{ type: "cohort", cohortId: id1 }, { type: "cohort", cohortId: id2, negate: true }] },
      ],
    });
    expect(def.rules[1]).toEqual({ ...leaf, filters: [] });
    expect(referencedCohorts(def)).toEqual([id1, id2]);
  });

  it.each<[string, unknown, RegExp]>([
    ["event property in a property rule", { type: "group", op: "and", rules: [{ type: "property", filter: { type: "event", key: "x", operator: "is_set" } }] }, /type: person/],
    ["empty group", { type: "group", op: "and", rules: [] }, /at least one rule/],
    ["negative count", { type: "group", op: "and", rules: [{ ...leaf, count: -1 }] }, /count|>=0|too small/i],
    ["too many days", { type: "group", op: "and", rules: [{ ...leaf, days: COHORT_LIMITS.days + 1 }] }, /days|<=|too big/i],
    ["unknown operator", { type: "group", op: "and", rules: [{ ...leaf, operator: "more_than" }] }, /operator|invalid/i],
    ["too deep", nested(COHORT_LIMITS.depth + 1), /nest at most/],
    ["too many rules", { type: "group", op: "or", rules: Array.from({ length: 26 }, () => ({ type: "group", op: "and", rules: [leaf] })) }, /at most 50 rules/],
    ["extra keys", { type: "group", op: "and", rules: [{ ...leaf, sql: "drop" }] }, /unrecognized|sql/i],
  ])("rejects %s", (_name, input, message) => {
    const parsed = cohortDefinition.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")).toMatch(message);
  });

  it("create input needs a name and, for dynamic cohorts, a definition", () => {
    expect(createCohortInput.safeParse({ kind: "static", name: "  " }).success).toBe(false);
    expect(createCohortInput.safeParse({ kind: "dynamic", name: "x" }).success).toBe(false);
    expect(createCohortInput.parse({ kind: "static", name: " VIPs " })).toEqual({ kind: "static", name: "VIPs", description: "" });
  });
});

describe("cohort SQL", () => {
  it("carries every value as a bind parameter", () => {
    const def: RuleGroup = cohortDefinition.parse({
      type: "group",
      op: "or",
      rules: [
        { type: "property", filter: { type: "person", key: HOSTILE, operator: "equals", value: HOSTILE } },
        { ...leaf, event: HOSTILE, filters: [{ type: "event", key: "$$", operator: "contains", value: "$$" }] },
        { type: "cohort", cohortId: id1 },
      ],
    });
    const { text, values } = render(compileCohort(def, { projectId: id2, timezone: "UTC", now: new Date("2026-11-20T00:00:00Z") }));
    expect(text).not.toContain("DROP");
    expect(text).not.toContain("$$");
    expect(values).toEqual(expect.arrayContaining([HOSTILE, "$$", id1, id2]));
    // One grouped events subquery per behavioral rule, joined by a generated alias.
    expect(text).toMatch(/left join \(select .* group by 1\) r0 on r0\.person_id = p\.id/s);
  });
});

describe("CSV of ids", () => {
  it("reads one id per row, skipping blank lines and repeats", () => {
    expect(parseIdCsv("a\n\nb\r\na\n  c  \n", "distinct_id")).toEqual({ idType: "distinct_id", ids: ["a", "b", "c"], rows: 4, hasHeader: false });
  });

  it("uses the header's column, and the header says which ids they are", () => {
    expect(parseIdCsv("\uFEFFname,distinct_id\nAnn,ann@x\nBob,bob@x\n", "distinct_id").ids).toEqual(["ann@x", "bob@x"]);
    const byPerson = parseIdCsv(`email,person_id\nx@y,${id1.toUpperCase()}\n`, "distinct_id");
    expect(byPerson).toMatchObject({ idType: "person_id", ids: [id1], hasHeader: true });
    expect(parseIdCsv("id\tname\nq\tQ\n", "distinct_id").ids).toEqual(["q"]);
  });

  it("keeps quoted ids with commas, semicolons and quotes as data", () => {
    expect(parseIdCsv(`"a,b"\n"${HOSTILE}"\n"say ""hi"""\n`, "distinct_id").ids).toEqual(["a,b", HOSTILE, 'say "hi"']);
  });

  it.each<[string, string, "distinct_id" | "person_id", RegExp]>([
    ["an empty id", "a\n,b\n", "distinct_id", /^csv: row 2: no id in column 1$/],
    ["a long id", `a\n${"x".repeat(201)}\n`, "distinct_id", /^csv: row 2: id longer than 200 characters$/],
    ["a bad person id", `person_id\n${id1}\nnope\n`, "person_id", /^csv: row 3: "nope" is not a person id/],
    ["an unterminated quote", `a\n"b\n`, "distinct_id", /^csv: row 2: /],
    ["no ids at all", "\n\n", "distinct_id", /^csv: the file has no ids$/],
  ])("rejects %s, naming the row", (_name, csv, idType, message) => {
    let caught: unknown;
    try {
      parseIdCsv(csv, idType);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(QueryInputError);
    expect((caught as QueryInputError).field).toBe("csv");
    expect((caught as Error).message).toMatch(message);
  });

  it("limits the rows", () => {
    const csv = Array.from({ length: 200_001 }, (_, i) => `u${i}`).join("\n");
    expect(() => parseIdCsv(csv, "distinct_id")).toThrow(/row 200001: more than 200000 rows/);
  });
});
