import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeApiKey } from "../../server/auth/api-keys";
import { applyDueChanges, flagService } from "../../server/flags";
import { ForesightFlags } from "../../sdk/node/src/index";
import { post } from "../support/capture-client";
import { signIn } from "../support/users";
import { startTestWebServer } from "../support/web-server";
import { taskCatalog } from "../../server/jobs/catalog";
import { applyFlagChangesTask } from "../../workers/tasks/apply-flag-changes";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let base: string;
let projectId: string;
let writeKey: string;
let secretKey: string;
let analyst: Awaited<ReturnType<typeof signIn>>["caller"];
let cohortId: string;
const flagIds: Record<string, string> = {};

const q = async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows;

async function person(distinctId: string, properties: Record<string, unknown>) {
  const id = randomUUID();
  await q(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, projectId, properties]);
  await q(`insert into person_distinct_ids (project_id, distinct_id, person_id) values ($1, $2, $3)`, [projectId, distinctId, id]);
  return id;
}

const flags = (body: unknown) => post(base, "/api/flags", body);
const definitions = (headers: Record<string, string>) => fetch(`${base}/api/flags/definitions`, { headers });

beforeAll(async () => {
  server = await startTestWebServer();
  base = server.web.url;
  const project = (await server.env.db.prisma.project.findFirst({ orderBy: { createdAt: "asc" } }))!;
  projectId = project.id;
  writeKey = (await storeApiKey(server.env.db.prisma, { projectId, kind: "write", name: "flags test" })).key;
  secretKey = (await storeApiKey(server.env.db.prisma, { projectId, kind: "secret", name: "flags test" })).key;
  analyst = (await signIn(server.env.deps, "analyst")).caller;
  await person("p-pro", { plan: "pro", country: "GB" });
  await person("p-free", { plan: "free" });
  await person("p-member", { plan: "free" });
  const { cohort } = await analyst.cohorts.create({ kind: "static", name: "Early adopters" });
  cohortId = cohort.id;
  await analyst.cohorts.uploadCsv({ id: cohortId, csv: "distinct_id\np-member\n", idType: "distinct_id" });

  flagIds.pro = (await analyst.flags.create({
    key: "pro-banner", enabled: true, payloads: { true: { text: "Welcome, pro" } },
    rules: [{ conditions: [{ type: "person", key: "plan", operator: "equals", value: "pro" }], rollout: 100 }],
  })).id;
  flagIds.checkout = (await analyst.flags.create({
    key: "checkout", type: "multivariate", enabled: true,
    variants: [{ key: "control", weight: 50 }, { key: "one-page", weight: 50 }], payloads: { "one-page": { steps: 1 } },
    rules: [{ conditions: [{ type: "person", key: "country", operator: "equals", value: "GB" }], rollout: 100, variant: "one-page" }, { conditions: [], rollout: 100 }],
  })).id;
  flagIds.cohort = (await analyst.flags.create({ key: "early-access", enabled: true, rules: [{ conditions: [{ type: "cohort", cohortId }], rollout: 100 }] })).id;
  flagIds.off = (await analyst.flags.create({ key: "not-yet" })).id;
}, 120_000);
afterAll(() => server?.close());

describe("POST/GET /api/flags", () => {
  it("needs the project's write key", async () => {
    const none = await flags({ distinct_id: "p-pro" });
    expect(none.status).toBe(401);
    expect(none.body.errors[0].field).toBe("api_key");
    const wrong = await flags({ api_key: "fs_pub_nope", distinct_id: "p-pro" });
    expect(wrong.status).toBe(401);
    const secretIsNotWrite = await flags({ api_key: secretKey, distinct_id: "p-pro" });
    expect(secretIsNotWrite.status).toBe(401);
  });

  it("bad input is a 400 naming the field, never a 5xx", async () => {
    const cases: [unknown, string][] = [
      [{ api_key: writeKey }, "distinct_id"],
      [{ api_key: writeKey, distinct_id: "" }, "distinct_id"],
      [{ api_key: writeKey, distinct_id: "x", person_properties: "plan=pro" }, "person_properties"],
      [{ api_key: writeKey, distinct_id: "x", environment: 3 }, "environment"],
      [[1, 2], "body"],
    ];
    for (const [body, field] of cases) {
      const res = await flags(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].field, JSON.stringify(body)).toBe(field);
    }
    const notJson = await post(base, "/api/flags", null, { raw: "{nope" });
    expect(notJson.status).toBe(400);
    const badQuery = await fetch(`${base}/api/flags?api_key=${writeKey}&distinct_id=x&person_properties=%7Bnope`);
    expect(badQuery.status).toBe(400);
    expect((await badQuery.json()).errors[0].field).toBe("person_properties");
  });

  it("reads the stored person's properties and lets the request's override them", async () => {
    const pro = await flags({ api_key: writeKey, distinct_id: "p-pro" });
    expect(pro.status).toBe(200);
    expect(pro.body).toEqual({
      flags: { "pro-banner": true, checkout: "one-page", "early-access": false, "not-yet": false },
      payloads: { "pro-banner": { text: "Welcome, pro" }, checkout: { steps: 1 } },
    });
    const overridden = await flags({ api_key: writeKey, distinct_id: "p-pro", person_properties: { plan: "free" } });
    expect(overridden.body.flags["pro-banner"]).toBe(false);
    const unknown = await flags({ token: writeKey, distinct_id: "stranger", person_properties: { plan: "pro" } });
    expect(unknown.body.flags["pro-banner"]).toBe(true);
    expect(["control", "one-page"]).toContain(unknown.body.flags.checkout);
  });

  it("answers as the full lookup does when it skips the stored person, and reports its handling time", async () => {
    // The endpoint skips the person query when no live flag's answer can depend on it (every
    // person-condition key sent, no cohort rule): the answers must equal the always-lookup path's.
    // Per flag (`key`), so flags without a cohort rule can take the skipping path here too.
    const service = flagService(server.env.deps);
    const skip = (key: string, sent: Record<string, unknown>) => service.evaluateForPerson(projectId, { distinctId: "p-pro", personProperties: sent, key }, { count: false, lookupOnlyIfNeeded: true });
    expect((await skip("pro-banner", { plan: "free" })).person.found).toBe(false); // skipped: its one condition key was sent
    expect((await skip("checkout", { plan: "free" })).person.found).toBe(true); // country must come from the stored person
    expect((await skip("early-access", { plan: "free", country: "GB" })).person.found).toBe(true); // cohort rule
    const sentSets: (Record<string, unknown> | undefined)[] = [undefined, {}, { plan: "pro" }, { plan: "free", country: "GB" }, { plan: "pro", country: "FR" }, { country: "GB" }];
    for (const distinctId of ["p-pro", "p-free", "p-member", "stranger"]) {
      for (const sent of sentSets) {
        for (const key of ["pro-banner", "checkout", "early-access", undefined]) {
          const skipping = await service.evaluateForPerson(projectId, { distinctId, personProperties: sent, key }, { count: false, lookupOnlyIfNeeded: true });
          const full = await service.evaluateForPerson(projectId, { distinctId, personProperties: sent, key }, { count: false });
          expect(skipping.flags, `${distinctId} ${JSON.stringify(sent)} ${key}`).toEqual(full.flags);
          expect(skipping.payloads).toEqual(full.payloads);
        }
        const res = await flags({ api_key: writeKey, distinct_id: distinctId, person_properties: sent });
        expect(res.body.flags).toEqual((await service.evaluateForPerson(projectId, { distinctId, personProperties: sent }, { count: false })).flags);
        expect(res.headers.get("server-timing") ?? "").toMatch(/^app;dur=\d+\.\d{3}$/);
      }
    }
  });

  it("GET takes the same fields as query parameters, and the Bearer header as the key", async () => {
    const res = await fetch(`${base}/api/flags?distinct_id=p-free&person_properties=${encodeURIComponent(JSON.stringify({ plan: "pro" }))}`, { headers: { authorization: `Bearer ${writeKey}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).flags["pro-banner"]).toBe(true);
  });

  it("answers posthog-js's /decide and /flags?v=2 with the same flags, and leaves the /flags page to Remix", async () => {
    const decide = await post(base, "/decide/?v=3", { token: writeKey, distinct_id: "p-pro" });
    expect(decide.body).toMatchObject({ featureFlags: { "pro-banner": true, checkout: "one-page" }, featureFlagPayloads: { checkout: '{"steps":1}' } });
    const v2 = await post(base, "/flags/?v=2", { token: writeKey, distinct_id: "p-pro" });
    expect(v2.body.flags.checkout).toMatchObject({ key: "checkout", enabled: true, variant: "one-page", reason: { code: "rule_match" } });
    const page = await fetch(`${base}/flags`, { redirect: "manual" });
    expect(page.status).toBe(302); // the page's login redirect, not PostHog's JSON
  });

  it("cohort rules use the person's cohort membership", async () => {
    expect((await flags({ api_key: writeKey, distinct_id: "p-member" })).body.flags["early-access"]).toBe(true);
    expect((await flags({ api_key: writeKey, distinct_id: "p-free" })).body.flags["early-access"]).toBe(false);
  });

  it("a change through tRPC is answered at once; archived flags disappear", async () => {
    await analyst.flags.setEnabled({ id: flagIds.off!, enabled: true });
    expect((await flags({ api_key: writeKey, distinct_id: "p-free" })).body.flags["not-yet"]).toBe(true);
    await analyst.flags.archive({ id: flagIds.off! });
    expect((await flags({ api_key: writeKey, distinct_id: "p-free" })).body.flags).not.toHaveProperty("not-yet");
  });

  it("counts evaluations per variant per day and exposures from $feature_flag_called", async () => {
    const service = flagService(server.env.deps);
    await service.counter.flush();
    await q("delete from flag_stat_days where project_id = $1", [projectId]);
    for (let i = 0; i < 3; i++) await flags({ api_key: writeKey, distinct_id: "p-pro" });
    await flags({ api_key: writeKey, distinct_id: "p-free", person_properties: { country: "FR" } });
    const cap = await post(base, "/api/capture", {
      api_key: writeKey,
      batch: [
        { event: "$feature_flag_called", distinct_id: "p-pro", properties: { $feature_flag: "checkout", $feature_flag_response: "one-page" } },
        { event: "$feature_flag_called", distinct_id: "p-pro", properties: { $feature_flag: "checkout", $feature_flag_response: "one-page" } },
        { event: "$feature_flag_called", distinct_id: "p-free", properties: { $feature_flag: "pro-banner", $feature_flag_response: false } },
      ],
    });
    expect(cap.status).toBe(200);
    const stats = await analyst.flags.stats({ id: flagIds.checkout! });
    const today = new Date().toISOString().slice(0, 10);
    const p = (v: string) => stats.rows.find((r) => r.variant === v);
    // p-pro (GB) takes rule 0's "one-page" three times; p-free (FR) takes rule 1's hashed variant once.
    expect(p("one-page")).toMatchObject({ day: today, variant: "one-page", exposures: 2 });
    expect(p("one-page")!.evaluations).toBeGreaterThanOrEqual(3);
    const total = stats.rows.reduce((s, r) => s + r.evaluations, 0);
    expect(total).toBe(4);
    const banner = await analyst.flags.stats({ id: flagIds.pro! });
    expect(banner.rows.find((r) => r.variant === "false")).toMatchObject({ evaluations: 1, exposures: 1 });
    expect(banner.rows.find((r) => r.variant === "true")).toMatchObject({ evaluations: 3, exposures: 0 });
  });
});

describe("GET /api/flags/definitions", () => {
  it("needs a secret key", async () => {
    expect((await definitions({})).status).toBe(401);
    expect((await definitions({ authorization: `Bearer ${writeKey}` })).status).toBe(401);
  });

  it("answers with an ETag, 304 while unchanged, and a new ETag after a change", async () => {
    const first = await definitions({ authorization: `Bearer ${secretKey}` });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag")!;
    const body = await first.json();
    expect(body.flags.map((f: { key: string }) => f.key).sort()).toEqual(["checkout", "early-access", "pro-banner"]);
    const again = await definitions({ authorization: `Bearer ${secretKey}`, "if-none-match": etag });
    expect(again.status).toBe(304);
    await analyst.flags.update({ id: flagIds.pro!, change: { rules: [{ conditions: [], rollout: 30, variant: null }] } });
    const changed = await definitions({ authorization: `Bearer ${secretKey}`, "if-none-match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });
});

describe("flags router", () => {
  it("writes an audit row for every change, with before and after", async () => {
    const rows = await q(`select action, details from audit_logs where target_type = 'feature_flag' and target_id = $1 order by id`, [flagIds.pro]);
    expect(rows.map((r) => r.action)).toEqual(["flag.create", "flag.update"]);
    expect(rows[1].details).toMatchObject({ key: "pro-banner", version: 2, before: { rules: [{ rollout: 100 }] }, after: { rules: [{ rollout: 30 }] } });
  });

  it("rejects an invalid merged flag naming the field, and a stale version", async () => {
    await expect(analyst.flags.update({ id: flagIds.checkout!, change: { variants: [{ key: "control", weight: 60 }, { key: "one-page", weight: 50 }] } }))
      .rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("change.variants") });
    await expect(analyst.flags.update({ id: flagIds.checkout!, change: { name: "x" }, expectedVersion: 99 })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(analyst.flags.create({ key: "checkout" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("key") });
  });

  it("lists flags with a rollout summary, archived ones on request", async () => {
    const live = await analyst.flags.list({ includeArchived: false });
    expect(live.map((f) => f.key)).toEqual(["checkout", "early-access", "pro-banner"]);
    expect(live.find((f) => f.key === "checkout")!.summary).toBe("2 rules: 100% / 100%");
    const all = await analyst.flags.list({ includeArchived: true });
    expect(all.map((f) => f.key)).toContain("not-yet");
  });

  it("evaluate explains the decision for the test-a-person box", async () => {
    const r = await analyst.flags.evaluate({ key: "checkout", distinctId: "p-pro" });
    expect(r.flags).toEqual({ checkout: "one-page" });
    expect(r.details.checkout).toMatchObject({ reason: "rule_match", ruleIndex: 0 });
    expect(r.person).toMatchObject({ found: true, properties: { plan: "pro", country: "GB" } });
    await expect(analyst.flags.evaluate({ key: "nope", distinctId: "p-pro" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("scheduled changes are applied once by the job, audited, and seen by /api/flags", async () => {
    const at = new Date(Date.now() - 1000);
    await analyst.flags.scheduleChange({ id: flagIds.cohort!, at, change: { enabled: false } });
    await expect(analyst.flags.scheduleChange({ id: flagIds.cohort!, at, change: { type: "multivariate" } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const first = await applyDueChanges({ prisma: server.env.db.prisma });
    const second = await applyDueChanges({ prisma: server.env.db.prisma });
    expect(first).toEqual({ applied: 1, failed: 0 });
    expect(second).toEqual({ applied: 0, failed: 0 });
    // Another process's change: noticed by the background version check within about a second.
    const started = Date.now();
    let value: unknown = true;
    while (value !== false && Date.now() - started < 5000) {
      value = (await flags({ api_key: writeKey, distinct_id: "p-member" })).body.flags["early-access"];
      if (value !== false) await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    const audit = await q(`select action from audit_logs where target_id = $1 order by id`, [flagIds.cohort]);
    expect(audit.map((r) => r.action)).toEqual(["flag.create", "flag.schedule_change", "flag.apply_scheduled_change"]);
  });
});

describe("apply_flag_changes task", () => {
  it("applies due changes and recounts exposures, from a cron payload", async () => {
    await analyst.flags.scheduleChange({ id: flagIds.pro!, at: new Date(Date.now() - 1000), change: { name: "Pro banner (scheduled)" } });
    const payload = taskCatalog.apply_flag_changes.payload.parse({ _cron: { ts: new Date().toISOString(), backfilled: false } });
    const result = await applyFlagChangesTask(payload, { deps: server.env.deps, helpers: {} as never });
    expect(result).toMatchObject({ applied: 1, failed: 0 });
    expect((result as { exposureRows: number }).exposureRows).toBeGreaterThan(0);
    expect((await analyst.flags.get({ id: flagIds.pro! })).name).toBe("Pro banner (scheduled)");
  });
});

describe("Node SDK local evaluation against the server", () => {
  it("agrees with /api/flags, polls with ETag and falls back to remote for cohort rules", async () => {
    await analyst.flags.setEnabled({ id: flagIds.cohort!, enabled: true });
    const client = new ForesightFlags({ host: base, secretKey, apiKey: writeKey, pollIntervalMs: 0 });
    expect(await client.ready()).toBe(true);
    expect(client.flagKeys.sort()).toEqual(["checkout", "early-access", "pro-banner"]);
    for (const id of ["p-pro", "p-free", "a", "b", "c", "d", "e", "f"]) {
      const props = id === "p-pro" ? { plan: "pro", country: "GB" } : {};
      const remote = (await flags({ api_key: writeKey, distinct_id: id, person_properties: props })).body.flags;
      expect(client.evaluateLocally("checkout", id, { personProperties: props })?.value, id).toBe(remote.checkout);
      expect(client.evaluateLocally("pro-banner", id, { personProperties: props })?.value, id).toBe(remote["pro-banner"]);
    }
    expect(client.evaluateLocally("early-access", "p-member")).toBeUndefined();
    expect(await client.isFeatureEnabled("early-access", "p-member")).toBe(true);
    expect(await client.reloadDefinitions()).toBe(false);
    await analyst.flags.update({ id: flagIds.pro!, change: { rules: [{ conditions: [], rollout: 100, variant: null }] } });
    expect(await client.reloadDefinitions()).toBe(true);
    expect(await client.isFeatureEnabled("pro-banner", "anyone")).toBe(true);
    expect(await client.getFeatureFlagPayload("pro-banner", "anyone")).toEqual({ text: "Welcome, pro" });
    client.shutdown();
  });
});
