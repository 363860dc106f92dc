import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { startCustomerSite } from "../support/customer-site";
import { waitFor } from "../support/wait";

// posthog-js from npm, unmodified, on a page of its own origin, sending to Foresight.
const posthogBundle = readFileSync(path.join(repoRoot, "node_modules/posthog-js/dist/array.full.no-external.js"));

let site: Awaited<ReturnType<typeof startCustomerSite>>;

beforeAll(async () => {
  site = await startCustomerSite({
    projectName: "posthog-js site",
    assets: { "/posthog.js": posthogBundle },
    page: ({ foresightUrl, key }) => `<!doctype html><html><head><title>Flights</title>
      <script src="/posthog.js"></script>
      <script>
        posthog.init(${JSON.stringify(key)}, {
          api_host: ${JSON.stringify(foresightUrl)},
          autocapture: false, capture_pageview: true, disable_session_recording: true,
          request_batching: false, persistence: "localStorage",
          // Automated Chromium sets navigator.webdriver; PostHog's documented switch for e2e tests.
          opt_out_useragent_filter: true,
        });
      </script></head><body><h1>Search flights</h1></body></html>`,
  });
});
afterAll(() => site?.close());

describe("posthog-js in Chromium", () => {
  it("delivers pageviews, captures and identify, attributed to one person", async () => {
    // A desktop Chrome user agent, so Foresight's own bot detection sees a browser.
    const context = await site.chrome.browser.newContext({
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    });
    const page = await context.newPage();
    await page.goto(`${site.url}/search?utm_source=newsletter&utm_medium=email`);
    await page.waitForFunction(() => (window as any).posthog?.__loaded);
    const anon = await page.evaluate(() => (window as any).posthog.get_distinct_id());
    await page.evaluate(() => (window as any).posthog.capture("search", { origin: "LHR", destination: "BCN", cheapest_price: 79 }));
    await page.evaluate(() => (window as any).posthog.identify("pjs-user-1", { email: "pjs@example.com" }));
    await page.evaluate(() => (window as any).posthog.capture("booking_completed", { revenue: 158 }));

    const rows = await waitFor(async () => {
      const r = await site.query("select event, distinct_id, person_id, utm_source, browser, session_id from events where project_id = $1 order by timestamp", [site.projectId]);
      return r.some((e) => e.event === "booking_completed") && r.some((e) => e.event === "$identify") ? r : null;
    }, "posthog-js events in the database");
    const events = rows.map((r) => r.event);
    expect(events).toEqual(expect.arrayContaining(["$pageview", "search", "$identify", "booking_completed"]));
    const pageview = rows.find((r) => r.event === "$pageview");
    expect(pageview).toMatchObject({ distinct_id: anon, utm_source: "newsletter", browser: "Chrome" });
    // posthog-js's own session id (a UUIDv7), the same on every event of this visit.
    expect(pageview.session_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(new Set(rows.map((r) => r.session_id))).toEqual(new Set([pageview.session_id]));
    const persons = await site.query(
      "select distinct person_id from person_distinct_ids where project_id = $1 and distinct_id = any($2)",
      [site.projectId, [anon, "pjs-user-1"]],
    );
    expect(persons).toHaveLength(1);
    expect(new Set(rows.map((r) => r.person_id))).toEqual(new Set([persons[0].person_id]));
    const [person] = await site.query("select properties from persons where id = $1", [persons[0].person_id]);
    expect(person.properties).toMatchObject({ email: "pjs@example.com", $initial_utm_source: "newsletter" });
  });
});
