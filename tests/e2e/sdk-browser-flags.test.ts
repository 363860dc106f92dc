// The browser SDK's feature flags through the script-tag global (`window.foresight`), served by
// the real app, on a site of another origin: flags fetched from /api/flags, `$feature_flag_called`
// sent once per flag and value per session and stored with $feature_flag / $feature_flag_response,
// flags fetched again for the new id after identify.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlagInput } from "../../server/flags/schema";
import { createFlag } from "../../server/flags/store";
import { flagService } from "../../server/flags";
import { startCustomerSite } from "../support/customer-site";
import { waitFor } from "../support/wait";

const root = path.resolve(import.meta.dirname, "../..");
let site: Awaited<ReturnType<typeof startCustomerSite>>;

/** The documented variant hash (ADR 0010) with node:crypto, independent of the SDK's SHA-1. */
function variantFor(key: string, distinctId: string, variants: [string, number][]): string {
  const bucket = parseInt(createHash("sha1").update(`${key}.${distinctId}variant`).digest("hex").slice(0, 15), 16) / 0xfffffffffffffff;
  let upper = 0;
  for (const [k, w] of variants) if (bucket < (upper += w / 100)) return k;
  throw new Error("weights do not add up to 100");
}

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(root, "sdk", "browser", "build.mjs")], { cwd: root, stdio: "pipe" });
  const readme = await fs.readFile(path.join(root, "sdk", "browser", "README.md"), "utf8");
  const loader = readme.split("\n").find((line) => line.startsWith("!function(w,d,u)"));
  if (!loader) throw new Error("the README lost its async snippet");
  site = await startCustomerSite({
    projectName: "Flags site",
    page: ({ foresightUrl, key }) => `<!doctype html><html><head><title>Checkout</title>
      <script>
      ${loader.replace("https://foresight.example.com/sdk/foresight.js", foresightUrl + "/sdk/foresight.js")}
      foresight.init(${JSON.stringify(key)}, { flushIntervalMs: 200, autocapturePageviews: false, captureWebVitals: false });
      window.flagLoads = [];
      foresight.onFeatureFlags(function (flags) { window.flagLoads.push(flags); });
      </script></head><body><p>Checkout</p></body></html>`,
  });
  const d = { prisma: site.server.env.db.prisma, onChange: (p: string) => flagService(site.server.env.deps).definitions.invalidate(p) };
  const actor = { userId: null };
  await createFlag(d, site.projectId, createFlagInput.parse({
    key: "new-checkout", type: "multivariate", enabled: true,
    variants: [{ key: "control", weight: 50 }, { key: "one-page", weight: 50 }], payloads: { "one-page": { steps: 1 } },
    rules: [{ conditions: [], rollout: 100 }],
  }), actor);
  await createFlag(d, site.projectId, createFlagInput.parse({
    key: "beta-banner", enabled: true, rules: [{ conditions: [{ type: "distinct_id", values: ["flag-user-1"] }], rollout: 100 }],
  }), actor);
}, 180_000);
afterAll(() => site?.close());

describe("browser SDK feature flags against the real server", () => {
  it("answers flags from window.foresight, sends one exposure per flag and value per session, reloads on identify", async () => {
    const context = await site.chrome.browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(site.url);
    await page.waitForFunction(() => (window as any).foresight?.getFeatureFlag?.("new-checkout", { sendEvent: false }) !== undefined);
    const anonId: string = await page.evaluate(() => (window as any).foresight.getDistinctId());
    const expected = variantFor("new-checkout", anonId, [["control", 50], ["one-page", 50]]);

    const first = await page.evaluate(() => {
      const f = (window as any).foresight;
      return {
        variant: f.getFeatureFlag("new-checkout"),
        again: f.getFeatureFlag("new-checkout"),
        enabled: f.isFeatureEnabled("new-checkout"),
        banner: f.isFeatureEnabled("beta-banner"),
        payload: f.getFeatureFlagPayload("new-checkout"),
        all: f.getAllFlags(),
      };
    });
    expect(first).toEqual({
      variant: expected, again: expected, enabled: true, banner: false,
      payload: expected === "one-page" ? { steps: 1 } : undefined,
      all: { "new-checkout": expected, "beta-banner": false },
    });
    expect(await page.evaluate(() => (window as any).flagLoads)).toEqual([{ "new-checkout": expected, "beta-banner": false }]);

    // identify: the flags are fetched again for the new id (beta-banner names it).
    await page.evaluate(() => (window as any).foresight.identify("flag-user-1"));
    await page.waitForFunction(() => (window as any).foresight.isFeatureEnabled("beta-banner", { sendEvent: false }) === true);
    await page.evaluate(() => {
      const f = (window as any).foresight;
      f.isFeatureEnabled("beta-banner");
      f.isFeatureEnabled("beta-banner");
      return f.flush();
    });
    // A reload in the same session with the flags request failing: answered from the localStorage
    // cache, and nothing sent again.
    let blocked = 0;
    await context.route("**/api/flags", (route) => (blocked++, route.abort()));
    await page.reload();
    await page.waitForFunction(() => typeof (window as any).foresight?.getDistinctId === "function");
    const cached = await page.evaluate(() => {
      const f = (window as any).foresight;
      const v = f.isFeatureEnabled("beta-banner");
      return f.flush().then(() => ({ v, id: f.getDistinctId() }));
    });
    expect(cached).toEqual({ v: true, id: "flag-user-1" });
    await waitFor(async () => (blocked > 0 ? true : null), "the blocked flags request");
    await context.unroute("**/api/flags");

    const rows = await waitFor(async () => {
      const r = await site.query(
        `select distinct_id, properties ->> '$feature_flag' as flag, properties -> '$feature_flag_response' as response
           from events where project_id = $1 and event = '$feature_flag_called' order by timestamp`,
        [site.projectId],
      );
      return r.length >= 3 ? r : null;
    }, "$feature_flag_called events in the database");
    await new Promise((r) => setTimeout(r, 1500)); // anything sent twice would have arrived by now
    const all = await site.query(`select count(*)::int as n from events where project_id = $1 and event = '$feature_flag_called'`, [site.projectId]);
    expect(all).toEqual([{ n: 3 }]);
    expect(rows).toEqual([
      { distinct_id: anonId, flag: "new-checkout", response: expected },
      { distinct_id: anonId, flag: "beta-banner", response: false },
      { distinct_id: "flag-user-1", flag: "beta-banner", response: true },
    ]);
    // The exposures reach the flag's stats.
    await flagService(site.server.env.deps).recountRecentExposures(site.projectId);
    const stats = await site.query(`select flag_key, variant, exposures::int from flag_stat_days where project_id = $1 and exposures > 0 order by flag_key, variant`, [site.projectId]);
    expect(stats).toEqual([
      { flag_key: "beta-banner", variant: "false", exposures: 1 },
      { flag_key: "beta-banner", variant: "true", exposures: 1 },
      { flag_key: "new-checkout", variant: expected, exposures: 1 },
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
