import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { backoffMs, deliverDue, MAX_ATTEMPTS } from "../../server/channels/deliveries";
import { createProject } from "../../server/projects/create-project";
import { startWorker } from "../../workers/runner";
import { createTestEnv, type TestEnv } from "../support/db";
import { startHttpListener } from "../support/http-listener";
import { startSmtpListener } from "../support/smtp-listener";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

let env: TestEnv;
let hook: Awaited<ReturnType<typeof startHttpListener>>;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let admin: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  [env, hook, smtp] = await Promise.all([createTestEnv(), startHttpListener(), startSmtpListener()]);
  await createProject(env.db.prisma, { name: "Channels" });
  admin = await signIn(env.deps, "admin", "root@channels.test");
});
afterAll(async () => {
  await Promise.all([hook?.close(), smtp?.close()]);
  await env?.close();
});

describe("channels and deliveries", () => {
  it("retries a failing channel with backoff and shows the failure until it succeeds", async () => {
    const channel = await admin.caller.channels.create({ name: "Flaky hook", config: { kind: "webhook", url: hook.url("/flaky"), secret: "s3cret-s3cret-s3cret" } });
    expect(channel.config).toEqual({ kind: "webhook", url: hook.url("/flaky"), secret: "•••" });
    const t0 = new Date("2030-03-01T12:00:00Z");
    const { deliveryId } = await admin.caller.channels.sendTest({ id: channel.id });
    await env.db.prisma.delivery.update({ where: { id: deliveryId }, data: { nextAttemptAt: t0 } });

    hook.failNext(500);
    expect(await deliverDue(env.deps, { now: t0 })).toMatchObject({ sent: 0, retrying: 1 });
    const failed = await admin.caller.channels.deliveries({ channelId: channel.id });
    expect(failed[0]).toMatchObject({ id: deliveryId, status: "pending", attempts: 1, purpose: "test", channel: { name: "Flaky hook", kind: "webhook" } });
    expect(failed[0]!.lastError).toMatch(/answered 500/);
    expect(failed[0]!.nextAttemptAt).toEqual(new Date(t0.getTime() + backoffMs(1)));

    // Not due yet: nothing is sent before the backoff.
    expect(await deliverDue(env.deps, { now: new Date(t0.getTime() + backoffMs(1) - 1) })).toMatchObject({ sent: 0, retrying: 0 });
    expect(hook.received).toHaveLength(1);

    const retryAt = new Date(t0.getTime() + backoffMs(1));
    expect(await deliverDue(env.deps, { now: retryAt })).toMatchObject({ sent: 1 });
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]!.body).toBe(hook.received[1]!.body);
    const [sent] = await admin.caller.channels.deliveries({ channelId: channel.id });
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    const ts = hook.received[1]!.headers["x-foresight-timestamp"];
    expect(ts).toBe(String(Math.floor(retryAt.getTime() / 1000)));
    expect(hook.received[1]!.headers["x-foresight-signature"]).toBe(
      "sha256=" + createHmac("sha256", "s3cret-s3cret-s3cret").update(`${ts}.${hook.received[1]!.body}`).digest("hex"),
    );
    expect(hook.received[1]!.json).toMatchObject({ version: 1, type: "test", ruleName: "Test of Flaky hook", recipients: ["root@channels.test"] });
  });

  it("gives up after the last attempt and the failure stays visible", async () => {
    const channel = await admin.caller.channels.create({ name: "Dead Slack", config: { kind: "slack", webhookUrl: hook.url("/services/dead-hook") } });
    const { deliveryId } = await admin.caller.channels.sendTest({ id: channel.id });
    let now = new Date("2030-04-01T00:00:00Z");
    await env.db.prisma.delivery.update({ where: { id: deliveryId }, data: { nextAttemptAt: now } });
    hook.failNext(...Array(MAX_ATTEMPTS).fill(503));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const pass = await deliverDue(env.deps, { now });
      expect(pass).toMatchObject(attempt < MAX_ATTEMPTS ? { retrying: 1 } : { failed: 1 });
      now = new Date(now.getTime() + backoffMs(attempt));
    }
    const failed = await admin.caller.channels.deliveries({ status: "failed" });
    expect(failed.map((d) => d.id)).toContain(deliveryId);
    expect(failed.find((d) => d.id === deliveryId)).toMatchObject({ attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    expect(failed.find((d) => d.id === deliveryId)!.lastError).toMatch(/answered 503/);
    const listed = (await admin.caller.channels.list()).find((c) => c.id === channel.id)!;
    expect(listed.failedDeliveries).toBe(1);
    expect(listed.config).toEqual({ kind: "slack", webhookUrl: hook.url("/services/•••") });
  });

  it("sends a test email through the real worker to the local SMTP server", async () => {
    const runner: Runner = await startWorker(env.deps);
    try {
      const channel = await admin.caller.channels.create({ name: "Mail", config: { kind: "email", to: ["team@acme.test"], smtpUrl: smtp.url } });
      const { deliveryId } = await admin.caller.channels.sendTest({ id: channel.id });
      const row = await waitFor(async () => {
        const d = await env.db.prisma.delivery.findUnique({ where: { id: deliveryId } });
        return d?.status === "sent" ? d : null;
      }, "the test email to be sent");
      expect(row.attempts).toBe(1);
      const mail = smtp.mails.at(-1)!;
      expect(mail.subject).toBe("[Foresight] [TEST] Test of Mail");
      expect(mail.to.sort()).toEqual(["root@channels.test", "team@acme.test"]);
      expect(mail.from).toBe("foresight@localhost");
      expect(mail.text).toContain("A test message from Foresight: this channel works.");
    } finally {
      await runner.stop();
    }
  });

  it("rejects invalid channel configs naming the field", async () => {
    await expect(admin.caller.channels.create({ name: "Bad", config: { kind: "webhook", url: "ftp://x", secret: "short" } as any })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const viewer = await signIn(env.deps, "viewer");
    await expect(viewer.caller.channels.create({ name: "No", config: { kind: "slack", webhookUrl: hook.url("/x") } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
