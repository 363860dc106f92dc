import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostHog } from "posthog-node";
import { Analytics } from "@segment/analytics-node";
import { createProject } from "../../server/projects/create-project";
import { startTestWebServer } from "../support/web-server";

let server: Awaited<ReturnType<typeof startTestWebServer>>;
let key: string;
let projectId: string;

beforeAll(async () => {
  server = await startTestWebServer();
  const { project, keys } = await createProject(server.env.db.prisma, { name: "Clients" });
  key = keys.write;
  projectId = project.id;
});
afterAll(() => server?.close());

const q = async (sql: string, params: unknown[] = []) => (await server.env.db.pool.query(sql, params)).rows;

async function personOf(distinctId: string) {
  const [row] = await q(
    `select p.id, p.properties, p.is_identified from person_distinct_ids d join persons p on p.id = d.person_id
      where d.project_id = $1 and d.distinct_id = $2`,
    [projectId, distinctId],
  );
  return row;
}

describe("posthog-node, unmodified, pointed at Foresight", () => {
  it("delivers captures, identify and alias, attributed to the right person", async () => {
    const errors: unknown[] = [];
    const ph = new PostHog(key, { host: server.web.url, flushAt: 2, flushInterval: 0 });
    ph.on("error", (e) => errors.push(e));
    ph.capture({ distinctId: "ph-anon", event: "$pageview", properties: { $current_url: "https://travel.example/" } });
    ph.capture({ distinctId: "ph-anon", event: "search", properties: { origin: "LHR", destination: "CDG", cheapest_price: 89 } });
    ph.identify({ distinctId: "ph-user", properties: { email: "ph@example.com", $anon_distinct_id: "ph-anon" } });
    ph.capture({ distinctId: "ph-user", event: "booking_completed", properties: { revenue: 120, $set: { plan: "gold" } } });
    ph.alias({ distinctId: "ph-user", alias: "ph-crm-42" });
    await ph.shutdown();
    expect(errors).toEqual([]);

    const events = await q("select event, distinct_id, person_id, properties->>'$lib' as lib from events where project_id = $1 order by timestamp", [projectId]);
    // Clients stamp events to the millisecond, so ties make the stored order arbitrary.
    expect(events.map((e) => e.event).sort()).toEqual(["$create_alias", "$identify", "$pageview", "booking_completed", "search"]);
    expect(new Set(events.map((e) => e.lib))).toEqual(new Set(["posthog-node"]));
    const person = await personOf("ph-user");
    expect(await personOf("ph-anon")).toMatchObject({ id: person.id });
    expect(await personOf("ph-crm-42")).toMatchObject({ id: person.id });
    expect(person.is_identified).toBe(true);
    expect(person.properties).toMatchObject({ email: "ph@example.com", plan: "gold" });
    expect(new Set(events.map((e) => e.person_id))).toEqual(new Set([person.id]));
  });
});

describe("@segment/analytics-node, unmodified, pointed at Foresight", () => {
  it("delivers track, identify, page, screen, group and alias", async () => {
    const analytics = new Analytics({ writeKey: key, host: server.web.url, flushAt: 3, flushInterval: 50, maxRetries: 2 });
    const errors: unknown[] = [];
    analytics.on("error", (e) => errors.push(e));
    analytics.page({ anonymousId: "seg-anon-1", name: "Home", properties: { url: "https://travel.example/" } });
    analytics.track({ anonymousId: "seg-anon-1", event: "search", properties: { origin: "LHR", destination: "JFK" } });
    analytics.identify({ userId: "seg-user-1", anonymousId: "seg-anon-1", traits: { email: "seg@example.com" } });
    analytics.track({ userId: "seg-user-1", event: "booking_completed", properties: { revenue: 300, provider: "skyair" } });
    analytics.screen({ userId: "seg-user-1", name: "Itinerary" });
    analytics.group({ userId: "seg-user-1", groupId: "acme", traits: { name: "Acme" } });
    analytics.alias({ userId: "seg-user-1", previousId: "seg-legacy-9" });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const rows = await q(
      "select event, distinct_id, person_id, revenue from events where project_id = $1 and distinct_id like 'seg-%' order by timestamp",
      [projectId],
    );
    expect(rows.map((r) => r.event).sort()).toEqual(["$create_alias", "$groupidentify", "$identify", "$pageview", "$screen", "booking_completed", "search"]);
    const person = await personOf("seg-user-1");
    expect(await personOf("seg-anon-1")).toMatchObject({ id: person.id });
    expect(await personOf("seg-legacy-9")).toMatchObject({ id: person.id });
    expect(person.properties).toMatchObject({ email: "seg@example.com" });
    expect(new Set(rows.map((r) => r.person_id))).toEqual(new Set([person.id]));
    expect(Number(rows.find((r) => r.event === "booking_completed").revenue)).toBe(300);
  });
});
