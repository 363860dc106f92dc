import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { storeApiKey } from "../../server/auth/api-keys";
import { createProject } from "../../server/projects/create-project";
import { startTestWebServer } from "../support/web-server";
import { post } from "../support/capture-client";
import { signIn } from "../support/users";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let base: string;
let key: string;
let projectId: string;

beforeAll(async () => {
  server = await startTestWebServer();
  base = server.web.url;
  const { project, keys } = await createProject(server.env.db.prisma, { name: "Capture" });
  key = keys.write;
  projectId = project.id;
});
afterAll(() => server?.close());

const q = async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows;
const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";

describe("native capture", () => {
  it("stores one event with enriched columns after commit", async () => {
    const uuid = randomUUID();
    const res = await post(base, "/api/capture", {
      event: "search",
      distinct_id: "anon-1",
      uuid,
      properties: { $current_url: "https://travel.example/search?utm_source=google&utm_medium=cpc", $referrer: "https://www.google.com/", origin: "LHR", destination: "JFK" },
    }, { headers: { authorization: `Bearer ${key}`, "user-agent": chrome, "x-forwarded-for": "81.2.69.160" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 1, accepted: 1 });
    const [row] = await q("select * from events where uuid = $1", [uuid]);
    expect(row).toMatchObject({
      project_id: projectId, event: "search", distinct_id: "anon-1", host: "travel.example", pathname: "/search",
      referring_domain: "www.google.com", utm_source: "google", utm_medium: "cpc", browser: "Chrome", os: "Windows", device: "desktop",
    });
    expect(row.properties).toMatchObject({ origin: "LHR", destination: "JFK" });
    expect(row.ip).toBe("81.2.69.0"); // truncated by default
    const [person] = await q("select p.* from persons p join person_distinct_ids d on d.person_id = p.id where d.distinct_id = 'anon-1'");
    expect(person.id).toBe(row.person_id);
    expect(person.properties).toMatchObject({ $initial_utm_source: "google", $initial_referring_domain: "www.google.com" });
  });

  it("keeps valid events of a mixed batch and names each problem", async () => {
    const ok = randomUUID();
    const res = await post(base, "/api/capture", {
      api_key: key,
      batch: [
        { event: "ok", distinct_id: "u1", uuid: ok },
        { distinct_id: "u1" },
        { event: "x", distinct_id: "u1", timestamp: "not a date" },
        { event: "y", distinct_id: "u1", timestamp: "2001-01-01T00:00:00Z" },
        { event: "z", distinct_id: "u1", properties: { __proto__: 1 } },
      ],
    }, { raw: JSON.stringify({ api_key: key, batch: [
      { event: "ok", distinct_id: "u1", uuid: ok },
      { distinct_id: "u1" },
      { event: "x", distinct_id: "u1", timestamp: "not a date" },
      { event: "y", distinct_id: "u1", timestamp: "2001-01-01T00:00:00Z" },
    ] }).replace(/]}$/, ',{"event":"z","distinct_id":"u1","properties":{"__proto__":{"polluted":1}}}]}') });
    expect(res.status).toBe(400);
    expect(res.body.accepted).toBe(1);
    expect(res.body.errors).toEqual([
      { index: 1, field: "event", problem: expect.stringMatching(/required|expected string/i) },
      { index: 2, field: "timestamp", problem: "is not an ISO-8601 date or epoch number" },
      { index: 3, field: "timestamp", problem: "is more than 365 days in the past" },
      { index: 4, field: "properties.__proto__", problem: "key name is not allowed" },
    ]);
    expect(await q("select count(*)::int as n from events where uuid = $1", [ok])).toEqual([{ n: 1 }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("stores a duplicate uuid once, within a batch and across requests", async () => {
    const uuid = randomUUID();
    const ev = { event: "dup", distinct_id: "d1", uuid };
    expect((await post(base, "/api/capture", { api_key: key, batch: [ev, ev] })).status).toBe(200);
    expect((await post(base, "/api/capture", { api_key: key, batch: [ev] })).status).toBe(200);
    expect(await q("select count(*)::int as n from events where uuid = $1", [uuid])).toEqual([{ n: 1 }]);
  });

  it("stores concurrently repeated uuids once, and every new event of the same batches", async () => {
    // Each request repeats some ids other requests in flight also send, beside its own new ones:
    // writers racing on the same ids must each keep their new events and store the repeated once.
    const shared = Array.from({ length: 5 }, () => randomUUID());
    const own = Array.from({ length: 24 }, () => Array.from({ length: 30 }, () => randomUUID()));
    const answers = await Promise.all(own.map((ids, r) =>
      post(base, "/api/capture", { api_key: key, batch: [
        ...ids.map((uuid) => ({ event: "race", distinct_id: `racer-${r % 4}`, uuid })),
        ...shared.map((uuid) => ({ event: "race", distinct_id: "racer-shared", uuid })),
      ] })));
    expect(answers.map((a) => a.status)).toEqual(own.map(() => 200));
    const all = [...shared, ...own.flat()];
    const [n] = await q("select count(*)::int as n, count(distinct uuid)::int as u from events where uuid = any($1::uuid[])", [all]);
    expect(n).toEqual({ n: all.length, u: all.length });
  });

  it("clamps future timestamps and corrects client clock skew with sent_at", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const skewed = new Date(Date.now() + 3600_000); // client clock one hour fast
    const future = new Date(Date.now() + 5 * 86400_000);
    const before = Date.now();
    await post(base, "/api/capture", {
      api_key: key,
      sent_at: skewed.toISOString(),
      batch: [{ event: "skew", distinct_id: "t", uuid: a, timestamp: new Date(skewed.getTime() - 60_000).toISOString() }],
    });
    await post(base, "/api/capture", { api_key: key, batch: [{ event: "future", distinct_id: "t", uuid: b, timestamp: future.toISOString() }] });
    const [ra] = await q("select timestamp from events where uuid = $1", [a]);
    expect(Math.abs(ra.timestamp.getTime() - (before - 60_000))).toBeLessThan(5_000);
    const [rb] = await q("select timestamp, properties from events where uuid = $1", [b]);
    expect(rb.timestamp.getTime()).toBeLessThan(Date.now() + 1000);
    expect(rb.properties.$timestamp_clamped).toBe(future.toISOString());
  });

  it("merges an anonymous person into the identified one, and applies $set / $set_once", async () => {
    const anon = `anon-${randomUUID()}`;
    const user = `user-${randomUUID()}`;
    await post(base, "/api/capture", { api_key: key, batch: [
      { event: "$pageview", distinct_id: anon, $set_once: { first_seen_plan: "free" } },
      { event: "search", distinct_id: anon },
    ] });
    await post(base, "/api/capture", { api_key: key, batch: [{ event: "booking_completed", distinct_id: user, properties: { revenue: 250.5 } }] });
    await post(base, "/api/capture", { api_key: key, batch: [
      { event: "$identify", distinct_id: user, properties: { $anon_distinct_id: anon }, $set: { email: "a@example.com" }, $set_once: { first_seen_plan: "pro" } },
    ] });
    const persons = await q(
      "select distinct e.person_id from events e join person_distinct_ids d on d.distinct_id = e.distinct_id and d.project_id = e.project_id where e.distinct_id = any($1)",
      [[anon, user]],
    );
    expect(persons).toHaveLength(1);
    const ids = await q("select distinct person_id from person_distinct_ids where distinct_id = any($1)", [[anon, user]]);
    expect(ids).toEqual([{ person_id: persons[0].person_id }]);
    const [p] = await q("select properties, is_identified from persons where id = $1", [persons[0].person_id]);
    expect(p.is_identified).toBe(true);
    expect(p.properties).toMatchObject({ email: "a@example.com", first_seen_plan: "free" });
    const [rev] = await q("select revenue from events where distinct_id = $1 and event = 'booking_completed'", [user]);
    expect(Number(rev.revenue)).toBe(250.5);
  });

  it("records event and property definitions with their types", async () => {
    await post(base, "/api/capture", { api_key: key, event: "typed", distinct_id: "t", properties: { n: 1, s: "x", d: "2026-01-01T00:00:00Z", b: true } });
    const defs = await q("select key, types from property_definitions where project_id = $1 and event_name = 'typed' order by key", [projectId]);
    expect(defs).toEqual([
      { key: "b", types: ["boolean"] }, { key: "d", types: ["datetime"] }, { key: "n", types: ["number"] }, { key: "s", types: ["string"] },
    ]);
    expect(await q("select name from event_definitions where project_id = $1 and name = 'typed'", [projectId])).toHaveLength(1);
  });
});

describe("request-level problems answer 4xx with a precise error", () => {
  const cases: Array<[string, () => ReturnType<typeof post>, number, RegExp]> = [
    ["missing key", () => post(base, "/api/capture", { event: "a", distinct_id: "b" }), 401, /api_key: is missing/],
    ["wrong key", () => post(base, "/api/capture", { api_key: "fs_pub_wrong_wrong_wrong", event: "a", distinct_id: "b" }), 401, /not a valid write key/],
    ["malformed JSON", () => post(base, "/api/capture", null, { raw: "{not json" }), 400, /body: is not valid JSON/],
    ["wrong content type", () => post(base, "/api/capture", null, { raw: "<x/>", headers: { "content-type": "application/xml" } }), 415, /application\/xml is not supported/],
    ["bad gzip", () => post(base, "/api/capture", null, { raw: Buffer.from([0x1f, 0x8b, 1, 2, 3]), headers: { "content-encoding": "gzip" } }), 400, /not valid gzip/],
    ["oversize body", () => post(base, "/api/capture", { api_key: "k", event: "a", distinct_id: "b", properties: { x: "y".repeat(1_100_000) } }), 413, /larger than 1048576 bytes/],
    ["too many events", () => post(base, "/api/capture", { api_key: "k", batch: Array.from({ length: 1001 }, () => ({ event: "a", distinct_id: "b" })) }), 413, /1001 events; the limit is 1000/],
    ["empty body", () => post(base, "/api/capture", null, { raw: "" }), 400, /body: is empty/],
  ];
  for (const [name, send, status, message] of cases) {
    it(name, async () => {
      const res = await send();
      expect(res.status).toBe(status);
      const e = res.body.errors[0];
      expect(`${e.field}: ${e.problem}`).toMatch(message);
    });
  }

  it("a gzip bomb is refused after 1 MB of output", async () => {
    const res = await post(base, "/api/capture", null, { raw: JSON.stringify({ api_key: key, event: "a", distinct_id: "b", properties: { x: "0".repeat(5_000_000) } }), gzip: true });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].problem).toMatch(/after decompression/);
  });

  it("deep and huge properties, hostile strings", async () => {
    let deep: any = 1;
    for (let i = 0; i < 12; i++) deep = { d: deep };
    const res = await post(base, "/api/capture", { api_key: key, batch: [
      { event: "deep", distinct_id: "h", properties: { deep } },
      { event: "huge", distinct_id: "h", properties: { big: "x".repeat(70_000) } },
      { event: "nul\u0000name", distinct_id: "h\u0000", uuid: "00000000-0000-4000-8000-00000000abcd", properties: { "k\u0000": "v\u0000\ud800", "a\\b": "tab\there" } },
    ] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => [e.index, e.field])).toEqual([[0, "properties.deep.d.d.d.d.d.d.d.d.d"], [1, "properties"]]);
    const [row] = await q("select event, distinct_id, properties from events where uuid = '00000000-0000-4000-8000-00000000abcd'");
    expect(row.event).toBe("nul\uFFFDname");
    expect(row.properties).toEqual({ "k\uFFFD": "v\uFFFD\uFFFD", "a\\b": "tab\there" });
  });

  it("rate-limits per key with Retry-After", async () => {
    const { project } = await createProject(server.env.db.prisma, { name: "Limited" });
    await server.env.db.prisma.project.update({ where: { id: project.id }, data: { rateLimitPerSec: 5 } });
    const { key: limited } = await storeApiKey(server.env.db.prisma, { projectId: project.id, kind: "write", name: "l" });
    const batch = Array.from({ length: 5 }, (_, i) => ({ event: "r", distinct_id: String(i) }));
    expect((await post(base, "/api/capture", { api_key: limited, batch })).status).toBe(200);
    const res = await post(base, "/api/capture", { api_key: limited, batch });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("per-project privacy settings", () => {
  it("cookieless mode replaces the distinct id by a daily hash and stores no IP", async () => {
    const { project, keys } = await createProject(server.env.db.prisma, { name: "Cookieless" });
    await server.env.db.prisma.project.update({ where: { id: project.id }, data: { cookieless: true, ipMode: "keep" } });
    const headers = { "user-agent": chrome, "x-forwarded-for": "81.2.69.160" };
    for (const id of ["tracked-cookie-1", "tracked-cookie-2"]) {
      expect((await post(base, "/api/capture", { api_key: keys.write, event: "$pageview", distinct_id: id, properties: { $host: "travel.example" } }, { headers })).status).toBe(200);
    }
    const rows = await q("select distinct_id, ip, country from events where project_id = $1", [project.id]);
    expect(rows).toHaveLength(2);
    expect(rows[0].distinct_id).toMatch(/^cookieless_[0-9a-f]{32}$/);
    expect(rows[1].distinct_id).toBe(rows[0].distinct_id); // same visitor, same day
    expect(rows.map((r) => r.ip)).toEqual([null, null]);
    expect(rows[0].country).toBe("GB"); // geo is read before the IP is dropped
  });

  it("respects Do-Not-Track and Global Privacy Control when the project does", async () => {
    const { project, keys } = await createProject(server.env.db.prisma, { name: "DNT" });
    for (const header of [{ dnt: "1" }, { "sec-gpc": "1" }] as Array<Record<string, string>>) {
      const res = await post(base, "/api/capture", { api_key: keys.write, event: "x", distinct_id: "d" }, { headers: header });
      expect(res.body).toMatchObject({ status: 1, accepted: 0, dnt: true });
    }
    expect(await q("select count(*)::int as n from events where project_id = $1", [project.id])).toEqual([{ n: 0 }]);
    const admin = await signIn(server.env.deps, "admin");
    await admin.caller.projects.select({ id: project.id });
    await admin.caller.projectSettings.update({ ipMode: "truncate", cookieless: false, respectDnt: false, strictEvents: false, rateLimitPerSec: 100_000, retentionDays: 365 });
    await post(base, "/api/capture", { api_key: keys.write, event: "x", distinct_id: "d" }, { headers: { dnt: "1" } });
    expect(await q("select count(*)::int as n from events where project_id = $1", [project.id])).toEqual([{ n: 1 }]);
  });

  it("strict typed events reject a domain event whose properties do not match", async () => {
    const { project, keys } = await createProject(server.env.db.prisma, { name: "Strict" });
    await server.env.db.prisma.project.update({ where: { id: project.id }, data: { strictEvents: true } });
    const res = await post(base, "/api/capture", { api_key: keys.write, batch: [
      { event: "booking_completed", distinct_id: "s", properties: { booking_id: "b1", revenue: "lots" } },
      { event: "custom_thing", distinct_id: "s", properties: { anything: 1 } },
    ] });
    expect(res.status).toBe(400);
    expect(res.body.accepted).toBe(1);
    expect(res.body.errors.every((e: { index: number; field: string }) => e.index === 0 && e.field.startsWith("properties."))).toBe(true);
  });
});

describe("PostHog and Segment wire formats", () => {
  it("accepts posthog-js style gzip-js and base64 form bodies", async () => {
    const u1 = randomUUID();
    const u2 = randomUUID();
    const gz = await post(base, "/e/?compression=gzip-js&ver=1.0", null, {
      raw: JSON.stringify([{ event: "$pageview", uuid: u1, properties: { distinct_id: "ph", token: key, $current_url: "https://x.example/" } }]).replace('"properties"', '"distinct_id":"ph","properties"'),
      gzip: true, headers: { "content-type": "text/plain", "content-encoding": "" },
    });
    expect(gz.status).toBe(200);
    const form = new URLSearchParams({ data: Buffer.from(JSON.stringify({ event: "x", distinct_id: "ph", uuid: u2, properties: { token: key } })).toString("base64") });
    const fb = await post(base, "/capture/", null, { raw: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(fb.status).toBe(200);
    expect(await q("select count(*)::int as n from events where uuid = any($1)", [[u1, u2]])).toEqual([{ n: 2 }]);
  });

  it("maps Segment messages with the write key as Basic user", async () => {
    const auth = { authorization: "Basic " + Buffer.from(key + ":").toString("base64") };
    const res = await post(base, "/v1/batch", { batch: [
      { type: "track", event: "Signed Up", userId: "seg-user", messageId: "seg-msg-1", properties: { plan: "pro" }, context: { ip: "81.2.69.160", page: { url: "https://travel.example/signup" } } },
      { type: "identify", userId: "seg-user", anonymousId: "seg-anon", traits: { email: "s@example.com" }, messageId: "seg-msg-2" },
      { type: "page", anonymousId: "seg-anon", name: "Home", properties: { url: "https://travel.example/" }, messageId: "seg-msg-3" },
    ] }, { headers: auth });
    expect(res.status).toBe(200);
    const rows = await q("select event, distinct_id, url from events where distinct_id in ('seg-user', 'seg-anon') order by event");
    expect(rows).toEqual([
      { event: "$identify", distinct_id: "seg-user", url: null },
      { event: "$pageview", distinct_id: "seg-anon", url: "https://travel.example/" },
      { event: "Signed Up", distinct_id: "seg-user", url: "https://travel.example/signup" },
    ]);
    const again = await post(base, "/v1/track", { type: "track", event: "Signed Up", userId: "seg-user", messageId: "seg-msg-1" }, { headers: auth });
    expect(again.status).toBe(200);
    expect(await q("select count(*)::int as n from events where event = 'Signed Up'")).toEqual([{ n: 1 }]);
    const bad = await post(base, "/v1/track", { event: "x" }, { headers: auth });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ index: 0, field: "userId" });
  });
});
