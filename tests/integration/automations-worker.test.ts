import { createHmac } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Runner } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, MAX_ATTEMPTS, runAutomations } from "../../server/automations";
import { bulkIngest } from "../../server/ingest/bulk";
import { createCaptureService, type CaptureService } from "../../server/ingest/service";
import { createProject } from "../../server/projects/create-project";
import { SLACK_MS } from "../../server/query/watermark";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { startHttpListener, type ReceivedRequest } from "../support/http-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

const SECRET = "worker-test-secret-123";
let env: TestEnv;
let hook: Awaited<ReturnType<typeof startHttpListener>>;
let capture: CaptureService;
let runner: Runner;
let analyst: Awaited<ReturnType<typeof signIn>>;
let projectId: string;

function signed(req: ReceivedRequest) {
  const ts = req.headers["x-foresight-timestamp"];
  return req.headers["x-foresight-signature"] === `sha256=${createHmac("sha256", SECRET).update(`${ts}.${req.body}`).digest("hex")}`;
}

const person = (n: number) => ({
  event: "$identify",
  distinct_id: `user-${n}`,
  timestamp: new Date(Date.now() - 60_000 + n).toISOString(),
  properties: {},
  $set: { email: `user${n}@shop.test`, plan: n % 2 ? "pro" : "free", name: `User ${n}` },
});

beforeAll(async () => {
  [env, hook] = await Promise.all([createTestEnv(), startHttpListener()]);
  projectId = (await createProject(env.db.prisma, { name: "Automations worker" })).project.id;
  analyst = await signIn(env.deps, "analyst");
  capture = await createCaptureService(env.deps, { spoolDir: await fs.mkdtemp(path.join(os.tmpdir(), "foresight-spool-")) });
  runner = await startWorker(env.deps);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await capture?.close();
  await hook?.close();
  await env?.close();
});

describe("automations through the real worker", () => {
  it("run_automations acts on a new trigger event once the watermark slack has passed, and only once", async () => {
    const rule = await analyst.caller.automations.create({
      name: "Welcome",
      trigger: { event: "signed_up", filters: [{ type: "event", key: "plan", operator: "equals", value: "pro" }] },
      action: { kind: "webhook", url: hook.url("/welcome"), secret: SECRET },
    });
    await bulkIngest(capture.pipeline, projectId, [
      person(1),
      person(2),
      { event: "signed_up", distinct_id: "user-1", timestamp: new Date().toISOString(), properties: { plan: "pro" } },
      { event: "signed_up", distinct_id: "user-2", timestamp: new Date().toISOString(), properties: { plan: "free" } },
    ]);
    // Writes may still commit below the newest stamp for SLACK_MS: the scan waits that long.
    await new Promise((r) => setTimeout(r, SLACK_MS + 500));
    await analyst.caller.automations.runNow({ id: rule.id });
    const req = await waitFor(async () => hook.received.find((r) => r.path === "/welcome"), "the welcome webhook", 30_000);
    expect(signed(req)).toBe(true);
    expect(req.json).toMatchObject({ type: "automation.fired", automation: { id: rule.id, name: "Welcome" }, person: { distinctIds: ["user-1"], properties: { email: "user1@shop.test", plan: "pro" } }, trigger: { event: "signed_up", distinctId: "user-1", properties: { plan: "pro" } }, condition: null });

    await analyst.caller.automations.runNow({ id: rule.id });
    await waitFor(async () => {
      const runs = await env.db.prisma.jobRun.count({ where: { task: "run_automations", status: "completed" } });
      return runs >= 2;
    }, "the second run");
    expect(hook.received.filter((r) => r.path === "/welcome")).toHaveLength(1);
    const log = await analyst.caller.automations.log({ id: rule.id });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "sent", attempts: 1, dedupKey: "once", distinctId: "user-1" });
  }, 60_000);

  it("sync_audiences posts a cohort's members with the chosen properties, signed; the CSV export lists them", async () => {
    await bulkIngest(capture.pipeline, projectId, [person(3), person(4), person(5)]);
    const { cohort } = await analyst.caller.cohorts.create({ kind: "static", name: "VIP list", description: "" });
    await analyst.caller.cohorts.uploadCsv({ id: cohort.id, csv: "distinct_id\nuser-3\nuser-5\n", idType: "distinct_id", mode: "replace" });
    const sync = await analyst.caller.automations.audiences.create({ cohortId: cohort.id, url: hook.url("/audience"), secret: SECRET, properties: ["email", "plan"] });
    expect(sync).toMatchObject({ url: hook.url("/audience"), properties: ["email", "plan"], cohortName: "VIP list" });
    await analyst.caller.automations.audiences.syncNow({ id: sync.id });
    const req = await waitFor(async () => hook.received.find((r) => r.path === "/audience"), "the audience sync", 30_000);
    expect(signed(req)).toBe(true);
    expect(req.headers["x-foresight-event"]).toBe("audience.sync");
    const ids = await env.db.pool.query<{ distinct_id: string; person_id: string }>(
      `select distinct_id, person_id from person_distinct_ids where project_id = $1 and distinct_id in ('user-3', 'user-5') order by person_id`,
      [projectId],
    );
    expect(req.json).toMatchObject({ version: 1, type: "audience.sync", syncId: sync.id, cohort: { id: cohort.id, name: "VIP list" }, total: 2, page: 1, pages: 1, properties: ["email", "plan"] });
    expect(req.json.members).toEqual(
      ids.rows.map((r) => {
        const n = Number(r.distinct_id.slice(5));
        return { personId: r.person_id, distinctIds: [r.distinct_id], properties: { email: `user${n}@shop.test`, plan: n % 2 ? "pro" : "free" } };
      }),
    );
    const [listed] = await waitFor(async () => {
      const rows = await analyst.caller.automations.audiences.list();
      return rows[0]?.lastSyncedAt ? rows : null;
    }, "the sync to be recorded");
    expect(listed).toMatchObject({ lastCount: 2, lastError: null });

    const csv = await analyst.caller.automations.audiences.csv({ cohortId: cohort.id, properties: ["email", "name"] });
    expect(csv.count).toBe(2);
    expect(csv.filename).toBe("VIP-list-members.csv");
    expect(csv.csv).toBe(["person_id,distinct_ids,email,name", ...ids.rows.map((r) => `${r.person_id},${r.distinct_id},user${r.distinct_id.slice(5)}@shop.test,User ${r.distinct_id.slice(5)}`), ""].join("\n"));
  }, 60_000);

  it("a failing audience webhook leaves its error visible", async () => {
    const { cohort } = await analyst.caller.cohorts.create({ kind: "static", name: "Unreachable audience", description: "" });
    const sync = await analyst.caller.automations.audiences.create({ cohortId: cohort.id, url: "http://127.0.0.1:1/down", secret: SECRET });
    await analyst.caller.automations.audiences.syncNow({ id: sync.id });
    const row = await waitFor(async () => (await analyst.caller.automations.audiences.list()).find((s) => s.id === sync.id && s.lastError), "the failure to be recorded");
    expect(row.lastError).toMatch(/POST 127\.0\.0\.1:1 failed/);
    expect(row.lastSyncedAt).toBeNull();
  }, 60_000);

  it("filters on person properties, and a dead receiver fails after the last attempt with its error in the log", async () => {
    // A day's delay: the worker's own per-minute runs (real clock) never reach it; this test's `now` does.
    const rule = await analyst.caller.automations.create({
      name: "Pro upgrade",
      trigger: { event: "upgraded", filters: [{ type: "person", key: "plan", operator: "equals", value: "pro" }] },
      delaySeconds: 86_400,
      dedupSeconds: 3600,
      action: { kind: "webhook", url: "http://127.0.0.1:1/closed", secret: SECRET },
    });
    await bulkIngest(capture.pipeline, projectId, [
      person(7),
      person(8),
      { event: "upgraded", distinct_id: "user-7", timestamp: new Date().toISOString(), properties: {} },
      { event: "upgraded", distinct_id: "user-8", timestamp: new Date().toISOString(), properties: {} },
    ]);
    let now = new Date(Date.now() + 86_400_000 + 60_000);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const run = await runAutomations(env.deps, { automationId: rule.id, now, lagMs: 0 });
      expect(run).toMatchObject(attempt < MAX_ATTEMPTS ? { retrying: 1, failed: 0 } : { retrying: 0, failed: 1 });
      now = new Date(now.getTime() + backoffMs(attempt));
    }
    const log = await analyst.caller.automations.log({ id: rule.id });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, distinctId: "user-7", dedupKey: expect.stringMatching(/^p3600:\d+$/) });
    expect(log[0]!.lastError).toMatch(/POST 127\.0\.0\.1:1 failed/);
    expect((await analyst.caller.automations.list()).find((a) => a.id === rule.id)!.firings).toEqual({ pending: 0, sent: 0, skipped: 0, failed: 1 });
  }, 60_000);

  it("absence on hand-made sequences: merged persons, the window's edge, a booked then an abandoned checkout", async () => {
    const rule = await analyst.caller.automations.create({
      name: "Hand-made abandon",
      trigger: { event: "checkout_started", absentEvent: "booking_completed", withinSeconds: 3600 },
      delaySeconds: 3600,
      action: { kind: "webhook", url: hook.url("/hand"), secret: SECRET },
    });
    const T = Date.UTC(2026, 0, 10, 12, 0, 0);
    const at = (minutes: number) => new Date(T + minutes * 60_000).toISOString();
    const ev = (event: string, distinct_id: string, minutes: number, properties: Record<string, unknown> = {}) => ({ event, distinct_id, timestamp: at(minutes), properties });
    // Known person u-a (from another device), then anonymous a-a checks out, logs in as u-a (a merge) and books as u-a.
    await bulkIngest(capture.pipeline, projectId, [ev("$pageview", "u-a", -1440), ev("checkout_started", "a-a", 0)]);
    await bulkIngest(capture.pipeline, projectId, [ev("$identify", "u-a", 1, { $anon_distinct_id: "a-a" })]);
    await bulkIngest(capture.pipeline, projectId, [
      ev("booking_completed", "u-a", 10),
      ev("checkout_started", "b", 0), ev("booking_completed", "b", 61), // booked too late: abandoned
      ev("checkout_started", "c", 0), ev("booking_completed", "c", 60), // booked on the window's last millisecond
      ev("checkout_started", "d", 0), ev("booking_completed", "d", 5), ev("checkout_started", "d", 1440), // booked, then abandoned
    ]);
    const merges = await env.db.pool.query(`select count(*)::int as n from person_merges where project_id = $1`, [projectId]);
    expect(merges.rows[0].n).toBeGreaterThan(0);

    await runAutomations(env.deps, { automationId: rule.id, now: new Date(T + 3 * 86_400_000), lagMs: 0 });
    // The worker's own per-minute run may hold some firings for a moment: wait until none is pending.
    await waitFor(async () => (await env.db.prisma.automationFiring.count({ where: { automationId: rule.id, status: "pending" } })) === 0 || null, "no pending firings");
    const received = hook.received.filter((r) => r.path === "/hand");
    expect(received.map((r) => [r.json.trigger.distinctId, r.json.trigger.timestamp]).sort()).toEqual([["b", at(0)], ["d", at(1440)]]);
    const log = await analyst.caller.automations.log({ id: rule.id });
    const reasons = log.filter((r) => r.status === "skipped").map((r) => r.lastError).sort();
    // a (booked after the merge), c (edge) and d's first checkout.
    expect(reasons).toEqual(Array(3).fill("booking_completed followed within 3600 s"));
    expect(log.filter((r) => r.status === "sent")).toHaveLength(2);
  }, 60_000);

  it("bad input is a 400 naming the field; viewers cannot write; a redacted secret keeps the stored one", async () => {
    const c = analyst.caller.automations;
    const base = { name: "Bad", action: { kind: "webhook" as const, url: hook.url("/x"), secret: SECRET } };
    await expect(c.create({ ...base, trigger: { event: "checkout_started", absentEvent: "booking_completed" } as any })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("withinSeconds"),
    });
    await expect(c.create({ ...base, trigger: { event: "" } as any })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(c.create({ ...base, trigger: { event: "x" }, action: { kind: "email", to: [], subject: "Hi" } as any })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("to") });
    await expect(c.create({ ...base, trigger: { event: "x" }, action: { ...base.action, secret: "•••" } })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("action.secret") });
    const viewer = await signIn(env.deps, "viewer");
    await expect(viewer.caller.automations.create({ ...base, trigger: { event: "x" } })).rejects.toMatchObject({ code: "FORBIDDEN" });

    const made = await c.create({ ...base, trigger: { event: "x" } });
    expect(await viewer.caller.automations.get({ id: made.id })).toMatchObject({ name: "Bad", action: { secret: "•••" } });
    await c.setEnabled({ id: made.id, enabled: false });
    // An update that leaves out `enabled` keeps the rule off; the redacted secret keeps the stored one.
    await c.update({ id: made.id, automation: { name: "Renamed", trigger: { event: "x" }, action: { ...base.action, secret: "•••" } } });
    const stored = await env.db.prisma.automation.findUniqueOrThrow({ where: { id: made.id } });
    expect(stored).toMatchObject({ name: "Renamed", enabled: false, action: { url: hook.url("/x"), secret: SECRET } });
    await c.update({ id: made.id, automation: { name: "Renamed", trigger: { event: "x" }, action: { ...base.action, secret: "•••" }, enabled: true } });
    expect((await env.db.prisma.automation.findUniqueOrThrow({ where: { id: made.id } })).enabled).toBe(true);
    await c.delete({ id: made.id });
    await expect(c.get({ id: made.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
