import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { logIn } from "../support/browser";
import { startCustomerSite } from "../support/customer-site";
import { waitFor } from "../support/wait";
import { ADMIN } from "../support/web-server";

// The browser SDK on a customer's site sends real web vitals from Chromium to a real Foresight
// server; the monitoring page then shows them per page and device.
const artifacts = path.join(repoRoot, "tests", ".artifacts");
const DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const MOBILE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
let site: Awaited<ReturnType<typeof startCustomerSite>>;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  site = await startCustomerSite({
    projectName: "Vitals site",
    page: ({ foresightUrl, key }) => `<!doctype html><html><head><title>Deals</title>
      <script>
      !function(w,d,u){var f=w.foresight=w.foresight||[];if(f.__loaded||f.__snippet)return;f.__snippet=1;["init","capture","identify","alias","reset","optOut","optIn","setConsent","register","flush"].forEach(function(m){f[m]=function(){f.push([m].concat([].slice.call(arguments)))}});var s=d.createElement("script");s.async=!0;s.src=u;(d.head||d.body).appendChild(s)}(window,document,${JSON.stringify(foresightUrl + "/sdk/foresight.js")});
      foresight.init(${JSON.stringify(key)}, { flushIntervalMs: 200 });
      </script></head><body><h1>Deals to Lisbon</h1>
      <button id="slow" onclick="var t=Date.now();while(Date.now()-t<150){};this.textContent='done'">Show fares</button>
      <a id="bye" href="/bye">leave</a></body></html>`,
  });
});
afterAll(() => site?.close());

async function visit(userAgent: string, pathname: string) {
  const context = await site.chrome.browser.newContext({ userAgent });
  const page = await context.newPage();
  await page.goto(`${site.url}${pathname}`);
  await page.waitForFunction(() => typeof (window as any).foresight?.getDistinctId === "function");
  await page.click("#slow");
  await page.waitForTimeout(300);
  // The page is hidden (the user switches tabs): web-vitals finalises INP and CLS and the SDK sends
  // $web_vitals. Headless Chromium never hides a page by itself, and a beacon sent while leaving
  // the page goes out with the browser's default "HeadlessChrome" user agent instead of the
  // context's (the server would file both visits under "bot"); so the hide is dispatched here.
  await page.evaluate(() => {
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });
  return context;
}

describe("web vitals page", () => {
  it("shows p75 per page and device from vitals sent by the browser SDK", async () => {
    const contexts = [await visit(DESKTOP_UA, "/deals/lisbon"), await visit(MOBILE_UA, "/deals/lisbon")];
    const rows = await waitFor(async () => {
      const r = await site.query(
        `select pathname, device, properties from events where project_id = $1 and event = '$web_vitals' and pathname = '/deals/lisbon'`,
        [site.projectId],
      );
      return r.length >= 2 ? r : null;
    }, "two $web_vitals events");
    for (const c of contexts) await c.close();
    expect(rows.map((r) => r.device).sort()).toEqual(["desktop", "mobile"]);
    const desktop = rows.find((r) => r.device === "desktop")!.properties;
    expect(desktop.$web_vitals_LCP_value).toBeGreaterThan(0);
    expect(desktop.$web_vitals_INP_value).toBeGreaterThanOrEqual(100);

    const page = await site.chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, site.server.web.url, ADMIN);
    // Switch to the site's project, as the project switcher does.
    await page.request.post(`${site.server.web.url}/projects/select`, { form: { id: site.projectId }, headers: { referer: `${site.server.web.url}/` } });
    await page.goto(`${site.server.web.url}/monitoring`);
    await page.getByRole("navigation", { name: "Monitoring" }).getByRole("link", { name: "Web vitals" }).click();
    await page.waitForURL((u) => u.pathname === "/monitoring/vitals");

    const table = page.getByTestId("vitals-table");
    await table.waitFor();
    // The LCP cell of the desktop row shows the value the SDK sent (one sample: p75 = the value).
    const lcp = desktop.$web_vitals_LCP_value as number;
    const shown = lcp >= 1000 ? `${(lcp / 1000).toFixed(2)} s` : `${Math.round(lcp)} ms`;
    const desktopRow = table.getByRole("row").filter({ hasText: "/deals/lisbon" }).filter({ hasText: "desktop" });
    expect(await desktopRow.locator('[data-metric="LCP"]').textContent()).toContain(shown);
    expect(await desktopRow.locator('[data-metric="LCP"]').textContent()).toContain(lcp <= 2500 ? "Good" : lcp <= 4000 ? "Needs improvement" : "Poor");
    await table.getByRole("row").filter({ hasText: "mobile" }).first().waitFor();
    expect(await table.textContent()).toContain("/deals/lisbon");
    await page.getByRole("img", { name: "Daily p75 of LCP" }).waitFor();

    // Filter to mobile through the form.
    await page.getByRole("combobox", { name: "Device" }).selectOption("mobile");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL((u) => u.searchParams.get("device") === "mobile");
    // The URL changes as the navigation commits; the table re-renders right after.
    await expect.poll(() => table.getByRole("row").filter({ hasText: "desktop" }).count(), { timeout: 10_000 }).toBe(0);
    await table.getByRole("row").filter({ hasText: "mobile" }).first().waitFor();
    await page.screenshot({ path: path.join(artifacts, "vitals.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
