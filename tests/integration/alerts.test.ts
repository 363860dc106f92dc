import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { evaluateRules } from "../../server/alerts/evaluate";
import { enqueue } from "../../server/jobs/queue";
import { createProject } from "../../server/projects/create-project";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { startHttpListener } from "../support/http-listener";
import { startSmtpListener } from "../support/smtp-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

let env: TestEnv;
let runner: Runner;
let slack: Awaited<ReturnType<typeof startHttpListener>>;
let pagerduty: Awaited<ReturnType<typeof startHttpListener>>;
let hook: Awaited<ReturnType<typeof startHttpListener>>;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let caller: Awaited<ReturnType<typeof signIn>>["caller"];
let channelIds: string[];
const SECRET = "whsec-0123456789abcdef";

beforeAll(async () => {
  [env, slack, pagerduty, hook, smtp] = await Promise.all([createTestEnv(), startHttpListener(), startHttpListener(), startHttpListener(), startSmtpListener()]);
  await createProject(env.db.prisma, { name: "Alerts" });
  ({ caller } = await signIn(env.deps, "admin"));
  const made = await Promise.all([
    caller.channels.create({ name: "Ops mail", config: { kind: "email", to: ["ops@acme.test"], smtpUrl: smtp.url, from: "Foresight <alerts@foresight.test>" } }),
    caller.channels.create({ name: "Ops Slack", config: { kind: "slack", webhookUrl: slack.url("/services/T000/B000/XXXXXXXX") } }),
    caller.channels.create({ name: "On call", config: { kind: "pagerduty", routingKey: "pd-routing-key-1", eventsUrl: pagerduty.url("/v2/enqueue") } }),
    caller.channels.create({ name: "Hook", config: { kind: "webhook", url: hook.url("/hooks/foresight"), secret: SECRET } }),
  ]);
  channelIds = made.map((c) => c.id);
  runner = await startWorker(env.deps);
});
afterAll(async () => {
  await runner?.stop();
  await Promise.all([slack?.close(), pagerduty?.close(), hook?.close(), smtp?.close()]);
  await env?.close();
});

async function sample(name: string, value: number, at = new Date(Date.now() - 1000)) {
  await env.db.prisma.metricSample.create({ data: { name, labels: {}, value, at } });
}

/** Runs evaluate_alerts through the real worker and waits for its run (and any delivery run it queued) to finish. */
async function evaluateThroughWorker(ruleId: string) {
  const job = await enqueue(env.db.pool, "evaluate_alerts", { ruleId });
  const run = await waitFor(() => env.db.prisma.jobRun.findFirst({ where: { jobId: job.id, status: { not: "running" } } }), "evaluate_alerts to finish");
  expect(run.status).toBe("completed");
  await waitFor(async () => (await env.db.prisma.delivery.count({ where: { status: "pending" } })) === 0, "deliveries to go out");
  return run.result as { fired: number; resolved: number };
}

const everyone = () => [slack.received.length, pagerduty.received.length, hook.received.length, smtp.mails.length];

describe("alert rules fire to every channel through the worker", () => {
  it("fires once with the exact payloads, not again within the cooldown, and resolves when the metric recovers", async () => {
    const rule = await caller.alerts.create({
      name: "Checkout errors",
      source: { kind: "metric", name: "checkout_errors", labels: {}, aggregation: "last" },
      condition: "above",
      threshold: 5,
      windowSeconds: 600,
      forSeconds: 0,
      cooldownSeconds: 3600,
      severity: "critical",
      channelIds,
      recipients: ["oncall@acme.test"],
      muteWindows: [],
      enabled: true,
    });

    await sample("checkout_errors", 2);
    expect(await evaluateThroughWorker(rule.id)).toMatchObject({ fired: 0 });
    expect(everyone()).toEqual([0, 0, 0, 0]);

    await sample("checkout_errors", 9);
    expect(await evaluateThroughWorker(rule.id)).toMatchObject({ fired: 1 });
    await waitFor(async () => everyone().every((n) => n === 1), "one message per channel");
    const [event] = await env.db.prisma.alertEvent.findMany({ where: { ruleId: rule.id } });
    expect(event).toMatchObject({ status: "firing", value: 9, threshold: 5 });
    const at = event!.firedAt.toISOString();
    const dedupKey = event!.dedupKey;

    expect(slack.received[0]!.path).toBe("/services/T000/B000/XXXXXXXX");
    expect(slack.received[0]!.json).toEqual({
      text: "[FIRING] Checkout errors",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "[FIRING] Checkout errors" } },
        { type: "section", text: { type: "mrkdwn", text: "Firing: value 9 (> 5). Severity critical." } },
        { type: "context", elements: [{ type: "mrkdwn", text: `Severity *critical* · ${at}` }] },
      ],
    });

    expect(pagerduty.received[0]!.json).toEqual({
      routing_key: "pd-routing-key-1",
      event_action: "trigger",
      dedup_key: dedupKey,
      payload: {
        summary: "[FIRING] Checkout errors",
        source: "foresight",
        severity: "critical",
        timestamp: at,
        custom_details: { rule_id: rule.id, condition: "above", threshold: 5, value: 9 },
      },
    });

    const webhook = hook.received[0]!;
    expect(webhook.json).toEqual({
      version: 1,
      type: "alert_firing",
      ruleId: rule.id,
      ruleName: "Checkout errors",
      severity: "critical",
      condition: "above",
      threshold: 5,
      value: 9,
      dedupKey,
      at,
      recipients: ["oncall@acme.test"],
      url: null,
    });
    const ts = webhook.headers["x-foresight-timestamp"] as string;
    expect(ts).toMatch(/^\d+$/);
    const expected = "sha256=" + createHmac("sha256", SECRET).update(`${ts}.${webhook.body}`).digest("hex");
    expect(webhook.headers["x-foresight-signature"]).toBe(expected);
    expect(webhook.headers["x-foresight-event"]).toBe("alert_firing");

    const mail = smtp.mails[0]!;
    expect(mail.from).toBe("alerts@foresight.test");
    expect(mail.to.sort()).toEqual(["oncall@acme.test", "ops@acme.test"]);
    expect(mail.subject).toBe("[Foresight] [FIRING] Checkout errors");
    expect(mail.text.trim()).toBe(
      ["Firing: value 9 (> 5). Severity critical.", "Rule: Checkout errors", `At: ${at}`, `Dedup key: ${dedupKey}`].join("\n"),
    );

    // Still breaching: already firing, nothing new goes out.
    await sample("checkout_errors", 12);
    expect(await evaluateThroughWorker(rule.id)).toMatchObject({ fired: 0, resolved: 0 });
    expect(everyone()).toEqual([1, 1, 1, 1]);

    // Recovers: resolved, one message per channel, PagerDuty resolves the same dedup key.
    await sample("checkout_errors", 1);
    expect(await evaluateThroughWorker(rule.id)).toMatchObject({ resolved: 1 });
    await waitFor(async () => everyone().every((n) => n === 2), "the resolution on every channel");
    expect(pagerduty.received[1]!.json).toEqual({ routing_key: "pd-routing-key-1", event_action: "resolve", dedup_key: dedupKey });
    expect(pagerduty.received[1]!.json.dedup_key).toBe(pagerduty.received[0]!.json.dedup_key);
    expect(slack.received[1]!.json.text).toBe("[RESOLVED] Checkout errors");
    expect(slack.received[1]!.json.blocks[1].text.text).toBe("Resolved: value 1 (> 5). Severity critical.");
    expect(hook.received[1]!.json).toMatchObject({ type: "alert_resolved", dedupKey, value: 1 });
    expect(smtp.mails[1]!.subject).toBe("[Foresight] [RESOLVED] Checkout errors");
    const resolved = await env.db.prisma.alertEvent.findUniqueOrThrow({ where: { id: event!.id } });
    expect(resolved.status).toBe("resolved");
    expect(resolved.resolvedAt).not.toBeNull();

    // Breaches again within the cooldown: pending, no second firing.
    await sample("checkout_errors", 20);
    expect(await evaluateThroughWorker(rule.id)).toMatchObject({ fired: 0 });
    expect(everyone()).toEqual([2, 2, 2, 2]);
    expect(await env.db.prisma.alertEvent.count({ where: { ruleId: rule.id } })).toBe(1);
    expect((await caller.alerts.get({ id: rule.id })).state).toBe("pending");

    // Once the cooldown is over the same breach fires again, under a new dedup key.
    const after = new Date(resolved.firedAt.getTime() + 3600_000 + 1000);
    await sample("checkout_errors", 20, after);
    const [again] = await evaluateRules(env.deps, { ruleId: rule.id, now: after });
    expect(again!.fired).toBeDefined();
    const events = await caller.alerts.history({ ruleId: rule.id });
    expect(events).toHaveLength(2);
    expect(events[0]!.dedupKey).not.toBe(dedupKey);

    // Acknowledgement.
    await caller.alerts.acknowledge({ eventId: events[0]!.id });
    expect((await caller.alerts.history({ ruleId: rule.id }))[0]!.acknowledgedAt).not.toBeNull();
    await expect(caller.alerts.acknowledge({ eventId: events[0]!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("waits for the for-duration before firing", async () => {
    const rule = await caller.alerts.create({
      name: "Slow queue",
      source: { kind: "metric", name: "queue_lag", labels: {}, aggregation: "max" },
      condition: "above", threshold: 100, windowSeconds: 600, forSeconds: 120, cooldownSeconds: 0,
      severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    });
    const t0 = new Date("2030-01-01T00:00:00Z");
    await sample("queue_lag", 500, t0);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    expect((await evaluateRules(env.deps, { ruleId: rule.id, now: at(0) }))[0]!.state).toBe("pending");
    expect((await evaluateRules(env.deps, { ruleId: rule.id, now: at(60) }))[0]!.state).toBe("pending");
    expect((await evaluateRules(env.deps, { ruleId: rule.id, now: at(121) }))[0]).toMatchObject({ state: "firing", fired: expect.any(String) });
  });

  it("stays quiet inside a mute window", async () => {
    const rule = await caller.alerts.create({
      name: "Muted",
      source: { kind: "metric", name: "muted_metric", labels: {}, aggregation: "max" },
      condition: "above", threshold: 1, windowSeconds: 600, forSeconds: 0, cooldownSeconds: 0,
      severity: "info", channelIds: [], recipients: [], muteWindows: [{ kind: "daily", start: "23:00", end: "01:00" }], enabled: true,
    });
    const night = new Date("2030-02-01T23:30:00Z");
    await sample("muted_metric", 5, night);
    expect((await evaluateRules(env.deps, { ruleId: rule.id, now: night }))[0]!.state).toBe("pending");
    const morning = new Date("2030-02-02T01:05:00Z");
    await sample("muted_metric", 5, morning);
    expect((await evaluateRules(env.deps, { ruleId: rule.id, now: morning }))[0]!.state).toBe("firing");
  });

  it("reads a saved insight's last value, and a ratio of two metrics", async () => {
    const project = (await env.db.prisma.project.findFirst())!;
    const saved = await env.db.prisma.savedInsight.create({
      data: { projectId: project.id, name: "Signups", kind: "trends", query: { kind: "trends", series: [{ event: "signup" }], interval: "day", dateRange: { from: "-7d" } } },
    });
    const rule = await caller.alerts.create({
      name: "No signups today",
      source: { kind: "insight", savedInsightId: saved.id },
      condition: "below", threshold: 1, windowSeconds: 86400, forSeconds: 0, cooldownSeconds: 0,
      severity: "warning", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    });
    const [r] = await evaluateRules(env.deps, { ruleId: rule.id });
    expect(r).toMatchObject({ value: 0, state: "firing" });

    const ratio = await caller.alerts.create({
      name: "Error ratio",
      source: { kind: "metric", name: "r_errors", denominator: "r_requests", labels: {}, aggregation: "sum" },
      condition: "above", threshold: 0.01, windowSeconds: 300, forSeconds: 0, cooldownSeconds: 0,
      severity: "critical", channelIds: [], recipients: [], muteWindows: [], enabled: true,
    });
    const t = new Date("2031-01-01T00:00:00Z");
    await sample("r_requests", 1000, new Date(t.getTime() - 20_000));
    await sample("r_requests", 1000, new Date(t.getTime() - 10_000));
    await sample("r_errors", 15, new Date(t.getTime() - 10_000));
    expect((await evaluateRules(env.deps, { ruleId: ratio.id, now: t }))[0]).toMatchObject({ value: 0.0075, state: "ok" });
    await sample("r_errors", 10, new Date(t.getTime() - 5_000));
    expect((await evaluateRules(env.deps, { ruleId: ratio.id, now: t }))[0]).toMatchObject({ value: 0.0125, state: "firing" });
  });

  it("pre-creates the built-in rules once, editable", async () => {
    const rules = await caller.alerts.list();
    const keys = rules.filter((r) => r.builtInKey).map((r) => r.builtInKey).sort();
    expect(keys).toEqual(["api_quota", "conversion_drop", "error_rate", "p95_latency", "payment_failures"]);
    expect((await caller.alerts.list()).length).toBe(rules.length);
    const errorRate = rules.find((r) => r.builtInKey === "error_rate")!;
    expect(errorRate).toMatchObject({ condition: "above", threshold: 0.01, projectId: null });
    expect(rules.find((r) => r.builtInKey === "p95_latency")).toMatchObject({ threshold: 2 });
    expect(rules.find((r) => r.builtInKey === "conversion_drop")).toMatchObject({ condition: "change_pct", threshold: -20 });
    expect(rules.find((r) => r.builtInKey === "payment_failures")).toMatchObject({ threshold: 5 });
    expect(rules.find((r) => r.builtInKey === "api_quota")).toMatchObject({ threshold: 0.8 });
    const { id, name: _n, builtInKey: _k, projectId: _p, state: _s, stateSince: _ss, lastValue: _lv, lastEvaluatedAt: _le, lastFiredAt: _lf, createdAt: _c, updatedAt: _u, ...rest } = errorRate;
    const edited = await caller.alerts.update({ id, rule: { ...(rest as any), name: "Error rate above 2%", threshold: 0.02 } });
    expect(edited).toMatchObject({ threshold: 0.02, builtInKey: "error_rate" });
    expect((await caller.alerts.list()).filter((r) => r.builtInKey === "error_rate")).toHaveLength(1);
  });
});
