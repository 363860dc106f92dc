import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Foresight } from "../../sdk/node/src/index";
import { startCustomerSite } from "../support/customer-site";
import { flagBucket } from "../../server/flags/hash";
import { signIn } from "../support/users";
import { waitFor } from "../support/wait";

// Foresight's own SDKs against the real server: the browser SDK served by the app at
// /sdk/foresight.js on a site of another origin, and the Node SDK.
let site: Awaited<ReturnType<typeof startCustomerSite>>;

beforeAll(async () => {
  site = await startCustomerSite({
    projectName: "SDK site",
    page: ({ foresightUrl, key }) => `<!doctype html><html><head><title>Deals</title>
      <script>
      !function(w,d,u){var f=w.foresight=w.foresight||[];if(f.__loaded||f.__snippet)return;f.__snippet=1;["init","capture","identify","alias","reset","optOut","optIn","setConsent","register","flush"].forEach(function(m){f[m]=function(){f.push([m].concat([].slice.call(arguments)))}});var s=d.createElement("script");s.async=!0;s.src=u;(d.head||d.body).appendChild(s)}(window,document,${JSON.stringify(foresightUrl + "/sdk/foresight.js")});
      foresight.init(${JSON.stringify(key)}, { flushIntervalMs: 200 });
      foresight.capture("search", { origin: "MAN", destination: "AMS" });
      </script></head><body><a id="next" href="/deals">deals</a></body></html>`,
  });
});
afterAll(() => site?.close());

describe("Foresight SDKs against the real server", () => {
  it("browser SDK (script tag served by the app): pageview, capture and identify are stored", async () => {
    expect((await fetch(site.server.web.url + "/sdk/foresight.js")).status).toBe(200);
    const context = await site.chrome.browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1" });
    const page = await context.newPage();
    await page.goto(`${site.url}/?utm_source=partner`);
    await page.waitForFunction(() => typeof (window as any).foresight?.getDistinctId === "function");
    await page.evaluate(() => (window as any).foresight.identify("sdk-user-7", { email: "sdk@example.com" }));
    await page.evaluate(() => (window as any).foresight.flush());
    const rows = await waitFor(async () => {
      const r = await site.query("select event, distinct_id, person_id, device, os, utm_source, session_id from events where project_id = $1", [site.projectId]);
      return ["$pageview", "search", "$identify"].every((e) => r.some((x) => x.event === e)) ? r : null;
    }, "browser SDK events");
    const pageview = rows.find((r) => r.event === "$pageview");
    expect(pageview).toMatchObject({ device: "mobile", os: "iOS", utm_source: "partner" });
    expect(new Set(rows.map((r) => r.person_id)).size).toBe(1);
    expect(new Set(rows.map((r) => r.session_id)).size).toBe(1);
    await context.close();
  });

  it("Node SDK: batches arrive gzip-compressed with Bearer auth and are stored once", async () => {
    const errors: unknown[] = [];
    const client = new Foresight({ apiKey: site.key, host: site.server.web.url, flushAt: 10, onError: (e) => errors.push(e) });
    for (let i = 0; i < 25; i++) client.capture({ distinctId: "node-user", event: "price_checked", properties: { i } });
    client.identify({ distinctId: "node-user", properties: { plan: "team" } });
    await client.shutdown();
    expect(errors).toEqual([]);
    expect(await site.query("select count(*)::int as n from events where project_id = $1 and event = 'price_checked'", [site.projectId])).toEqual([{ n: 25 }]);
    const [person] = await site.query("select p.properties from persons p join person_distinct_ids d on d.person_id = p.id where d.project_id = $1 and d.distinct_id = 'node-user'", [site.projectId]);
    expect(person.properties).toMatchObject({ plan: "team" });
  });

  it("Node SDK: getVariant and trackConversion against a running experiment; failures resolve null and reach onError", async () => {
    const { caller } = await signIn(site.server.env.deps, "analyst", undefined, site.projectId);
    const e = await caller.experiments.create({
      key: "node-sdk-price",
      name: "Price display",
      hypothesis: "Showing the total sells more",
      variants: [{ key: "control", weight: 50 }, { key: "total", weight: 50 }],
      primaryMetric: { kind: "conversion", event: "purchase" },
    });
    await caller.experiments.start({ id: e.id });
    const errors: Array<{ kind: string; status?: number; message: string }> = [];
    const client = new Foresight({ apiKey: site.key, host: site.server.web.url, onError: (err) => errors.push(err) });

    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => `u${i + 1}`).map((d) => client.getVariant({ experimentKey: "node-sdk-price", distinctId: d })));
    // Each person's variant is the flag's hash bucket (ADR 0010), worked out here independently.
    for (const [i, a] of answers.entries()) {
      const variant = flagBucket("node-sdk-price", `u${i + 1}`, "variant") < 0.5 ? "control" : "total";
      expect(a).toMatchObject({ experiment: "node-sdk-price", status: "running", inExperiment: true, variant });
    }
    expect(new Set(answers.map((a) => a!.variant)).size).toBe(2);
    expect(await client.trackConversion({ experimentKey: "node-sdk-price", distinctId: "u1", event: "purchase", value: 120 })).toMatchObject({ recorded: 1, experiment: "node-sdk-price", event: "purchase" });
    const rows = await site.query(`select event from events where project_id = $1 and distinct_id = 'u1' order by event`, [site.projectId]);
    expect(rows.map((r) => r.event)).toEqual(["$feature_flag_called", "purchase"]);
    expect(errors).toEqual([]);

    // No answer: an unknown experiment (404), a wrong key (401), a server that is not there.
    expect(await client.getVariant({ experimentKey: "no-such-experiment", distinctId: "u1" })).toBeNull();
    expect(errors.at(-1)).toMatchObject({ kind: "rejected", status: 404 });
    const wrongKey = new Foresight({ apiKey: "fs_pub_wrong", host: site.server.web.url, onError: (err) => errors.push(err) });
    expect(await wrongKey.getVariant({ experimentKey: "node-sdk-price", distinctId: "u1" })).toBeNull();
    expect(errors.at(-1)).toMatchObject({ kind: "unauthorized", status: 401 });
    const nowhere = new Foresight({ apiKey: site.key, host: "http://127.0.0.1:9", requestTimeoutMs: 2000, onError: (err) => errors.push(err) });
    expect(await nowhere.trackConversion({ experimentKey: "node-sdk-price", distinctId: "u1", event: "purchase" })).toBeNull();
    expect(errors.at(-1)).toMatchObject({ kind: "retries_exhausted" });
    expect(await client.getVariant({ experimentKey: "", distinctId: "u1" })).toBeNull();
    expect(errors.at(-1)).toMatchObject({ kind: "invalid_input" });
    await Promise.all([client.shutdown(), wrongKey.shutdown(), nowhere.shutdown()]);
  });
});
