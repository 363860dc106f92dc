// Lifecycle through tRPC (flag changes, audit, state errors, roles), getVariant / trackConversion
// over tRPC and REST, and declare-winner rolling the flag out to 100%.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeApiKey } from "../../server/auth/api-keys";
import { flagBucket } from "../../server/flags/hash";
import { post } from "../support/capture-client";
import { signIn } from "../support/users";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let base: string;
let projectId: string;
let writeKey: string;
let analyst: Awaited<ReturnType<typeof signIn>>["caller"];
let viewer: Awaited<ReturnType<typeof signIn>>["caller"];

const q = async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows;
const code = async (p: Promise<unknown>) => p.then(() => "OK", (e: unknown) => (e instanceof TRPCError ? e.code : String(e)));

const draft = (key: string, extra: Record<string, unknown> = {}) =>
  analyst.experiments.create({
    key,
    name: `Experiment ${key}`,
    hypothesis: "The one-page checkout converts better",
    variants: [{ key: "control", weight: 50 }, { key: "one-page", weight: 50 }],
    primaryMetric: { kind: "conversion", event: "purchase" },
    ...extra,
  });

beforeAll(async () => {
  server = await startTestWebServer();
  base = server.web.url;
  projectId = (await server.env.db.prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } })).id;
  writeKey = (await storeApiKey(server.env.db.prisma, { projectId, kind: "write", name: "experiments test" })).key;
  analyst = (await signIn(server.env.deps, "analyst")).caller;
  viewer = (await signIn(server.env.deps, "viewer")).caller;
}, 120_000);
afterAll(() => server?.close());

describe("lifecycle", () => {
  it("draft -> running -> paused -> running -> completed, each step changing the flag and audited", async () => {
    const e = await draft("checkout", { holdoutPercent: 10 });
    expect(e.status).toBe("draft");
    const flag0 = await analyst.flags.get({ key: "checkout" });
    expect(flag0).toMatchObject({ type: "multivariate", enabled: false });

    const edited = await analyst.experiments.update({ id: e.id, change: { hypothesis: "Fewer steps, more payments", minSampleSize: 500 } });
    expect(edited).toMatchObject({ hypothesis: "Fewer steps, more payments", minSampleSize: 500 });

    const started = await analyst.experiments.start({ id: e.id });
    expect(started.status).toBe("running");
    expect(started.startedAt).toBeInstanceOf(Date);
    const flag1 = await analyst.flags.get({ key: "checkout" });
    expect(flag1.enabled).toBe(true);
    expect(flag1.definition.variants).toEqual([{ key: "control", percentage: 50 }, { key: "one-page", percentage: 50 }].map(({ key, percentage }) => ({ key, weight: percentage })));
    expect(flag1.definition.rules).toEqual([{ conditions: [], rollout: 90, variant: null }]); // 10% holdout

    expect(await code(analyst.experiments.update({ id: e.id, change: { name: "x" } }))).toBe("CONFLICT");
    expect(await code(analyst.experiments.start({ id: e.id }))).toBe("CONFLICT");

    await analyst.experiments.pause({ id: e.id });
    expect((await analyst.flags.get({ key: "checkout" })).enabled).toBe(false);
    await analyst.experiments.resume({ id: e.id });
    expect((await analyst.flags.get({ key: "checkout" })).enabled).toBe(true);

    const actions = (await q(`select action from audit_logs where target_type = 'experiment' and target_id = $1 order by at, id`, [e.id])).map((r) => r.action);
    expect(actions).toEqual(["experiment.create", "experiment.update", "experiment.start", "experiment.pause", "experiment.resume"]);
  });

  it("declaring a winner ends the experiment and rolls the winner out to 100% through the flag", async () => {
    const e = await analyst.experiments.get({ key: "checkout" });
    expect(await code(analyst.experiments.complete({ id: e.id, winner: "nope" }))).toBe("BAD_REQUEST");
    expect((await analyst.experiments.get({ id: e.id })).status).toBe("running"); // a refused step changes nothing

    const done = await analyst.experiments.complete({ id: e.id, winner: "one-page" });
    expect(done).toMatchObject({ status: "completed", winner: "one-page" });
    expect(done.endedAt).toBeInstanceOf(Date);
    const flag = await analyst.flags.get({ key: "checkout" });
    expect(flag.enabled).toBe(true);
    expect(flag.definition.rules).toEqual([{ conditions: [], rollout: 100, variant: "one-page" }]);
    for (let i = 0; i < 50; i++) {
      const r = await analyst.flags.evaluate({ key: "checkout", distinctId: `anyone-${i}` });
      expect(r.flags.checkout).toBe("one-page");
    }
    const audit = await q(`select details from audit_logs where action = 'flag.experiment_rollout' and target_id = $1`, [flag.id]);
    expect(audit[0].details).toMatchObject({ experiment: "checkout", winner: "one-page" });
    expect(await code(analyst.experiments.pause({ id: e.id }))).toBe("CONFLICT");
  });

  it("runs on an existing flag, refuses a second running experiment on it, and checks its input", async () => {
    const flag = await analyst.flags.create({ key: "banner", type: "boolean", payloads: { true: { colour: "red" } } });
    const e = await draft("banner-test", { flagId: flag.id, variants: [{ key: "control", weight: 34 }, { key: "red", weight: 33 }, { key: "blue", weight: 33 }] });
    await analyst.experiments.start({ id: e.id });
    const f = await analyst.flags.get({ id: flag.id });
    expect(f).toMatchObject({ type: "multivariate", enabled: true });
    expect(f.definition.payloads).toEqual({}); // the boolean payload has no variant to belong to
    expect(await code(draft("banner-again", { flagId: flag.id }))).toBe("CONFLICT");
    expect(await code(draft("checkout"))).toBe("CONFLICT"); // the key is taken
    expect(await code(draft("bad-weights", { variants: [{ key: "a", weight: 50 }, { key: "b", weight: 40 }] }))).toBe("BAD_REQUEST");
    expect(await code(draft("one-variant", { variants: [{ key: "a", weight: 100 }] }))).toBe("BAD_REQUEST");
    expect(await code(draft("bad-metric", { primaryMetric: { kind: "conversion" } }))).toBe("BAD_REQUEST");
    expect(await code(analyst.experiments.start({ id: e.id, startedAt: new Date(Date.now() + 86_400_000) }))).toBe("BAD_REQUEST");
  });

  it("lets viewers read and only analysts write", async () => {
    expect((await viewer.experiments.list()).map((e) => e.key)).toContain("checkout");
    expect(await code(viewer.experiments.create({ key: "v", name: "v", variants: [{ key: "a", weight: 50 }, { key: "b", weight: 50 }], primaryMetric: { kind: "count", event: "x" } }))).toBe("FORBIDDEN");
    const e = await viewer.experiments.get({ key: "banner-test" });
    expect(await code(viewer.experiments.pause({ id: e.id }))).toBe("FORBIDDEN");
    expect(await viewer.experiments.sampleSize({ kind: "proportion", baselineRate: 0.1, relativeEffect: 0.2 })).toMatchObject({ perArm: expect.any(Number) });
  });

  it("sizes with the power calculator: 0.5 -> 0.75 at power 0.9 needs 76.7 per arm, so 77", async () => {
    // R's ?power.prop.test example (p1 = .5, p2 = .75, power = .9); its closed form
    // (1.959964 sqrt(2 * .625 * .375) + 1.281552 sqrt(.25 + .1875))^2 / .25^2 = 76.71 by hand (Python's NormalDist).
    expect(await analyst.experiments.sampleSize({ kind: "proportion", baselineRate: 0.5, relativeEffect: 0.5, power: 0.9 })).toEqual({ perArm: 77, total: 154 });
  });
});

describe("getVariant and trackConversion", () => {
  let experimentId: string;
  beforeAll(async () => {
    const e = await draft("pricing", { variants: [{ key: "control", weight: 50 }, { key: "cheaper", weight: 50 }], primaryMetric: { kind: "revenue", event: "purchase" } });
    experimentId = e.id;
    await analyst.experiments.start({ id: e.id });
  });

  it("answers the flag's own variant (the published hash) and records the exposure through ingest", async () => {
    const answers = [];
    for (const id of ["u1", "u2", "u3", "u4", "u5", "u6"]) {
      const r = await analyst.experiments.getVariant({ experimentKey: "pricing", distinctId: id });
      // ADR 0010: the variant bucket of ("pricing", id) over cumulative weights 50 / 50.
      expect(r.variant).toBe(flagBucket("pricing", id, "variant") < 0.5 ? "control" : "cheaper");
      expect(r).toMatchObject({ inExperiment: true, status: "running" });
      expect((await analyst.flags.evaluate({ key: "pricing", distinctId: id })).flags.pricing).toBe(r.variant);
      answers.push(r.variant);
    }
    const again = await analyst.experiments.getVariant({ experimentKey: "pricing", distinctId: "u1" });
    expect(again.variant).toBe(answers[0]); // deterministic
    const rows = await q(`select distinct_id, properties from events where project_id = $1 and event = '$feature_flag_called' order by distinct_id`, [projectId]);
    expect(rows.filter((r) => r.distinct_id === "u1")).toHaveLength(2);
    expect(rows[0].properties).toMatchObject({ $feature_flag: "pricing", $experiment: "pricing" });
  });

  it("records conversions with their value as revenue, and the results count them", async () => {
    const r = await analyst.experiments.trackConversion({ experimentKey: "pricing", distinctId: "u1", event: "purchase", value: 12.5 });
    expect(r).toMatchObject({ recorded: 1, event: "purchase" });
    const stored = await q(`select revenue::float8 as revenue from events where project_id = $1 and event = 'purchase' and distinct_id = 'u1'`, [projectId]);
    expect(stored).toEqual([{ revenue: 12.5 }]);
    const results = await analyst.experiments.results({ id: experimentId });
    const exposed = Object.values(results.exposures.byVariant).reduce((s, n) => s + n, 0);
    expect(exposed).toBe(6);
    const u1Arm = results.metrics[0]!.arms.find((a) => a.total === 12.5);
    expect(u1Arm).toBeDefined(); // u1's arm has the one purchase
  });

  it("a holdout person gets the control, is not in the experiment, and is recorded as off", async () => {
    const e = await draft("held", { holdoutPercent: 50 });
    await analyst.experiments.start({ id: e.id });
    const ids = Array.from({ length: 40 }, (_, i) => `held-${i}`);
    for (const id of ids) {
      const r = await analyst.experiments.getVariant({ experimentKey: "held", distinctId: id });
      // ADR 0010: inside the rule's rollout (50%) when bucket("held", id) < 0.5.
      const inside = flagBucket("held", id) < 0.5;
      expect(r.inExperiment, id).toBe(inside);
      if (!inside) expect(r.variant).toBe("control");
    }
    const outside = ids.filter((id) => !(flagBucket("held", id) < 0.5)).length;
    expect(outside).toBeGreaterThan(0);
    const off = await q(`select count(*)::int as n from events where project_id = $1 and properties->>'$feature_flag' = 'held' and properties->>'$feature_flag_response' = 'false'`, [projectId]);
    expect(off[0].n).toBe(outside);
    const results = await analyst.experiments.results({ id: e.id });
    expect(results.exposures.holdout).toBe(outside);
  });

  it("tRPC: unknown experiment is NOT_FOUND, bad input BAD_REQUEST", async () => {
    expect(await code(analyst.experiments.getVariant({ experimentKey: "nope", distinctId: "u1" }))).toBe("NOT_FOUND");
    expect(await code(analyst.experiments.getVariant({ experimentKey: "pricing", distinctId: "" }))).toBe("BAD_REQUEST");
    expect(await code(analyst.experiments.trackConversion({ experimentKey: "pricing", distinctId: "u1", event: "" }))).toBe("BAD_REQUEST");
  });

  it("REST: the write key's project answers like tRPC; the exposure and the conversion are stored", async () => {
    const v = await post(base, "/api/experiments/variant", { api_key: writeKey, experiment_key: "pricing", distinct_id: "rest-1" });
    expect(v.status).toBe(200);
    expect(v.body.variant).toBe(flagBucket("pricing", "rest-1", "variant") < 0.5 ? "control" : "cheaper");
    const bearer = await post(base, "/api/experiments/conversion", { experiment_key: "pricing", distinct_id: "rest-1", event: "purchase", value: 3 }, { headers: { authorization: `Bearer ${writeKey}` } });
    expect(bearer.status).toBe(200);
    const rows = await q(`select event from events where project_id = $1 and distinct_id = 'rest-1' order by timestamp`, [projectId]);
    expect(rows.map((r) => r.event).sort()).toEqual(["$feature_flag_called", "purchase"]);
  });

  it("REST: a wrong key is 401, bad input 400 naming the field, an unknown experiment 404", async () => {
    expect((await post(base, "/api/experiments/variant", { api_key: "fs_pub_nope", experiment_key: "pricing", distinct_id: "x" })).status).toBe(401);
    const none = await post(base, "/api/experiments/conversion", { experiment_key: "pricing", distinct_id: "x", event: "purchase" });
    expect(none.status).toBe(401);
    expect(none.body.errors[0].field).toBe("api_key");
    const cases: [string, unknown, string][] = [
      ["/api/experiments/variant", { api_key: writeKey, distinct_id: "x" }, "experiment_key"],
      ["/api/experiments/variant", { api_key: writeKey, experiment_key: "has space", distinct_id: "x" }, "experiment_key"],
      ["/api/experiments/variant", { api_key: writeKey, experiment_key: "pricing" }, "distinct_id"],
      ["/api/experiments/variant", { api_key: writeKey, experiment_key: "pricing", distinct_id: "x", properties: "plan=pro" }, "properties"],
      ["/api/experiments/conversion", { api_key: writeKey, experiment_key: "pricing", distinct_id: "x" }, "event"],
      ["/api/experiments/conversion", { api_key: writeKey, experiment_key: "pricing", distinct_id: "x", event: "purchase", value: "12" }, "value"],
      ["/api/experiments/conversion", [1, 2], "body"],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(base, path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].field, JSON.stringify(body)).toBe(field);
    }
    const notJson = await post(base, "/api/experiments/variant", null, { raw: "{nope" });
    expect(notJson.status).toBe(400);
    const unknown = await post(base, "/api/experiments/variant", { api_key: writeKey, experiment_key: "nope", distinct_id: "x" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].field).toBe("experiment_key");
  });
});

describe("the setup wizard without JavaScript", () => {
  it("Calculate answers the sample size and keeps what was typed; Create makes and starts the experiment", async () => {
    const { cookie } = await signIn(server.env.deps, "analyst");
    const fields = {
      key: "wizard-plain", name: "Plain form", hypothesis: "h", flag: "new", flagKey: "",
      "variant.0.key": "control", "variant.0.weight": "50", "variant.1.key": "b", "variant.1.weight": "50",
      "primary.kind": "conversion", "primary.event": "purchase", "primary.windowHours": "24", "primary.day": "7",
      "guardrail0.kind": "count", "guardrail0.event": "refund", "guardrail0.windowHours": "72", "guardrail0.day": "7", "guardrail0.lowerIsBetter": "on",
      baselineRate: "50", relativeEffect: "50", power: "90", holdoutPercent: "0", exposureEvent: "$feature_flag_called", start: "on",
    };
    const submit = (intent: string) =>
      fetch(`${base}/experiments/new`, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ ...fields, intent }) });
    const calc = await submit("calculate");
    expect(calc.status).toBe(200);
    const html = await calc.text();
    expect(html).toContain("<strong>77</strong> people per variant"); // 0.5 -> 0.75 at power 0.9, as above
    expect(html).toMatch(/name="key"[^>]*value="wizard-plain"|value="wizard-plain"[^>]*name="key"/);
    expect(html).toMatch(/name="guardrail0.event"[^>]*value="refund"|value="refund"[^>]*name="guardrail0.event"/);

    const created = await submit("create");
    expect(created.status).toBe(302);
    expect(created.headers.get("location")).toMatch(/^\/experiments\/[0-9a-f-]{36}$/);
    const e = await analyst.experiments.get({ key: "wizard-plain" });
    expect(e).toMatchObject({ status: "running", minSampleSize: 77, flagKey: "wizard-plain" });
    expect(e.guardrailMetrics).toEqual([{ kind: "count", event: "refund", windowHours: 72, higherIsBetter: false }]);
    expect(e.plan).toMatchObject({ baselineRate: 0.5, relativeEffect: 0.5, power: 0.9 });
  });
});
