import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { JobHelpers } from "graphile-worker";
import { TRPCError } from "@trpc/server";
import { createProject } from "../../server/projects/create-project";
import { ensureEventPartitions, partitionName } from "../../server/ingest/partitions";
import { exportPerson, type ExportedEvent } from "../../server/privacy/export-person";
import { replayBatches } from "../../server/privacy/replay";
import { buildTaskList } from "../../workers/task-list";
import { startTestWebServer } from "../support/web-server";
import { post } from "../support/capture-client";
import { signIn } from "../support/users";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let key: string;
let projectId: string;
let admin: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  server = await startTestWebServer();
  // What the runtime does for the web process: forget cached distinct ids after an erasure.
  const { project, keys } = await createProject(server.env.db.prisma, { name: "Privacy" });
  key = keys.write;
  projectId = project.id;
  admin = await signIn(server.env.deps, "admin");
  await admin.caller.projects.select({ id: projectId });
});
afterAll(() => server?.close());

const q = async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows;

async function capture(batch: object[]) {
  const res = await post(server.web.url, "/api/capture", { api_key: key, batch });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/**
 * A user seen first by a server-side event, then browsing anonymously, then identified: the
 * anonymous person is merged into the user's (a person_merges row). 4 events, 2 distinct ids.
 */
async function ingestMergedPerson(name: string) {
  const user = `${name}-${randomUUID()}`;
  const anon = `anon-${randomUUID()}`;
  const t0 = Date.now() - 3600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
  await capture([
    { event: "signed_up", distinct_id: user, uuid: randomUUID(), timestamp: at(0), properties: { plan: "pro", $current_url: "https://app.example/signup?utm_source=news" }, $set: { email: `${name}@example.com` } },
  ]);
  await capture([
    { event: "$pageview", distinct_id: anon, uuid: randomUUID(), timestamp: at(1), properties: { $current_url: "https://www.example/pricing", $session_id: "s-1" }, $set_once: { first_page: "/pricing" } },
    { event: "search", distinct_id: anon, uuid: randomUUID(), timestamp: at(2), properties: { q: "flights", nested: { a: [1, 2], b: null } } },
  ]);
  await capture([
    { event: "$identify", distinct_id: user, uuid: randomUUID(), timestamp: at(3), properties: { $anon_distinct_id: anon }, $set: { name } },
  ]);
  const [{ person_id: personId }] = await q(`select person_id from person_distinct_ids where project_id = $1 and distinct_id = $2`, [projectId, user]);
  const [{ from_person_id: mergedId }] = await q(`select from_person_id from person_merges where project_id = $1 and to_person_id = $2`, [projectId, personId]);
  return { user, anon, personId: personId as string, mergedId: mergedId as string };
}

const PERSON_COLUMNS = ["person_id", "from_person_id", "to_person_id"];

/**
 * Rows anywhere that still mention a person: every table with a project_id, person id or
 * distinct_id column (found in information_schema, so a table added later is checked too) is
 * searched by those columns and for the raw ids anywhere in the row's text.
 */
async function leftovers(personIds: string[], distinctIds: string[]): Promise<Record<string, number>> {
  const tables = await q(
    `select c.table_name as name, array_agg(c.column_name::text) as columns
       from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
      group by c.table_name
     having bool_or(c.column_name in ('project_id', 'distinct_id', 'person_id', 'from_person_id', 'to_person_id'))`,
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["events", "event_uuids", "persons", "person_distinct_ids", "person_merges", "audit_logs"]));
  const found: Record<string, number> = {};
  for (const t of tables as Array<{ name: string; columns: string[] }>) {
    const conditions = [`exists (select 1 from unnest($1::text[]) n where strpos(x::text, n) > 0)`];
    const params: unknown[] = [[...personIds, ...distinctIds]];
    for (const c of t.columns) {
      if (PERSON_COLUMNS.includes(c)) conditions.push(`x."${c}"::text = any($${params.push(personIds)}::text[])`);
      if (c === "distinct_id") conditions.push(`x.distinct_id::text = any($${params.push(distinctIds)}::text[])`);
    }
    const [{ n }] = await q(`select count(*)::int as n from "${t.name}" x where ${conditions.join(" or ")}`, params);
    if (n > 0) found[t.name] = n;
  }
  return found;
}

async function personState(distinctId: string) {
  const [person] = await q(
    `select p.* from persons p join person_distinct_ids d on d.person_id = p.id where d.project_id = $1 and d.distinct_id = $2`,
    [projectId, distinctId],
  );
  const events = await q(`select uuid, event, timestamp, properties from events where project_id = $1 and person_id = $2 order by uuid`, [projectId, person.id]);
  const uuids = await q(`select uuid from event_uuids where project_id = $1 and uuid = any($2::uuid[])`, [projectId, events.map((e) => e.uuid)]);
  return { person, events, uuids: uuids.length };
}

const core = (e: ExportedEvent) => ({ uuid: e.uuid, event: e.event, distinct_id: e.distinct_id, timestamp: e.timestamp, properties: e.properties });
const enriched = ({ stored: { insertedAt, sessionId, ...rest } }: ExportedEvent) => rest;

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

describe("erasing a person", () => {
  it("deletes every row about them, verifies it in the same transaction and leaves others alone", async () => {
    const alice = await ingestMergedPerson("alice");
    const bob = `bob-${randomUUID()}`;
    await capture([
      { event: "$pageview", distinct_id: bob, properties: { $current_url: "https://www.example/" } },
      { event: "search", distinct_id: bob, properties: { q: "hotels" }, $set: { email: "bob@example.com" } },
    ]);
    const bobBefore = await personState(bob);
    expect(bobBefore.events).toHaveLength(2);

    const found = await admin.caller.privacy.findPerson({ distinctId: alice.anon });
    expect(found).toMatchObject({ personId: alice.personId, mergedPersonIds: [alice.mergedId], eventCount: 4, isIdentified: true });
    expect(found.distinctIds.sort()).toEqual([alice.user, alice.anon].sort());
    expect(found.properties).toMatchObject({ email: "alice@example.com", name: "alice", first_page: "/pricing" });

    // A table added later (a rollup, say) that erasure knows nothing about by name.
    await q(`create table person_scores (project_id uuid not null, person_id uuid not null, score int)`);
    await q(`insert into person_scores values ($1, $2, 1), ($1, $3, 2)`, [projectId, alice.personId, bobBefore.person.id]);

    // By the anonymous id: it resolves to the person it was merged into.
    const receipt = await admin.caller.privacy.erasePerson({ distinctId: alice.anon });
    expect(receipt).toMatchObject({
      projectId,
      personId: alice.personId,
      mergedPersonIds: [alice.mergedId],
      deleted: { events: 4, event_uuids: 4, person_distinct_ids: 2, person_merges: 1, persons: 1, person_scores: 1 },
      verified: { remaining: { events: 0, event_uuids: 0, person_distinct_ids: 0, person_merges: 0, persons: 0, person_scores: 0 } },
    });
    expect(Object.values(receipt.verified.remaining).every((n) => n === 0)).toBe(true);
    expect(receipt.distinctIds.sort()).toEqual([alice.user, alice.anon].sort());
    expect(receipt.distinctIdsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(receipt.erasedAt)).toBeGreaterThan(Date.now() - 60_000);

    expect(await leftovers([alice.personId, alice.mergedId], [alice.user, alice.anon])).toEqual({});

    const [entry] = await q(`select * from audit_logs where id = $1`, [receipt.auditLogId]);
    expect(entry).toMatchObject({ action: "person.erased", target_type: "person", target_id: receipt.distinctIdsSha256, project_id: projectId, actor_id: admin.user.id });
    expect(entry.details).toMatchObject({ distinctIdsSha256: receipt.distinctIdsSha256, deleted: receipt.deleted, remaining: receipt.verified.remaining });
    expect(JSON.stringify(entry)).not.toContain(alice.user);

    expect(await personState(bob)).toEqual(bobBefore);
    expect(await q(`select score from person_scores`)).toEqual([{ score: 2 }]);
    await q(`drop table person_scores`);
    expect((await trpcError(admin.caller.privacy.erasePerson({ distinctId: alice.user }))).code).toBe("NOT_FOUND");
  });

  it("after erasure, capture creates the person afresh (the writer's cache was cleared)", async () => {
    const carol = await ingestMergedPerson("carol");
    await admin.caller.privacy.erasePerson({ personId: carol.personId });
    await capture([{ event: "came_back", distinct_id: carol.user }]);
    const now = await admin.caller.privacy.findPerson({ distinctId: carol.user });
    expect(now).toMatchObject({ distinctIds: [carol.user], eventCount: 1 });
    expect(await q(`select id from persons where id = $1`, [now.personId])).toHaveLength(1);
  });
});

describe("exporting a person", () => {
  it("round-trips: export, erase, re-import through capture gives the same events and person", async () => {
    const dana = await ingestMergedPerson("dana");
    const before = await admin.caller.privacy.exportPerson({ distinctId: dana.user });
    expect(before).toMatchObject({ format: "foresight.person-export", version: 1, projectId, eventCount: 4, truncated: false });
    expect(before.person).toMatchObject({ id: dana.personId, isIdentified: true, properties: { email: "dana@example.com", name: "dana" } });
    expect(before.distinctIds.map((d) => d.distinctId).sort()).toEqual([dana.user, dana.anon].sort());
    expect(before.merges).toEqual([expect.objectContaining({ fromPersonId: dana.mergedId, toPersonId: dana.personId })]);
    expect(before.events.map((e) => e.event)).toEqual(["signed_up", "$pageview", "search", "$identify"]);
    expect(before.events[0]!.stored).toMatchObject({ personId: dana.personId, host: "app.example", utmSource: "news" });
    const [exported] = await q(`select action, details from audit_logs where action = 'person.exported' order by id desc limit 1`);
    expect(JSON.stringify(exported)).not.toContain(dana.user);

    await admin.caller.privacy.erasePerson({ distinctId: dana.user });
    const batches = replayBatches(before);
    expect(batches.map((b) => b.length)).toEqual([3, 1]);
    for (const batch of batches) await capture(batch);

    const after = await admin.caller.privacy.exportPerson({ distinctId: dana.user });
    expect(after.events.map(core)).toEqual(before.events.map(core));
    expect(after.events.map(enriched)).toEqual(before.events.map(enriched));
    expect(after.person).toMatchObject({ id: before.person!.id, properties: before.person!.properties, isIdentified: true });
    expect(after.merges.map((m) => [m.fromPersonId, m.toPersonId])).toEqual(before.merges.map((m) => [m.fromPersonId, m.toPersonId]));
  });

  it("pages through events and caps them with a truncated flag", async () => {
    const erin = await ingestMergedPerson("erin");
    const capped = await exportPerson(server.env.db.pool, projectId, { distinctId: erin.user }, { maxEvents: 3, pageSize: 2 });
    expect(capped).toMatchObject({ truncated: true, eventCount: 4 });
    expect(capped!.events.map((e) => e.event)).toEqual(["signed_up", "$pageview", "search"]);
    const paged = await exportPerson(server.env.db.pool, projectId, { distinctId: erin.user }, { pageSize: 1 });
    expect(paged).toMatchObject({ truncated: false, eventCount: 4 });
    expect(paged!.events.map((e) => e.event)).toEqual(["signed_up", "$pageview", "search", "$identify"]);
    expect((await trpcError(admin.caller.privacy.exportPerson({ distinctId: "nobody" }))).code).toBe("NOT_FOUND");
  });
});

describe("project privacy settings", () => {
  it("reads, validates, saves and audits the settings, and capture applies them", async () => {
    const viewer = await signIn(server.env.deps, "viewer");
    await viewer.caller.projects.select({ id: projectId });
    const defaults = await viewer.caller.projectSettings.get();
    expect(defaults).toMatchObject({ id: projectId, ipMode: "truncate", cookieless: false, respectDnt: true, strictEvents: false, rateLimitPerSec: 100000, retentionDays: 365 });

    const bad = await trpcError(
      admin.caller.projectSettings.update({ ...defaults, ipMode: "scramble" as "drop", rateLimitPerSec: 1.5, retentionDays: 3 }),
    );
    expect(bad.code).toBe("BAD_REQUEST");

    const saved = await admin.caller.projectSettings.update({ ...pick(defaults), ipMode: "drop", retentionDays: 400 });
    expect(saved).toMatchObject({ ipMode: "drop", retentionDays: 400 });
    const [entry] = await q(`select * from audit_logs where action = 'project.settings_updated' order by id desc limit 1`);
    expect(entry.details).toEqual({ changes: { ipMode: ["truncate", "drop"], retentionDays: [365, 400] } });

    server.capture.keys.invalidate();
    const uuid = randomUUID();
    await capture([{ event: "ip_check", distinct_id: "ip-check", uuid }]);
    expect(await q(`select ip from events where uuid = $1`, [uuid])).toEqual([{ ip: null }]);
    await admin.caller.projectSettings.update(pick(defaults));
    server.capture.keys.invalidate();
  });
});

function pick(s: { ipMode: "keep" | "truncate" | "drop"; cookieless: boolean; respectDnt: boolean; strictEvents: boolean; rateLimitPerSec: number; retentionDays: number }) {
  const { ipMode, cookieless, respectDnt, strictEvents, rateLimitPerSec, retentionDays } = s;
  return { ipMode, cookieless, respectDnt, strictEvents, rateLimitPerSec, retentionDays };
}

describe("settings pages", () => {
  const page = (path: string, init: RequestInit = {}) =>
    fetch(server.web.url + path, { redirect: "manual", ...init, headers: { cookie: admin.cookie } });
  const submit = (path: string, data: Record<string, string>) => page(path, { method: "POST", body: new URLSearchParams(data) });
  const form = { ipMode: "truncate", cookieless: "off", respectDnt: "on", strictEvents: "off", rateLimitPerSec: "100000", retentionDays: "365" };

  it("the privacy form explains, validates and saves the settings", async () => {
    const shown = await page("/settings/privacy");
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain("Privacy for Privacy");
    expect(html).toMatch(/name="retentionDays"/);
    expect(html).toContain('href="/settings/persons"');

    const bad = await submit("/settings/privacy", { ...form, retentionDays: "3", rateLimitPerSec: "fast" });
    expect(bad.status).toBe(400);
    const errors = await bad.text();
    expect(errors).toContain("Retention must be between 7 and 3,650");
    expect(errors).toContain("Enter the rate limit as a whole number");

    const saved = await submit("/settings/privacy", { ...form, strictEvents: "on" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Saved.");
    expect(await admin.caller.projectSettings.get()).toMatchObject({ strictEvents: true, retentionDays: 365 });
    await submit("/settings/privacy", form);
    server.capture.keys.invalidate();
  });

  it("the persons page finds a person, downloads the export and erases with a receipt", async () => {
    const gail = await ingestMergedPerson("gail");
    const found = await submit("/settings/persons", { intent: "find", distinctId: gail.anon });
    expect(found.status).toBe(200);
    const html = await found.text();
    expect(html).toContain(gail.personId);
    expect(html).toContain("gail@example.com");
    expect(html).toContain("Export JSON");

    const missing = await submit("/settings/persons", { intent: "find", distinctId: `nobody-${randomUUID()}` });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("No such person in this project");

    const file = await submit("/settings/persons/export", { personId: gail.personId });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="person-${gail.personId}.json"`);
    const exported = JSON.parse(await file.text());
    expect(exported).toMatchObject({ format: "foresight.person-export", eventCount: 4, person: { id: gail.personId } });

    const erased = await submit("/settings/persons", { intent: "erase", personId: gail.personId });
    expect(erased.status).toBe(200);
    const receipt = await erased.text();
    expect(receipt).toContain("verified: nothing left");
    expect(receipt).toContain("person_distinct_ids");
    expect(await leftovers([gail.personId, gail.mergedId], [gail.user, gail.anon])).toEqual({});
  });
});

describe("retention", () => {
  const DAY = 86400_000;

  async function insertEvent(project: string, at: Date) {
    const uuid = randomUUID();
    await q(
      `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, properties) values ($1, $2, 'old', $3, 'old-user', $4, '{}')`,
      [project, uuid, at, randomUUID()],
    );
    await q(`insert into event_uuids (project_id, uuid, timestamp) values ($1, $2, $3)`, [project, uuid, at]);
    return uuid;
  }

  it("drops whole old partitions, deletes by project where retention is shorter, and keeps the rest", async () => {
    const { pool, prisma } = server.env.db;
    const { project: short } = await createProject(prisma, { name: "Short retention" });
    await prisma.project.update({ where: { id: short.id }, data: { retentionDays: 90 } });
    await ensureEventPartitions(pool, { monthsBack: 15 });
    const now = new Date();
    const ancient = new Date(now.getTime() - 400 * DAY);
    const oldPartition = partitionName(ancient);
    expect((await q(`select to_regclass($1) is not null as present`, [oldPartition]))[0].present).toBe(true);

    const ancientIds = [await insertEvent(projectId, ancient), await insertEvent(short.id, ancient)];
    const expired = await insertEvent(short.id, new Date(now.getTime() - 200 * DAY));
    const kept = await insertEvent(projectId, new Date(now.getTime() - 200 * DAY));
    // Rollup rows of the short-retention project: the old day goes with its events.
    const oldDay = new Date(now.getTime() - 200 * DAY).toISOString().slice(0, 10);
    const newDay = new Date(now.getTime() - 2 * DAY).toISOString().slice(0, 10);
    for (const day of [oldDay, newDay]) {
      await q(
        `insert into rollup_event_days (project_id, day, event, dim, value, events, persons, sessions, revenue, commission) values ($1, $2, 'old', '', '', 1, 1, 0, 0, 0)`,
        [short.id, day],
      );
      await q(`insert into rollup_person_days (project_id, day, person_id, events) values ($1, $2, $3, 1)`, [short.id, day, randomUUID()]);
      await q(`insert into rollup_day_states (project_id, rollup, day, timezone, watermark) values ($1, 'event_days', $2, 'UTC', now())`, [short.id, day]);
    }
    const recent = (await q(`select count(*)::int as n from events where timestamp > now() - interval '1 day'`))[0].n;

    const tasks = buildTaskList(server.env.deps);
    const helpers = (id: string) => ({ job: { id, attempts: 1 } }) as unknown as JobHelpers;
    // A crontab run: graphile-worker adds `_cron` to the payload.
    await tasks.apply_retention!({ _cron: { ts: now.toISOString(), backfilled: false } }, helpers("retention-1"));
    const [run] = await q(`select status, result from job_runs where job_id = 'retention-1'`);
    expect(run.status).toBe("completed");
    expect(run.result.partitionsDropped.map((p: { name: string }) => p.name)).toContain(oldPartition);
    expect(run.result.projects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ projectId: short.id, retentionDays: 90, eventsDeleted: 1, eventUuidsDeleted: 2 }),
        expect.objectContaining({ projectId, retentionDays: 365, eventsDeleted: 0, eventUuidsDeleted: 1 }),
      ]),
    );

    expect((await q(`select to_regclass($1) is not null as present`, [oldPartition]))[0].present).toBe(false);
    for (const table of ["rollup_event_days", "rollup_person_days", "rollup_day_states"]) {
      const days = await q(`select to_char(day, 'YYYY-MM-DD') as day from ${table} where project_id = $1 order by day`, [short.id]);
      expect(days.map((r) => r.day), table).toEqual([newDay]);
    }
    const all = [...ancientIds, expired, kept];
    expect((await q(`select uuid from events where uuid = any($1::uuid[])`, [all])).map((r) => r.uuid)).toEqual([kept]);
    expect((await q(`select uuid from event_uuids where uuid = any($1::uuid[])`, [all])).map((r) => r.uuid)).toEqual([kept]);
    expect((await q(`select count(*)::int as n from events where timestamp > now() - interval '1 day'`))[0].n).toBe(recent);

    // Partition upkeep goes back only as far as the longest retention, so it does not re-create what was dropped.
    await tasks.maintain_event_partitions!({ _cron: { ts: now.toISOString(), backfilled: false } }, helpers("partitions-1"));
    const [upkeep] = await q(`select status, result from job_runs where job_id = 'partitions-1'`);
    expect(upkeep).toMatchObject({ status: "completed", result: { monthsBack: 12, created: [] } });

    await tasks.apply_retention!({}, helpers("retention-2"));
    const [again] = await q(`select result from job_runs where job_id = 'retention-2'`);
    expect(again.result).toMatchObject({ partitionsDropped: [], eventsDeleted: 0, eventUuidsDeleted: 0 });
  });
});
