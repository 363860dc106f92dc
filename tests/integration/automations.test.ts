import { createHmac } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs, processDue, runAutomations } from "../../server/automations";
import { loadDemoData } from "../../server/bootstrap/demo-data";
import { createCaptureService } from "../../server/ingest/service";
import { createProject } from "../../server/projects/create-project";
import { createTestEnv, type TestEnv } from "../support/db";
import { startHttpListener, type ReceivedRequest } from "../support/http-listener";
import { startSmtpListener } from "../support/smtp-listener";
import { signIn } from "../support/users";

const SECRET = "abandoned-checkout-secret";
const HOUR = 3600_000;

let env: TestEnv;
let hook: Awaited<ReturnType<typeof startHttpListener>>;
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let analyst: Awaited<ReturnType<typeof signIn>>;
let projectId: string;
const ids = { webhook: "", flaky: "", email: "" };

const abandonRule = (name: string) => ({
  name,
  trigger: { event: "checkout_started", absentEvent: "booking_completed", withinSeconds: 3600 },
  delaySeconds: 3600,
  dedupSeconds: null,
});

/**
 * Worked out from the events table alone: per canonical person, the checkouts started at least an
 * hour before `now` that no booking by the same person followed within the hour, earliest first.
 */
async function abandonedCheckouts(now: Date) {
  const { rows } = await env.db.pool.query<{ person_id: string; uuid: string; distinct_id: string; timestamp: Date; properties: Record<string, unknown> }>(
    `with ev as (
       select coalesce(m.to_person_id, e.person_id) as person_id, e.event, e.uuid, e.distinct_id, e.timestamp, e.properties
         from events e left join person_merges m on m.project_id = e.project_id and m.from_person_id = e.person_id
        where e.project_id = $1)
     select distinct on (c.person_id) c.person_id, c.uuid::text, c.distinct_id, c.timestamp, c.properties
       from ev c
      where c.event = 'checkout_started' and c.timestamp + interval '1 hour' <= $2
        and not exists (select 1 from ev b where b.event = 'booking_completed' and b.person_id = c.person_id
                          and b.timestamp >= c.timestamp and b.timestamp <= c.timestamp + interval '1 hour')
      order by c.person_id, c.timestamp, c.uuid`,
    [projectId, now],
  );
  return new Map(rows.map((r) => [r.person_id, r]));
}

function verifySignature(req: ReceivedRequest) {
  const ts = req.headers["x-foresight-timestamp"];
  expect(req.headers["x-foresight-signature"]).toBe(`sha256=${createHmac("sha256", SECRET).update(`${ts}.${req.body}`).digest("hex")}`);
}

beforeAll(async () => {
  [hook, smtp] = await Promise.all([startHttpListener(), startSmtpListener()]);
  env = await createTestEnv({ FORESIGHT_SMTP_URL: smtp.url });
  projectId = (await createProject(env.db.prisma, { name: "Automations" })).project.id;
  analyst = await signIn(env.deps, "analyst");
  const c = analyst.caller.automations;
  ids.webhook = (await c.create({ ...abandonRule("Abandoned checkout webhook"), action: { kind: "webhook", url: hook.url("/abandoned"), secret: SECRET } })).id;
  ids.flaky = (await c.create({ ...abandonRule("Flaky receiver"), action: { kind: "webhook", url: hook.url("/flaky"), secret: SECRET } })).id;
  ids.email = (await c.create({
    ...abandonRule("Abandoned checkout email"),
    action: { kind: "email", to: ["crm@acme.test"], toPersonProperty: "email", subject: "Your booking is waiting" },
  })).id;
  // The rules exist before the events arrive: they watch what is inserted after them.
  const capture = await createCaptureService(env.deps, { spoolDir: await fs.mkdtemp(path.join(os.tmpdir(), "foresight-spool-")) });
  try {
    await loadDemoData(env.deps, capture, { projectId, days: 14, persons: 300, seed: 11 });
  } finally {
    await capture.close();
  }
}, 180_000);

afterAll(async () => {
  await Promise.all([hook?.close(), smtp?.close()]);
  await env?.close();
});

describe("automations on the demo data", () => {
  it("fires the abandoned-checkout webhook after its delay, once per person, with the person's properties, signed", async () => {
    const end = new Date((await env.db.pool.query(`select max(timestamp) as t from events where project_id = $1`, [projectId])).rows[0].t);
    const early = new Date(end.getTime() - 3 * 24 * HOUR);
    const late = new Date(Date.now() + 2 * HOUR);
    const expectedEarly = await abandonedCheckouts(early);
    const expected = await abandonedCheckouts(late);
    expect(expected.size).toBeGreaterThan(20);
    expect(expected.size).toBeGreaterThan(expectedEarly.size);

    // First run three days before the data ends: only checkouts whose hour has passed fire.
    const first = await runAutomations(env.deps, { automationId: ids.webhook, now: early, lagMs: 0 });
    expect(first.added).toBeGreaterThan(expected.size);
    expect(first.sent).toBe(expectedEarly.size);
    const after = (p: string) => hook.received.filter((r) => r.path === p);
    expect(new Set(after("/abandoned").map((r) => r.json.person.id))).toEqual(new Set(expectedEarly.keys()));
    const pending = await env.db.prisma.automationFiring.count({ where: { automationId: ids.webhook, status: "pending" } });
    expect(pending).toBeGreaterThan(0);

    // Later: everyone who abandoned, each exactly once; running again sends nothing more.
    const second = await runAutomations(env.deps, { automationId: ids.webhook, now: late, lagMs: 0 });
    expect(second.added).toBe(0);
    expect(first.sent + second.sent).toBe(expected.size);
    const third = await runAutomations(env.deps, { automationId: ids.webhook, now: new Date(late.getTime() + 48 * HOUR), lagMs: 0 });
    expect(third).toMatchObject({ added: 0, sent: 0, retrying: 0, failed: 0 });
    const received = after("/abandoned");
    expect(received).toHaveLength(expected.size);
    expect(new Set(received.map((r) => r.json.person.id))).toEqual(new Set(expected.keys()));

    const firings = await env.db.prisma.automationFiring.findMany({ where: { automationId: ids.webhook, status: "sent" } });
    const firingOf = new Map(firings.map((f) => [f.personId, f]));
    const persons = await env.db.pool.query<{ id: string; properties: Record<string, unknown>; distinct_ids: string[] }>(
      `select p.id, p.properties, array(select distinct_id from person_distinct_ids d where d.person_id = p.id order by distinct_id) as distinct_ids
         from persons p where p.project_id = $1`,
      [projectId],
    );
    const personOf = new Map(persons.rows.map((p) => [p.id, p]));
    for (const req of received) {
      verifySignature(req);
      const personId = req.json.person.id as string;
      const checkout = expected.get(personId)!;
      const firing = firingOf.get(personId)!;
      expect(req.headers["x-foresight-event"]).toBe("automation.fired");
      expect(req.headers["x-foresight-delivery"]).toBe(`automation-firing-${firing.id}`);
      expect(req.json).toEqual({
        version: 1,
        type: "automation.fired",
        automation: { id: ids.webhook, name: "Abandoned checkout webhook" },
        firingId: firing.id.toString(),
        person: { id: personId, distinctIds: personOf.get(personId)!.distinct_ids, properties: personOf.get(personId)!.properties },
        trigger: { event: "checkout_started", uuid: checkout.uuid, distinctId: checkout.distinct_id, timestamp: checkout.timestamp.toISOString(), properties: checkout.properties },
        condition: { absentEvent: "booking_completed", withinSeconds: 3600 },
      });
      expect(firing).toMatchObject({ dedupKey: "once", attempts: 1, lastError: null });
      expect(firing.triggeredAt).toEqual(checkout.timestamp);
      expect(firing.dueAt).toEqual(new Date(checkout.timestamp.getTime() + HOUR));
    }

    // The log tells why the rest did not fire.
    const log = await analyst.caller.automations.log({ id: ids.webhook, status: "skipped", limit: 1000 });
    expect(log.length).toBeGreaterThan(0);
    for (const row of log) expect(row.lastError).toMatch(/^(booking_completed followed within 3600 s|already fired for this person in this dedup period)$/);
    const listed = (await analyst.caller.automations.list()).find((a) => a.id === ids.webhook)!;
    expect(listed.firings.sent).toBe(expected.size);
    expect(listed.firings.pending).toBe(0);
    expect(listed.action).toEqual({ kind: "webhook", url: hook.url("/abandoned"), secret: "•••" });
  });

  it("retries a failing webhook with backoff, shows the failure, then sends the same body", async () => {
    const now = new Date(Date.now() + 2 * HOUR);
    hook.failNext(500);
    const run = await runAutomations(env.deps, { automationId: ids.flaky, now, lagMs: 0 });
    expect(run.retrying).toBe(1);
    const flaky = () => hook.received.filter((r) => r.path === "/flaky");
    const firstFailed = flaky()[0]!;
    const [failing] = await analyst.caller.automations.log({ id: ids.flaky, status: "pending" });
    expect(failing).toMatchObject({ attempts: 1, personId: firstFailed.json.person.id, dedupKey: "once" });
    expect(failing!.lastError).toMatch(/answered 500/);
    expect(failing!.dueAt).toEqual(new Date(now.getTime() + backoffMs(1)));

    // Not before the backoff; then it goes through with the same body.
    expect((await processDue(env.deps, { automationId: ids.flaky, now: new Date(now.getTime() + backoffMs(1) - 1) })).sent).toBe(0);
    const retryAt = new Date(now.getTime() + backoffMs(1));
    expect(await processDue(env.deps, { automationId: ids.flaky, now: retryAt })).toMatchObject({ sent: 1, retrying: 0 });
    const again = flaky().filter((r) => r.json.person.id === failing!.personId);
    expect(again).toHaveLength(2);
    expect(again[1]!.body).toBe(firstFailed.body);
    expect(again[1]!.headers["x-foresight-timestamp"]).toBe(String(Math.floor(retryAt.getTime() / 1000)));
    verifySignature(again[1]!);
    const [sent] = (await analyst.caller.automations.log({ id: ids.flaky, limit: 1000 })).filter((r) => r.id === failing!.id);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("emails the fixed address and the person's own address through the local SMTP server", async () => {
    const now = new Date(Date.now() + 2 * HOUR);
    const expected = await abandonedCheckouts(now);
    // Two runs at once (two workers): each person is still mailed once.
    const runs = await Promise.all([
      runAutomations(env.deps, { automationId: ids.email, now, lagMs: 0 }),
      runAutomations(env.deps, { automationId: ids.email, now, lagMs: 0 }),
    ]);
    expect(runs[0].sent + runs[1].sent).toBe(expected.size);
    expect(smtp.mails).toHaveLength(expected.size);
    const emails = await env.db.pool.query<{ id: string; email: string | null }>(`select id, properties->>'email' as email from persons where project_id = $1`, [projectId]);
    const emailOf = new Map(emails.rows.map((r) => [r.id, r.email]));
    const byPerson = new Map(smtp.mails.map((m) => [/^Person: (.+)$/m.exec(m.text)![1]!, m]));
    expect(new Set(byPerson.keys())).toEqual(new Set(expected.keys()));
    let withOwnAddress = 0;
    for (const [personId, mail] of byPerson) {
      const own = emailOf.get(personId);
      expect(mail.subject).toBe("Your booking is waiting");
      expect(mail.to.sort()).toEqual((own ? ["crm@acme.test", own] : ["crm@acme.test"]).sort());
      if (own) withOwnAddress++;
      expect(mail.text).toContain(`Trigger: checkout_started at ${expected.get(personId)!.timestamp.toISOString()}`);
      expect(mail.text).toContain("Condition: no booking_completed within 3600 s");
    }
    expect(withOwnAddress).toBeGreaterThan(0);
  });
  it("a rule turned back on skips what fell due while it was off and watches only new events", async () => {
    const c = analyst.caller.automations;
    const rule = await c.create({ ...abandonRule("Paused"), action: { kind: "webhook", url: hook.url("/paused"), secret: SECRET } });
    await c.setEnabled({ id: rule.id, enabled: false });
    const personId = (await env.db.pool.query(`select id from persons where project_id = $1 limit 1`, [projectId])).rows[0].id;
    const due = new Date(Date.now() - 60_000);
    await env.db.prisma.automationFiring.create({ data: { automationId: rule.id, personId, dedupKey: "event:00000000-0000-7000-8000-000000000001", triggeredAt: new Date(due.getTime() - HOUR), dueAt: due } });
    expect(await runAutomations(env.deps, { now: new Date(), lagMs: 0 })).toMatchObject({ sent: 0 });
    const before = new Date();
    const back = await c.setEnabled({ id: rule.id, enabled: true });
    expect(back.scannedTo!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    const [row] = await c.log({ id: rule.id });
    expect(row).toMatchObject({ status: "skipped", lastError: "the automation was off when this was due", attempts: 0 });
    expect(hook.received.filter((r) => r.path === "/paused")).toHaveLength(0);
  });
});
