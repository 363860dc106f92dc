import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestEnv, type TestEnv } from "../support/db";
import {
  cohortDefinition,
  createCohort,
  deleteCohort,
  getCohort,
  isPersonInCohort,
  listMembers,
  recomputeAllCohorts,
  recomputeCohort,
  updateCohort,
  uploadCohortCsv,
  type RuleGroup,
} from "../../server/query/cohorts";
import { QueryInputError } from "../../server/query/errors";
import { eventsFrom, projectAndRange } from "../../server/query/events-sql";
import { filtersCondition } from "../../server/query/filters";
import { filters as filtersSchema } from "../../server/query/schema/common";
import { runInsight } from "../../server/query/run";
import { and, render, sql } from "../../server/query/sql";

const HOSTILE = "'); DROP TABLE events; --";
const NOW = new Date("2026-11-20T12:00:00Z");
const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(NOW.getTime() - days * DAY - hours * 3_600_000);

let env: TestEnv;
const project = randomUUID();
/**
 * Six persons. E was merged into A (its persons row is gone, as ingest leaves it) but some of its
 * events still carry E's id, so they count for A only through person_merges. D never did anything.
 * The project is in Europe/Berlin (UTC+1 in November).
 */
const P = { A: randomUUID(), B: randomUUID(), C: randomUUID(), D: randomUUID(), E: randomUUID(), F: randomUUID() };
type Who = keyof typeof P;
const props: Partial<Record<Who, object>> = {
  A: { plan: "pro", country: "DE" },
  B: { plan: "free" },
  C: { plan: "pro" },
  D: {},
  F: { plan: HOSTILE },
};
const distinctIds: [string, Who][] = [
  ["a@x", "A"],
  ["b@x", "B"],
  ["c@x", "C"],
  ["d@x", "D"],
  ["f@x", "F"],
  // E's anonymous id, re-pointed to A by the merge (as identity does).
  ["anon-e", "A"],
];
const events: [Who, string, Date, object][] = [
  ["A", "$pageview", new Date("2026-10-01T10:00:00Z"), {}],
  ["A", "search", ago(20), { origin: "LHR" }],
  ["A", "search", ago(1), { origin: "LHR" }],
  ["A", "search", ago(2), { origin: "LHR" }],
  ["E", "search", ago(3), { origin: "JFK" }],
  // B's first event: 23:30 UTC on Nov 10 is 00:30 on Nov 11 in Berlin.
  ["B", "$pageview", new Date("2026-11-10T23:30:00Z"), {}],
  ["B", "search", ago(1), { origin: "CDG" }],
  ["B", "booking_completed", ago(5), { provider: "acme" }],
  ["C", "booking_completed", ago(40), { provider: "acme" }],
  ["F", "search", new Date("2026-11-19T12:00:00Z"), { origin: HOSTILE }],
];

async function insertEvent(who: Who, event: string, at: Date, properties: object) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties) values ($1, $2, $3, $4, $5, $6, $7)`,
    [project, randomUUID(), event, at, `${who.toLowerCase()}@x`, P[who], JSON.stringify(properties)],
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  const pool = env.db.pool;
  await pool.query(`insert into projects (id, name, slug, timezone, updated_at) values ($1, 'Cohorts', $2, 'Europe/Berlin', now())`, [project, `c-${project}`]);
  for (const who of Object.keys(P) as Who[]) {
    await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [P[who], project, JSON.stringify(props[who] ?? {})]);
  }
  for (const [d, who] of distinctIds) {
    await pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [project, d, P[who]]);
  }
  for (const e of events) await insertEvent(...e);
  // E merges into A the way identity does it, except that E's events keep E's id.
  await pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [project, P.E, P.A]);
  await pool.query(`delete from persons where id = $1`, [P.E]);
});
afterAll(() => env?.close());

const group = (op: "and" | "or", ...rules: RuleGroup["rules"]): RuleGroup => ({ type: "group", op, rules });
const pro = { type: "property" as const, filter: { type: "person" as const, key: "plan", operator: "equals" as const, value: "pro" } };
const searched = (operator: "at_least" | "at_most" | "exactly", count: number, days = 7, filters: object[] = []) =>
  ({ type: "behavior", event: "search", operator, count, days, filters }) as RuleGroup["rules"][number];

async function dynamic(name: string, def: RuleGroup) {
  const { cohort } = await createCohort(env.db.pool, project, { kind: "dynamic", name, description: "", definition: cohortDefinition.parse(def) }, { now: NOW });
  return cohort.id;
}

async function members(cohortId: string): Promise<Who[]> {
  const { rows } = await env.db.pool.query(`select person_id from cohort_members where cohort_id = $1`, [cohortId]);
  const byId = new Map(Object.entries(P).map(([k, v]) => [v, k as Who]));
  return rows.map((r) => byId.get(r.person_id)!).sort();
}

describe("dynamic cohorts: each rule type, worked out by hand", () => {
  it.each<[string, RuleGroup, Who[]]>([
    // A and C have plan pro.
    ["person property equals", group("and", pro), ["A", "C"]],
    // Only F's plan is the hostile string; it is data, not SQL.
    ["hostile property value", group("and", { type: "property", filter: { type: "person", key: "plan", operator: "equals", value: HOSTILE } }), ["F"]],
    // Searches in the last 7 days: A 2 own + 1 through merged E = 3; B 1; F 1; C, D 0.
    ["at least 3 searches in 7 days (merged person counts)", group("and", searched("at_least", 3)), ["A"]],
    ["at least 2 searches in 7 days", group("and", searched("at_least", 2)), ["A"]],
    ["at most 1 search in 7 days (includes persons who never searched)", group("and", searched("at_most", 1)), ["B", "C", "D", "F"]],
    ["exactly 1 search in 7 days", group("and", searched("exactly", 1)), ["B", "F"]],
    // A's 20-day-old search counts in a 30-day window: A 4.
    ["at least 4 searches in 30 days", group("and", searched("at_least", 4, 30)), ["A"]],
    // The only JFK search is E's, so it belongs to A.
    ["with an event filter", group("and", searched("at_least", 1, 7, [{ type: "event", key: "origin", operator: "equals", value: "JFK" }])), ["A"]],
    ["event filter with a hostile value", group("and", searched("exactly", 1, 7, [{ type: "event", key: "origin", operator: "equals", value: HOSTILE }])), ["F"]],
    // B booked 5 days ago; C's booking is 40 days old.
    ["did not book in 30 days", group("and", { type: "not_performed", event: "booking_completed", days: 30, filters: [] }), ["A", "C", "D", "F"]],
    ["did not book in 60 days", group("and", { type: "not_performed", event: "booking_completed", days: 60, filters: [] }), ["A", "D", "F"]],
    // First events: A Oct 1, B Nov 11 00:30 Berlin (Nov 10 UTC), C Oct 11, F Nov 19, D none.
    ["first seen in a range (project timezone)", group("and", { type: "first_seen", dateRange: { from: "2026-11-11", to: "2026-11-30" } }), ["B", "F"]],
    ["first seen in October", group("and", { type: "first_seen", dateRange: { from: "2026-10-01", to: "2026-10-31" } }), ["A", "C"]],
    // (pro AND searched in 7 days) OR first seen Nov 11..30 = {A} + {B, F}.
    [
      "nested AND inside OR",
      group("or", group("and", pro, searched("at_least", 1)), { type: "first_seen", dateRange: { from: "2026-11-11", to: "2026-11-30" } }),
      ["A", "B", "F"],
    ],
    // (pro OR searched exactly once) AND did not book in 30 days = {A, B, C, F} and {A, C, D, F}.
    [
      "nested OR inside AND",
      group("and", group("or", pro, searched("exactly", 1)), { type: "not_performed", event: "booking_completed", days: 30, filters: [] }),
      ["A", "C", "F"],
    ],
  ])("%s", async (name, def, expected) => {
    const id = await dynamic(name, def);
    expect(await members(id)).toEqual(expected);
    const cohort = await getCohort(env.db.pool, project, id);
    expect(cohort?.memberCount).toBe(expected.length);
    expect(cohort?.computedAt).not.toBeNull();
  });

  it("other cohorts as rules, negated too; cycles are refused", async () => {
    const proId = await dynamic("pro users", group("and", pro));
    // Not pro {B, D, F} and did not book in 30 days {A, C, D, F} = {D, F}.
    const notProId = await dynamic(
      "not pro, no booking",
      group("and", { type: "cohort", cohortId: proId, negate: true }, { type: "not_performed", event: "booking_completed", days: 30, filters: [] }),
    );
    expect(await members(notProId)).toEqual(["D", "F"]);
    const viaRef = await dynamic("member of pro", group("and", { type: "cohort", cohortId: proId, negate: false }));
    expect(await members(viaRef)).toEqual(["A", "C"]);

    // pro -> notPro -> pro would be a cycle; so would a cohort referring to itself.
    const cycle = updateCohort(env.db.pool, project, { id: proId, definition: group("and", { type: "cohort", cohortId: notProId, negate: false }) });
    await expect(cycle).rejects.toThrow(QueryInputError);
    await expect(cycle).rejects.toThrow(/cycle: pro users -> not pro, no booking -> pro users/);
    await expect(updateCohort(env.db.pool, project, { id: proId, definition: group("and", { type: "cohort", cohortId: proId, negate: false }) })).rejects.toThrow(/cycle/);
    const missing = randomUUID();
    await expect(dynamic("dangling", group("and", { type: "cohort", cohortId: missing, negate: false }))).rejects.toThrow(new RegExp(`refers to cohort ${missing}`));
    // Still usable: deleting a referenced cohort is refused, then allowed once nothing refers to it.
    await expect(deleteCohort(env.db.pool, project, proId)).rejects.toThrow(/used by/);
    expect(await deleteCohort(env.db.pool, project, notProId)).toBe(true);
    expect(await deleteCohort(env.db.pool, project, viaRef)).toBe(true);
    expect(await deleteCohort(env.db.pool, project, proId)).toBe(true);
    expect(await getCohort(env.db.pool, project, proId)).toBeNull();
  });

  it("recompute is idempotent and follows new data", async () => {
    const id = await dynamic("two searches", group("and", searched("at_least", 2)));
    const before = await env.db.pool.query(`select person_id, added_at from cohort_members where cohort_id = $1 order by person_id`, [id]);
    const again = await recomputeCohort(env.db.pool, id, { now: NOW });
    expect(again).toMatchObject({ memberCount: 1, added: 0, removed: 0 });
    const after = await env.db.pool.query(`select person_id, added_at from cohort_members where cohort_id = $1 order by person_id`, [id]);
    expect(after.rows).toEqual(before.rows);

    // B searches once more: 2 in 7 days, joins. Then, 8 days later, A's recent searches age out.
    await insertEvent("B", "search", ago(0, 2), { origin: "CDG" });
    expect(await recomputeCohort(env.db.pool, id, { now: NOW })).toMatchObject({ memberCount: 2, added: 1, removed: 0 });
    expect(await members(id)).toEqual(["A", "B"]);
    const later = new Date(NOW.getTime() + 6 * DAY);
    // At NOW+6d the window starts at NOW-1d: A has the search at NOW-1d (boundary included), B has NOW-1d and NOW-2h.
    expect(await recomputeCohort(env.db.pool, id, { now: later })).toMatchObject({ memberCount: 1, added: 0, removed: 1 });
    expect(await members(id)).toEqual(["B"]);
    await env.db.pool.query(`delete from events where project_id = $1 and person_id = $2 and timestamp = $3`, [project, P.B, ago(0, 2)]);
  });

  it("recomputeAllCohorts orders dependencies first", async () => {
    const base = await dynamic("base", group("and", pro));
    const dependent = await dynamic("dependent", group("and", { type: "cohort", cohortId: base, negate: false }));
    // Change base's rule behind the store's back; one pass must still settle the dependent.
    await env.db.pool.query(`update cohorts set definition = $2 where id = $1`, [base, JSON.stringify(group("and", searched("exactly", 1)))]);
    const { done, failed } = await recomputeAllCohorts(env.db.pool, { projectId: project, now: NOW });
    expect(failed).toEqual([]);
    expect(done.findIndex((d) => d.cohortId === base)).toBeLessThan(done.findIndex((d) => d.cohortId === dependent));
    expect(await members(dependent)).toEqual(["B", "F"]);
  });
});

describe("static cohorts from CSV", () => {
  it("matches distinct ids (merged ones too), reports unknown ids, replaces and appends", async () => {
    const { cohort } = await createCohort(env.db.pool, project, { kind: "static", name: "uploaded", description: "" });
    const csv = "distinct_id\na@x\nb@x\nnobody@x\n\nb@x\nanon-e\n" + `"${HOSTILE}"\n`;
    const res = await uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv, idType: "distinct_id", mode: "replace" });
    // a@x and anon-e are both A; b@x twice is one id.
    expect(res).toMatchObject({ idType: "distinct_id", rows: 6, distinctIds: 5, matchedPersons: 2, unknown: ["nobody@x", HOSTILE], unknownCount: 2, memberCount: 2 });
    expect(await members(cohort.id)).toEqual(["A", "B"]);

    // Person ids, in a file whose header says so; E's id resolves to A.
    const byPerson = `person_id,name\n${P.C},Cee\n${P.E},Merged\n`;
    const appended = await uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv: byPerson, idType: "distinct_id", mode: "append" });
    expect(appended).toMatchObject({ idType: "person_id", matchedPersons: 2, unknownCount: 0, added: 1, memberCount: 3 });
    expect(await members(cohort.id)).toEqual(["A", "B", "C"]);

    const replaced = await uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv: "f@x\n", idType: "distinct_id", mode: "replace" });
    expect(replaced).toMatchObject({ added: 1, removed: 3, memberCount: 1 });
    expect(await members(cohort.id)).toEqual(["F"]);
  });

  it("rejects a bad row naming it, and changes nothing", async () => {
    const { cohort } = await createCohort(env.db.pool, project, { kind: "static", name: "strict", description: "" });
    await uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv: "a@x\n", idType: "distinct_id", mode: "replace" });
    const bad = uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv: `person_id\n${P.B}\nnot-a-uuid\n`, idType: "person_id", mode: "replace" });
    await expect(bad).rejects.toThrow(QueryInputError);
    await expect(bad).rejects.toThrow(/^csv: row 3: "not-a-uuid" is not a person id/);
    await expect(uploadCohortCsv(env.db.pool, project, { id: cohort.id, csv: "a@x\n,second\n", idType: "distinct_id", mode: "replace" })).rejects.toThrow(
      /row 2: no id/,
    );
    expect(await members(cohort.id)).toEqual(["A"]);
    const dyn = await dynamic("dynamic one", group("and", pro));
    await expect(uploadCohortCsv(env.db.pool, project, { id: dyn, csv: "a@x\n", idType: "distinct_id", mode: "replace" })).rejects.toThrow(/only a static cohort/);
  });

  it("a later merge re-points static members on recompute", async () => {
    const { cohort } = await createCohort(env.db.pool, project, { kind: "static", name: "pre-merge", description: "" });
    // Recorded as E (say, before the merge happened).
    await env.db.pool.query(`insert into cohort_members (cohort_id, project_id, person_id) values ($1, $2, $3)`, [cohort.id, project, P.E]);
    expect(await recomputeCohort(env.db.pool, cohort.id)).toMatchObject({ memberCount: 1 });
    expect(await members(cohort.id)).toEqual(["A"]);
    expect(await isPersonInCohort(env.db.pool, project, cohort.id, P.A)).toBe(true);
    // Any id of the person works, a merged-away one included; others are not members.
    expect(await isPersonInCohort(env.db.pool, project, cohort.id, P.E)).toBe(true);
    expect(await isPersonInCohort(env.db.pool, project, cohort.id, P.B)).toBe(false);
    expect(await isPersonInCohort(env.db.pool, project, cohort.id, "not a uuid")).toBe(false);
  });
});

describe("cohorts as filters", () => {
  it("filters events to members (and non-members) through the filter compiler", async () => {
    const id = await dynamic("pro for filters", group("and", pro));
    const count = async (negate: boolean) => {
      const f = filtersSchema.parse([{ type: "cohort", cohortId: id, negate }]);
      const q = render(
        sql`select count(*)::int as n from ${eventsFrom({ persons: false })} where ${and([projectAndRange(project, new Date("2026-09-01T00:00:00Z"), NOW), filtersCondition(f)])}`,
      );
      return (await env.db.pool.query(q.text, q.values)).rows[0].n as number;
    };
    // Members A (4 own events + E's 1) and C (1): 6 of the 10 events.
    expect(await count(false)).toBe(6);
    expect(await count(true)).toBe(4);
  });

  it("filters a trends insight through runInsight", async () => {
    const id = await dynamic("pro for trends", group("and", pro));
    const total = async (negate: boolean) => {
      const answer = await runInsight(
        env.db.pool,
        { id: project, timezone: "Europe/Berlin" },
        { kind: "trends", series: [{ event: "search" }], interval: "month", dateRange: { from: "2026-10-01", to: "2026-11-20" }, filters: [{ type: "cohort", cohortId: id, negate }] },
        { now: NOW, useCache: false },
      );
      return (answer.result as { series: { total: number }[] }).series[0]!.total;
    };
    // Members A and C searched 4 times (A 3 + merged E 1); non-members B and F once each.
    expect(await total(false)).toBe(4);
    expect(await total(true)).toBe(2);
  });

  it("members page by person id", async () => {
    const id = await dynamic("paged", group("or", pro, searched("exactly", 1)));
    const expected = [P.A, P.B, P.C, P.F].sort();
    const first = await listMembers(env.db.pool, project, id, { limit: 3 });
    expect(first.members.map((m) => m.personId)).toEqual(expected.slice(0, 3));
    expect(first.nextCursor).toBe(expected[2]);
    const second = await listMembers(env.db.pool, project, id, { limit: 3, cursor: first.nextCursor! });
    expect(second.members.map((m) => m.personId)).toEqual(expected.slice(3));
    expect(second.nextCursor).toBeNull();
    const a = [...first.members, ...second.members].find((m) => m.personId === P.A)!;
    expect(a.distinctIds).toEqual(["a@x", "anon-e"]);
    expect(a.properties).toEqual({ plan: "pro", country: "DE" });
  });
});
