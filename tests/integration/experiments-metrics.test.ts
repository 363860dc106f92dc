// Metric computation on a hand-made event set; every expected number is worked out by hand below.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEventPartitions } from "../../server/ingest/partitions";
import type { ExperimentResults, MetricResult } from "../../server/experiments";
import { createProject } from "../../server/projects/create-project";
import { createTestEnv, type TestEnv } from "../support/db";
import { signIn } from "../support/users";

let env: TestEnv;
let analyst: Awaited<ReturnType<typeof signIn>>["caller"];
let projectId: string;
let results: ExperimentResults;

const H = 3600_000;
const T0 = Date.UTC(2026, 10, 10); // 2026-11-10T00:00Z, the experiment's start
const at = (hours: number) => new Date(T0 + hours * H);
const persons = new Map<string, string>();

async function person(distinctId: string) {
  const id = randomUUID();
  persons.set(distinctId, id);
  await env.db.pool.query(`insert into persons (id, project_id) values ($1, $2)`, [id, projectId]);
  await env.db.pool.query(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [projectId, distinctId, id]);
  return id;
}

async function event(distinctId: string, name: string, hours: number, properties: Record<string, unknown> = {}, revenue: number | null = null) {
  await env.db.pool.query(
    `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties, revenue) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [projectId, randomUUID(), name, at(hours), distinctId, persons.get(distinctId), JSON.stringify(properties), revenue],
  );
}

const exposure = (id: string, hours: number, value: string | boolean, flag = "exp-flag") =>
  event(id, "$feature_flag_called", hours, { $feature_flag: flag, $feature_flag_response: value });
const purchase = (id: string, hours: number, revenue: number) => event(id, "purchase", hours, { revenue }, revenue);

/**
 * Hours after T0. Control: a1 (exposed +1, bought +2 for 10, and at -10 for 7 before exposure,
 * visited again +26), a2 (exposed +2, nothing), a3 (exposed +3, bought +80: 77 h later, outside
 * the 72 h window), a4 (exposed -5, before the window, and +30 inside it: counts from +30; bought
 * +31 for 20). Test: b1 (exposed +1, bought +5 for 15 and +6 for 5), b2 (exposed +4, bought +10
 * for 30, and -20 for 3 before exposure, visited +40), b3 (exposed as test +2 and as control +3:
 * two variants, left out), b4 (exposed +5 as the anonymous person, bought +6 for 40 as the
 * identified person it was merged into). c1: an exposure with an unknown value; d1: another
 * flag's exposure; e1: exposed +200, after the results' end (+120).
 */
async function insertEvents() {
  for (const id of ["a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4-anon", "b4", "c1", "d1", "e1"]) await person(id);
  await env.db.pool.query(`insert into person_merges (project_id, from_person_id, to_person_id) values ($1, $2, $3)`, [projectId, persons.get("b4-anon"), persons.get("b4")]);
  await exposure("a1", 1, "control");
  await purchase("a1", 2, 10);
  await purchase("a1", -10, 7);
  await event("a1", "$pageview", 26);
  await exposure("a2", 2, "control");
  await exposure("a3", 3, "control");
  await purchase("a3", 80, 50);
  await exposure("a4", -5, "control");
  await exposure("a4", 30, "control");
  await purchase("a4", 31, 20);
  await exposure("b1", 1, "test");
  await purchase("b1", 5, 15);
  await purchase("b1", 6, 5);
  await exposure("b2", 4, "test");
  await purchase("b2", 10, 30);
  await purchase("b2", -20, 3);
  await event("b2", "$pageview", 40);
  await exposure("b3", 2, "test");
  await exposure("b3", 3, "control");
  await exposure("b4-anon", 5, "test");
  await purchase("b4", 6, 40);
  await exposure("c1", 2, "other");
  await exposure("d1", 2, "control", "another-flag");
  await exposure("e1", 200, "test");
}

beforeAll(async () => {
  env = await createTestEnv();
  await ensureEventPartitions(env.db.pool);
  projectId = (await createProject(env.db.prisma, { name: "Experiment metrics" })).project.id;
  ({ caller: analyst } = await signIn(env.deps, "analyst"));
  await insertEvents();
  const e = await analyst.experiments.create({
    key: "exp",
    flagKey: "exp-flag",
    name: "Hand-made",
    variants: [{ key: "control", weight: 50 }, { key: "test", weight: 50 }],
    primaryMetric: { kind: "conversion", event: "purchase", windowHours: 72 },
    secondaryMetrics: [{ kind: "count", event: "purchase", windowHours: 72 }, { kind: "revenue", event: "purchase", windowHours: 72 }],
    guardrailMetrics: [{ kind: "retention", day: 1 }],
    minSampleSize: 100,
  });
  await analyst.experiments.start({ id: e.id, startedAt: new Date(T0) });
  results = await analyst.experiments.results({ id: e.id, asOf: at(120) });
}, 60_000);
afterAll(() => env?.close());

const metric = (kind: string): MetricResult => results.metrics.find((m) => m.metric.kind === kind)!;
const arm = (m: MetricResult, key: string) => m.arms.find((a) => a.key === key)!;

describe("exposures", () => {
  it("counts each person once by their first exposure in the window, leaves out two-variant persons and other values", () => {
    // control a1 a2 a3 a4; test b1 b2 b4 (b4 through the merge); b3 seen in both; c1's value is unknown.
    expect(results.exposures).toEqual({ byVariant: { control: 4, test: 3 }, holdout: 0, multipleVariants: 1, unknownValues: 1 });
    expect(results.window).toEqual({ from: at(0).toISOString(), to: at(120).toISOString() });
  });

  it("checks the split: chi-square of [4, 3] against [3.5, 3.5] is (0.25 + 0.25) / 3.5", () => {
    expect(metric("conversion").analysis!.srm.chi2).toBeCloseTo(0.5 / 3.5, 12);
    expect(metric("conversion").analysis!.srm.mismatch).toBe(false);
  });
});

describe("metrics from the first exposure", () => {
  it("conversion within 72 h: control 2 of 4 (a1, a4), test 3 of 3", () => {
    const m = metric("conversion");
    expect(arm(m, "control")).toMatchObject({ n: 4, total: 2, value: 0.5 });
    expect(arm(m, "test")).toMatchObject({ n: 3, total: 3, value: 1 });
    expect(m.analysis!.variants[0]!.fixedHorizon.diff).toBeCloseTo(0.5, 12);
  });

  it("count per user: control (1 + 0 + 0 + 1) / 4, test (2 + 1 + 1) / 3", () => {
    const m = metric("count");
    expect(arm(m, "control").value).toBeCloseTo(0.5, 12);
    expect(arm(m, "test").value).toBeCloseTo(4 / 3, 12);
  });

  it("revenue per user: control (10 + 0 + 0 + 20) / 4, test (20 + 30 + 40) / 3, with CUPED on the pre-exposure revenue", () => {
    const m = metric("revenue");
    expect(arm(m, "control").value).toBeCloseTo(7.5, 12);
    expect(arm(m, "test").value).toBeCloseTo(30, 12);
    // Covariate X (revenue in the 72 h before exposure): a1 7, b2 3, others 0. Over all 7 people,
    // mean X = 10/7, mean Y = 120/7; Sxx = 58 - 7 (10/7)^2 = 306/7; Sxy = 160 - 7 (10/7)(120/7) = -80/7;
    // theta = Sxy / Sxx = -80/306. Adjusted mean = mean Y - theta (mean X of the arm - 10/7):
    // control 7.5 + (80/306)(7/4 - 10/7), test 30 + (80/306)(1 - 10/7).
    expect(m.cuped!.theta).toBeCloseTo(-80 / 306, 12);
    expect(arm(m, "control").adjusted).toBeCloseTo(7.5 + (80 / 306) * (7 / 4 - 10 / 7), 12);
    expect(arm(m, "test").adjusted).toBeCloseTo(30 + (80 / 306) * (1 - 10 / 7), 12);
  });

  it("retention on day 1 (any event 24-48 h after the first exposure): control a1 only, test b2 only", () => {
    const m = metric("retention");
    expect(arm(m, "control")).toMatchObject({ n: 4, total: 1 });
    expect(arm(m, "test")).toMatchObject({ n: 3, total: 1 });
  });
});

describe("the daily series", () => {
  it("has a look at the end of each day and at the end, each replaying only what had happened by then", () => {
    const m = metric("conversion");
    expect(m.armSeries.map((s) => s.at)).toEqual([24, 48, 72, 96, 120].map((h) => at(h).toISOString()));
    // By +24 h: control a1 a2 a3 exposed (a4 only at +30), a1 converted; test b1 b2 b4 all converted.
    expect(m.armSeries[0]!.values.control).toBeCloseTo(1 / 3, 12);
    expect(m.armSeries[0]!.values.test).toBe(1);
    expect(m.armSeries[1]!.values.control).toBeCloseTo(2 / 4, 12);
    const series = m.analysis!.variants[0]!.sequential.series;
    expect(series).toHaveLength(5);
    expect(series[0]!.estimate).toBeCloseTo(1 - 1 / 3, 12);
    // The confidence sequence is a running intersection: it never widens.
    for (let i = 1; i < series.length; i++) {
      expect(series[i]!.ciLow).toBeGreaterThanOrEqual(series[i - 1]!.ciLow);
      expect(series[i]!.ciHigh).toBeLessThanOrEqual(series[i - 1]!.ciHigh);
    }
  });

  it("adjusts p-values as families: Holm over guardrails, Benjamini-Hochberg over secondaries", () => {
    const secondaries = results.metrics.filter((m) => m.role === "secondary").map((m) => m.analysis!.variants[0]!.fixedHorizon);
    const p = secondaries.map((s) => s.pValue!);
    // BH with two tests: the larger p stays, the smaller becomes min(2 p_min, p_max).
    const [lo, hi] = [Math.min(...p), Math.max(...p)];
    const expected = p.map((x) => (x === hi ? hi : Math.min(2 * lo, hi)));
    secondaries.forEach((s, i) => expect(s.adjustedPValue).toBeCloseTo(expected[i]!, 12));
    const guard = metric("retention").analysis!.variants[0]!.fixedHorizon;
    expect(guard.adjustedPValue).toBeCloseTo(guard.pValue!, 12); // one guardrail test: Holm leaves it
  });

  it("keeps a holdout apart: persons whose exposures say the flag was off, measured but not tested", async () => {
    // h1 control, h2 test, h3 off (holdout), h4 off then control (in control: a variant wins over off).
    for (const id of ["h1", "h2", "h3", "h4"]) await person(id);
    await exposure("h1", 1, "control", "hold-flag");
    await exposure("h2", 1, "test", "hold-flag");
    await exposure("h3", 1, false, "hold-flag");
    await purchase("h3", 2, 9);
    await exposure("h4", 1, false, "hold-flag");
    await exposure("h4", 2, "control", "hold-flag");
    const e = await analyst.experiments.create({
      key: "hold",
      flagKey: "hold-flag",
      name: "With a holdout",
      variants: [{ key: "control", weight: 50 }, { key: "test", weight: 50 }],
      primaryMetric: { kind: "conversion", event: "purchase" },
      holdoutPercent: 20,
    });
    await analyst.experiments.start({ id: e.id, startedAt: new Date(T0) });
    const r = await analyst.experiments.results({ id: e.id, asOf: at(120) });
    expect(r.exposures).toEqual({ byVariant: { control: 2, test: 1 }, holdout: 1, multipleVariants: 0, unknownValues: 0 });
    expect(r.metrics[0]!.holdout).toMatchObject({ key: "holdout", n: 1, total: 1, value: 1 });
    expect(r.metrics[0]!.analysis!.variants.map((v) => v.key)).toEqual(["test"]); // the holdout is not a tested arm
  });

  it("flags a sample ratio mismatch first: 30 against 5 on a 50 / 50 split", async () => {
    // chi-square = 2 (30 - 17.5)^2 / 17.5 = 17.857, df 1: p = erfc(sqrt(17.857 / 2)) = 2.38124e-5 (Python math.erfc) < 0.001.
    for (let i = 0; i < 35; i++) {
      await person(`s${i}`);
      await exposure(`s${i}`, 1 + i / 10, i < 30 ? "control" : "test", "srm-flag");
    }
    const e = await analyst.experiments.create({
      key: "srm",
      flagKey: "srm-flag",
      name: "Lopsided",
      variants: [{ key: "control", weight: 50 }, { key: "test", weight: 50 }],
      primaryMetric: { kind: "count", event: "purchase" },
    });
    await analyst.experiments.start({ id: e.id, startedAt: new Date(T0) });
    const r = await analyst.experiments.results({ id: e.id, asOf: at(120) });
    const srm = r.metrics[0]!.analysis!.srm;
    expect(srm.chi2).toBeCloseTo((2 * 12.5 ** 2) / 17.5, 10);
    expect(srm.pValue).toBeCloseTo(2.3812377e-5, 11);
    expect(srm.mismatch).toBe(true);
    expect(r.guidance.recommendation).toBe("fix-assignment");
    expect(r.guidance.headline).toContain("Sample ratio mismatch");
  });

  it("reads explicit exposure events: the experiment's own event with $experiment and variant properties", async () => {
    // x1, x2 shown "a"; x3 shown "b"; x4's event names another experiment; x5's is a $feature_flag_called, not the exposure event here.
    for (const id of ["x1", "x2", "x3", "x4", "x5"]) await person(id);
    await event("x1", "pricing_shown", 1, { $experiment: "explicit", variant: "a" });
    await event("x2", "pricing_shown", 2, { $experiment: "explicit", variant: "a" });
    await event("x3", "pricing_shown", 3, { $experiment: "explicit", variant: "b" });
    await purchase("x3", 4, 5);
    await event("x4", "pricing_shown", 1, { $experiment: "other", variant: "b" });
    await exposure("x5", 1, "b", "explicit-flag");
    const e = await analyst.experiments.create({
      key: "explicit",
      flagKey: "explicit-flag",
      name: "Explicit exposures",
      variants: [{ key: "a", weight: 50 }, { key: "b", weight: 50 }],
      primaryMetric: { kind: "conversion", event: "purchase" },
      exposureEvent: "pricing_shown",
    });
    await analyst.experiments.start({ id: e.id, startedAt: new Date(T0) });
    const r = await analyst.experiments.results({ id: e.id, asOf: at(120) });
    expect(r.exposures.byVariant).toEqual({ a: 2, b: 1 });
    expect(r.metrics[0]!.arms.map((a) => [a.key, a.n, a.total])).toEqual([["a", 2, 0], ["b", 1, 1]]);
  });

  it("explains the state in words", () => {
    expect(results.guidance.headline.length).toBeGreaterThan(20);
    expect(results.guidance.details.join(" ")).toContain("seen in more than one variant");
  });
});
