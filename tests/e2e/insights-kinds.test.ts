import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server/config";
import { launchChromium, logIn } from "../support/browser";
import { ADMIN, startTestWebServer } from "../support/web-server";

const artifacts = path.join(repoRoot, "tests", ".artifacts");
let server: Awaited<ReturnType<typeof startTestWebServer>>;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let cookie: { name: string; value: string; url: string };

/**
 * Three persons over the last three days (UTC, the default project's zone): each views pages,
 * searches; ann books LHR-JFK for 300 each day, bob books CDG-JFK for 100 on the last day.
 */
async function insertEvents() {
  const { pool, prisma } = server.env.db;
  const project = await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const day = (d: number, minutes: number) => new Date(today.getTime() - d * 86_400_000 + (8 * 60 + minutes) * 60_000);
  for (const name of ["ann", "bob", "cy"]) {
    const id = randomUUID();
    await pool.query(`insert into persons (id, project_id, properties) values ($1, $2, $3)`, [id, project.id, { plan: name === "ann" ? "pro" : "free" }]);
    const insert = async (event: string, at: Date, extra: { pathname?: string; revenue?: number; props?: object } = {}) => {
      await pool.query(
        `insert into events (project_id, uuid, event, timestamp, distinct_id, person_id, pathname, revenue, browser, properties)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'Chrome', $9)`,
        [project.id, randomUUID(), event, at, name, id, extra.pathname ?? null, extra.revenue ?? null, JSON.stringify(extra.props ?? {})],
      );
      await pool.query(`insert into event_definitions (project_id, name) values ($1, $2) on conflict do nothing`, [project.id, event]);
    };
    for (const d of [3, 2, 1]) {
      if (name === "cy" && d !== 2) continue;
      await insert("$pageview", day(d, 0), { pathname: "/" });
      await insert("$pageview", day(d, 1), { pathname: "/search" });
      await insert("search", day(d, 2), { props: { origin: name === "bob" ? "CDG" : "LHR", destination: "JFK" } });
      if (name === "ann" || (name === "bob" && d === 1)) {
        const revenue = name === "ann" ? 300 : 100;
        await insert("booking_completed", day(d, 5), { revenue, props: { origin: name === "bob" ? "CDG" : "LHR", destination: "JFK", provider: "acme", commission: revenue / 10 } });
      }
    }
  }
}

beforeAll(async () => {
  await fs.mkdir(artifacts, { recursive: true });
  [server, chrome] = await Promise.all([startTestWebServer(), launchChromium()]);
  await insertEvents();
  const page = await chrome.browser.newPage();
  await logIn(page, server.web.url, ADMIN);
  const session = (await page.context().cookies()).find((c) => c.name === "fs_session")!;
  cookie = { name: session.name, value: session.value, url: server.web.url };
  await page.close();
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

const range = { from: "-4d" };
const cases: [string, object, string, (cells: string[]) => void][] = [
  ["trends-line", { kind: "trends", series: [{ event: "search" }, { event: "booking_completed", math: "unique_persons" }], dateRange: range }, "svg.chart", (c) => expect(c.slice(0, 5)).toEqual(["A", "search", "", "current", "7"])],
  ["trends-bar", { kind: "trends", series: [{ event: "$pageview" }], display: "bar", dateRange: range }, "svg.chart rect", (c) => expect(c[4]).toBe("14")],
  ["trends-number", { kind: "trends", series: [{ event: "booking_completed", math: "sum", mathProperty: "revenue" }], display: "number", dateRange: range }, ".trend-number-value", (c) => expect(c[4]).toBe("1000")],
  ["retention", { kind: "retention", targetEvent: { event: "search" }, returnEvent: { event: "search" }, period: "day", periods: 3, dateRange: range }, "table.retention-grid", (c) => expect(c.length).toBeGreaterThan(3)],
  ["paths", { kind: "paths", steps: 3, dateRange: range }, "svg.chart path", (c) => expect(c.length).toBeGreaterThan(1)],
  ["lifecycle", { kind: "lifecycle", event: { event: "search" }, dateRange: range }, "svg.chart", (c) => expect(c.length).toBe(5)],
  ["stickiness", { kind: "stickiness", event: { event: "search" }, period: "week", dateRange: range }, "svg.chart rect", (c) => expect(c.length).toBe(2)],
  ["revenue-overview", { kind: "revenue", report: "overview", dateRange: range }, "svg.chart rect", (c) => expect(c.length).toBe(8)],
  ["revenue-routes", { kind: "revenue", report: "top_routes", dateRange: range }, "svg.chart rect", (c) => expect(c.slice(0, 2)).toEqual(["1", "LHR-JFK"])],
  ["revenue-peak", { kind: "revenue", report: "peak_hours", dateRange: range }, "table.peak-grid", (c) => expect(c.length).toBe(4)],
];

describe("browser: every insight kind renders", () => {
  it.each(cases)("%s: chart, table and no script errors", async (name, query, chartSelector, checkFirstRow) => {
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([cookie]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(`${server.web.url}/insights?q=${encodeURIComponent(JSON.stringify(query))}`);
    expect(res?.status(), await page.locator("[role=alert]").allTextContents().then((t) => t.join(" "))).toBe(200);
    expect(await page.locator(chartSelector).count(), chartSelector).toBeGreaterThan(0);
    checkFirstRow(await page.locator("table.result-table tbody tr").first().locator("td").allTextContents());
    await page.locator(".insight-result").screenshot({ path: path.join(artifacts, `insights-${name}.png`) });
    expect(errors).toEqual([]);
    await context.close();
  });
});
