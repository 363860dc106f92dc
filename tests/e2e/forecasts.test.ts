import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePredictions, trainForecasts } from "../../server/forecasts";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";
import { insertEvents, makeEvents } from "../integration/forecast-events";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let insightId: string;

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  const { pool, prisma } = server.env.db;
  const project = (await prisma.project.findFirst({ orderBy: { createdAt: "asc" } }))!;
  await pool.query(`update projects set timezone = 'UTC' where id = $1`, [project.id]);
  await insertEvents(pool, project.id, makeEvents(120));
  // Trained as if 10 days ago, then reconciled: the active version has backtest and live accuracy.
  await trainForecasts(pool, { projectId: project.id, target: "revenue", now: new Date(Date.now() - 10 * 86_400_000) });
  await reconcilePredictions(pool, new Date());
  const { rows } = await pool.query<{ id: string }>(
    `insert into saved_insights (id, project_id, name, kind, query, updated_at) values (gen_random_uuid(), $1, 'Searches LHR', 'trends', $2, now()) returning id`,
    [project.id, JSON.stringify({ kind: "trends", series: [{ event: "search", filters: [{ type: "event", key: "origin", operator: "equals", value: "LHR" }] }], dateRange: { from: "-30d" } })],
  );
  insightId = rows[0]!.id;
}, 120_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

/** Area of an SVG path made of M/L commands (shoelace formula), in the chart's own units. */
function pathArea(d: string): number {
  const nums = (d.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);
  let a = 0;
  for (let i = 0; i + 3 < nums.length; i += 2) a += nums[i]! * nums[i + 3]! - nums[i + 2]! * nums[i + 1]!;
  if (nums.length >= 4) a += nums[nums.length - 2]! * nums[1]! - nums[0]! * nums[nums.length - 1]!;
  return Math.abs(a) / 2;
}

describe("browser: forecasts", () => {
  it("opens Forecasts, sees the band on the revenue chart and the accuracy figures", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN);

    await page.getByRole("navigation").first().getByRole("link", { name: /forecasts/i }).click();
    await page.waitForURL((u) => u.pathname === "/forecasts");
    const targets = page.getByTestId("forecast-targets");
    expect(await targets.getByRole("row", { name: /Revenue/ }).textContent()).toMatch(/v1\s*\d+\.\d\d/);
    await page.getByRole("navigation", { name: "Forecasts" }).getByRole("link", { name: "Price explorer" }).waitFor();

    await targets.getByRole("link", { name: "Revenue" }).click();
    await page.waitForURL((u) => u.pathname === "/forecasts/revenue");
    for (const id of ["forecast-band-95", "forecast-band-80"]) {
      const band = page.getByTestId(id);
      const d = (await band.getAttribute("d")) ?? "";
      expect(pathArea(d), id).toBeGreaterThan(0);
      const box = await band.boundingBox();
      expect(box!.width * box!.height, id).toBeGreaterThan(0);
    }
    expect(await page.getByTestId("backtest-mase").textContent()).toMatch(/^\d+\.\d\d$/);
    expect(await page.getByTestId("backtest-smape").textContent()).toMatch(/^\d+\.\d%$/);
    expect(await page.getByTestId("live-smape").textContent()).toMatch(/^\d+\.\d%$/);
    expect(await page.getByTestId("live-coverage80").textContent()).toMatch(/^\d+%$/);
    expect(await page.getByTestId("accuracy").textContent()).toContain("From 10 reconciled predictions");
    await page.screenshot({ path: path.join(artifacts, "forecast-revenue.png"), fullPage: true });

    // Retrain now: the job id and its state show (no worker runs in this test, so it stays queued).
    await page.getByRole("button", { name: "Retrain now" }).click();
    await page.getByTestId("retrain-progress").waitFor();
    expect(await page.getByTestId("retrain-progress").textContent()).toMatch(/Job #\d+: queued/);
    expect(errors).toEqual([]);
  });

  it("draws the band on a saved trends insight's chart when the forecast toggle is on", async () => {
    const page = await chrome.browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await logIn(page, server.web.url, ADMIN, `/insights/${insightId}`);
    await page.getByTestId("forecast-toggle").waitFor();
    expect(await page.getByTestId("trends-forecast").count()).toBe(0);
    await page.getByTestId("forecast-toggle").check();
    const band = page.getByTestId("trends-forecast-band-80");
    await band.waitFor();
    expect(pathArea((await band.getAttribute("d")) ?? "")).toBeGreaterThan(0);
    expect(await page.getByText(/14-day forecast with 80% and 95% intervals/).count()).toBe(1);
    await page.screenshot({ path: path.join(artifacts, "insight-forecast.png"), fullPage: true });
    expect(errors).toEqual([]);
  });
});
